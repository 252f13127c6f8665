"""Prints what the fuzzer reached in its own bond — evidence that bond-scoped operations got
past the 404s and did real work. Fails when it reached nothing: the run would prove little.

With a professional's bearer token as a fourth argument, prints what the professional's run
reached instead (the bonds they serve, and the summaries read, from the bond's access log), and
fails if they read no summary beyond the one the world's setup read."""
import json
import sys
import urllib.request

base, token, bond = sys.argv[1:4]
professional = sys.argv[4] if len(sys.argv) > 4 else None


def get(path, bearer=token):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + bearer})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


access_log = get(f"/api/v1/bonds/{bond}/professional-access-log")
if professional:
    served = get("/api/v1/professional/bonds", professional)
    print("    reached as the professional: " + ", ".join([
        "bonds served " + (", ".join(f"{b['kind']} {b['state']}" for b in served) or "none"),
        f"summaries read {len(access_log)} (one by the setup)",
    ]))
    if len(access_log) <= 1:
        sys.exit("the professional read no summary: their operations were not reached")
    sys.exit(0)

today = get(f"/api/v1/bonds/{bond}/today")["today"]
checkin = get(f"/api/v1/bonds/{bond}/checkins/current")
assessments = get(f"/api/v1/bonds/{bond}/assessments")
appreciations = get(f"/api/v1/bonds/{bond}/appreciations")
conversation = get(f"/api/v1/bonds/{bond}/conversation")
home = get(f"/api/v1/bonds/{bond}/home")
themes = get(f"/api/v1/bonds/{bond}/themes")
reminders = get("/api/v1/me/reminders")
desires = get(f"/api/v1/bonds/{bond}/desires")
professionals = get(f"/api/v1/bonds/{bond}/professional-consent")["professionals"]
professional_invites = get(f"/api/v1/bonds/{bond}/professional-invites")
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
    "professional invites waiting": len(professional_invites),
    "professional access": ", ".join(p["state"] for p in professionals) or "none",
    "summaries read": len(access_log),
}
print("    reached in the fuzzer's own bond: " + ", ".join(f"{k} {v}" for k, v in reached.items()))
if today["state"] != "revealed" and checkin["state"] == "open":
    sys.exit("the fuzzer neither answered today's question nor checked in: bond-scoped operations were not reached")
