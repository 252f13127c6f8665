"""Prints what the fuzzer reached in its own bond — evidence that bond-scoped operations got
past the 404s and did real work. Fails when it reached nothing: the run would prove little."""
import json
import sys
import urllib.request

base, token, bond = sys.argv[1:4]


def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


today = get(f"/api/v1/bonds/{bond}/today")["today"]
checkin = get(f"/api/v1/bonds/{bond}/checkins/current")
assessments = get(f"/api/v1/bonds/{bond}/assessments")
appreciations = get(f"/api/v1/bonds/{bond}/appreciations")
conversation = get(f"/api/v1/bonds/{bond}/conversation")
home = get(f"/api/v1/bonds/{bond}/home")
themes = get(f"/api/v1/bonds/{bond}/themes")
reminders = get("/api/v1/me/reminders")
desires = get(f"/api/v1/bonds/{bond}/desires")
reached = {
    "today": today["state"],
    "replies": len(today.get("replies") or []),
    "checkin": checkin["state"],
    "results": len(assessments["yours"]),
    "appreciations sent": len(appreciations["sent"]),
    "conversation position": conversation.get("position"),
    "reaction to today": (today.get("reactions") or {}).get("yours"),
    "reactions to appreciations": sum(1 for a in appreciations["received"] if (a.get("reactions") or {}).get("yours")),
    "themes": themes.get("decks") or "every deck",
    "daily reminder": reminders.get("dailyAt"),
    "push devices": reminders.get("devices"),
    "news on the home": len(home["news"]),
    "marks on needs and desires": sum(1 for item in desires["items"] if item.get("yours")),
}
print("    reached in the fuzzer's own bond: " + ", ".join(f"{k} {v}" for k, v in reached.items()))
if today["state"] != "revealed" and checkin["state"] == "open":
    sys.exit("the fuzzer neither answered today's question nor checked in: bond-scoped operations were not reached")
