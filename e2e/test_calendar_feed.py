"""The calendar feed read as calendar apps read it (issue 12): rituals in London, New York and
Adelaide — weekly on two days, the second Sunday of the month, every three days, the 31st of
each month, an anniversary, one changed from a date on, one with a time both skipped — are
fetched from a member's private feed, parsed with Python's `icalendar` and expanded with
`recurring-ical-events` over 400 days, across both directions of summer time in both
hemispheres. Every instant must match Kindred's own expansion (the API's list of times,
less the skipped one); a revoked feed answers 404. No browser: plain HTTP against the suite's
server.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from datetime import date, datetime, timedelta, timezone

import icalendar
import recurring_ical_events

PASSWORD = "a calendar on the kitchen wall"
RUN = uuid.uuid4().hex[:8]


def call(base: str, method: str, path: str, body=None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, method=method, data=data, headers=headers)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else {}


def person(kindred, name: str, zone: str) -> str:
    """Signs someone up through the emailed link and returns a token."""
    email = f"{name.lower()}.{RUN}@example.org"
    call(kindred.base_url, "POST", "/api/v1/accounts", {"email": email, "password": PASSWORD, "displayName": name, "timeZone": zone})
    mails = kindred.mailbox.wait_for(email)
    link = re.search(r"/register/confirm/([A-Za-z0-9_-]+)", mails[-1].get_body(("plain",)).get_content())
    assert link, f"no sign-up link reached {email}"
    call(kindred.base_url, "POST", f"/api/v1/signups/{link.group(1)}")
    return call(kindred.base_url, "POST", "/api/v1/tokens", {"email": email, "password": PASSWORD})["token"]


def test_every_time_in_the_feed_matches_kindreds_own_over_400_days(kindred):
    base = kindred.base_url
    ana = person(kindred, "Ana", "Europe/London")
    ben = person(kindred, "Ben", "Australia/Adelaide")
    bond = call(base, "POST", "/api/v1/bonds", {"kind": "romantic"}, ana)["id"]
    code = call(base, "POST", f"/api/v1/bonds/{bond}/invites", None, ana)["code"]
    call(base, "POST", f"/api/v1/invites/{code}/accept", None, ben)

    today = date.today()
    start = today - timedelta(days=30)
    through = start + timedelta(days=400)
    first = start.isoformat()
    rituals = {
        "Supper call": {"rhythm": "weekly", "weekdays": [1, 4], "time": "19:30", "timeZone": "Europe/London", "start": first},
        "Second Sunday brunch": {"rhythm": "monthlyOnWeekday", "ordinal": 2, "weekday": 7, "time": "10:00",
                                 "timeZone": "America/New_York", "start": first},
        "Every third day": {"rhythm": "daily", "every": 3, "time": "07:15", "timeZone": "Australia/Adelaide", "start": first},
        "Month's end": {"rhythm": "monthlyOnDay", "monthDay": 31, "time": "20:00", "timeZone": "America/New_York", "start": first},
        "Anniversary": {"rhythm": "yearly", "time": "18:00", "timeZone": "Australia/Adelaide",
                        "start": (start + timedelta(days=45)).isoformat()},
        "Fortnightly film": {"rhythm": "weekly", "every": 2, "weekdays": [6], "time": "21:00", "timeZone": "Europe/London", "start": first},
    }
    ids = {}
    for title, fields in rituals.items():
        made = call(base, "POST", f"/api/v1/bonds/{bond}/rituals", {"title": title, **fields}, ana)
        ids[title] = made["id"]
        call(base, "PATCH", f"/api/v1/bonds/{bond}/rituals/{made['id']}", {"response": "accept"}, ben)
    # From today on, the film is on Sundays at eight instead; the past stays on Saturdays.
    call(base, "PATCH", f"/api/v1/bonds/{bond}/rituals/{ids['Fortnightly film']}",
         {"weekdays": [7], "time": "20:00", "from": today.isoformat(), "start": today.isoformat()}, ana)
    # Both skipped the supper call's last time before today.
    last = [o for o in call(base, "GET", f"/api/v1/bonds/{bond}/rituals/{ids['Supper call']}/occurrences?from={first}&through={today.isoformat()}", token=ana)
            if o["day"] < today.isoformat()][-1]
    for token in (ana, ben):
        call(base, "PUT", f"/api/v1/bonds/{bond}/rituals/{ids['Supper call']}/occurrences/{last['day']}", {"status": "skipped"}, token)

    feed = call(base, "POST", f"/api/v1/bonds/{bond}/calendar-feeds", {"alarmMinutes": 30}, ana)
    with urllib.request.urlopen(feed["url"]) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        text = response.read()
    calendar = icalendar.Calendar.from_ical(text)
    window = (datetime.combine(start, datetime.min.time(), tzinfo=timezone.utc) - timedelta(days=1),
              datetime.combine(through, datetime.min.time(), tzinfo=timezone.utc) + timedelta(days=2))
    expanded = recurring_ical_events.of(calendar).between(*window)

    def utc(moment) -> str:
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    compared = 0
    for title, ritual in ids.items():
        # Times on local dates from the first through the last (the window reaches a day either side).
        theirs = sorted(utc(e["DTSTART"].dt) for e in expanded
                        if str(e["UID"]).startswith(ritual.lower()) and start <= e["DTSTART"].dt.date() <= through)
        ours = call(base, "GET", f"/api/v1/bonds/{bond}/rituals/{ritual}/occurrences?from={first}&through={through.isoformat()}", token=ana)
        expected = sorted(o["at"].replace(".000", "") for o in ours if not (title == "Supper call" and o["day"] == last["day"]))
        assert theirs == expected, f"{title}: the feed has {len(theirs)} times, Kindred {len(expected)}; first differences: " \
            f"{sorted(set(theirs) ^ set(expected))[:6]}"
        assert all(e.get("SUMMARY") == title for e in expanded if str(e["UID"]).startswith(ritual.lower()))
        compared += len(expected)
    assert compared > 250, f"only {compared} times compared"
    alarms = [c for c in calendar.walk("VALARM")]
    assert alarms and all(str(a["TRIGGER"].to_ical(), "ascii") == "-PT30M" for a in alarms)

    call(base, "DELETE", f"/api/v1/bonds/{bond}/calendar-feeds/{feed['id']}", token=ana)
    try:
        urllib.request.urlopen(feed["url"])
        raise AssertionError("a revoked feed still answers")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    print(f"\n    calendar feed: {compared} times in 3 zones over 400 days match recurring-ical-events")
