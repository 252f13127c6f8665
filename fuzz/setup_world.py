"""Makes the world the fuzzer acts in: two people in an active bond.

Prints two bearer tokens of the first person (one for the main run, one that the
token-revoking operations may destroy), the bond id and the bond's today, as shell
assignments, with one result of the first person's, an invite code to a second bond of
the partner's, an appreciation from the partner and a push device of the first person's;
and a professional serving the bond with both members' consent (their token and id), a
pending professional invite of the bond, and one of another bond the professional may take.
"""
import base64
import json
import os
import sys
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

base = sys.argv[1]
PASSWORD = "fuzzing passphrase, long enough"


def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, method=method, data=data, headers=headers)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else {}


for email, name in (("fuzz@example.org", "Fuzz"), ("partner@example.org", "Partner")):
    call("POST", "/api/v1/accounts", {"email": email, "password": PASSWORD, "displayName": name})
main = call("POST", "/api/v1/tokens", {"email": "fuzz@example.org", "password": PASSWORD, "name": "fuzz"})["token"]
spare = call("POST", "/api/v1/tokens", {"email": "fuzz@example.org", "password": PASSWORD, "name": "spare"})["token"]
partner = call("POST", "/api/v1/tokens", {"email": "partner@example.org", "password": PASSWORD})["token"]
bond = call("POST", "/api/v1/bonds", {"kind": "romantic", "name": "Fuzzed"}, main)["id"]
code = call("POST", f"/api/v1/bonds/{bond}/invites", None, main)["code"]
call("POST", f"/api/v1/invites/{code}/accept", None, partner)
# The partner has answered today's question, so the fuzzer's own answer reveals the day and
# opens its replies; both people have no time zone of their own (UTC), so "today" is UTC's.
today = call("PUT", f"/api/v1/bonds/{bond}/today/answer", {"text": "A slow breakfast together."}, partner)["today"]["day"]
# A result of the fuzzer's own, and an invite to a second bond of the partner's, so the
# operations on one assessment or one invite code reach something real.
answers = {f"eis{n}": 4 for n in range(1, 6)}
assessment = call("POST", f"/api/v1/bonds/{bond}/assessments", {"instrument": "eis", "answers": answers, "share": True}, main)["id"]
other = call("POST", "/api/v1/bonds", {"kind": "family"}, partner)["id"]
other_code = call("POST", f"/api/v1/bonds/{other}/invites", None, partner)["code"]
# An appreciation to react to, and a push device (a real P-256 key, as a browser makes one)
# whose endpoint is on a reserved name, so nothing pushed ever leaves this machine.
appreciation = call("POST", f"/api/v1/bonds/{bond}/appreciations", {"text": "Thank you for the tea."}, partner)["id"]
point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
device = call("POST", "/api/v1/me/push-subscriptions", {
    "endpoint": "https://push.example.invalid/fuzz", "keys": {"p256dh": b64(point), "auth": b64(os.urandom(16))}}, main)["id"]
# A daily ritual the partner proposed and the fuzzer agreed to, so marking its times is reached.
ritual = call("POST", f"/api/v1/bonds/{bond}/rituals", {"title": "Evening walk", "rhythm": "daily", "start": today}, partner)["id"]
call("PATCH", f"/api/v1/bonds/{bond}/rituals/{ritual}", {"response": "accept"}, main)
# A plan for tomorrow the partner proposed, waiting for the fuzzer's answer.
import datetime
tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%dT12:00:00Z")
plan = call("POST", f"/api/v1/bonds/{bond}/plans", {"title": "Picnic", "startsAt": tomorrow}, partner)["id"]
# A hurt the partner raised, waiting for the fuzzer to hear it; and the fuzzer has confirmed it
# is 18 or over, so its marks on needs and desires are taken.
repair = call("POST", f"/api/v1/bonds/{bond}/repairs", {"happened": "The missed call on Sunday."}, partner)["id"]
call("PUT", f"/api/v1/bonds/{bond}/desires", {"confirmAdult": True}, main)
# A counsellor the fuzzer invited, serving the bond with both members' consent to every scope, so
# access is open, the consent page lists them and their summary opens; they read it once, so the
# access log has a row. A professional invite of the bond still waiting (withdrawing and
# previewing it reach a real one), and one the partner made for a second bond (the partner's with
# a third person), which the professional can take once.
call("POST", "/api/v1/accounts", {"email": "counsellor@example.org", "password": PASSWORD, "displayName": "Robin Counsellor",
                                  "role": "professional", "practiceName": "Harbour Counselling", "credentials": "Registered counsellor"})
professional = call("POST", "/api/v1/tokens", {"email": "counsellor@example.org", "password": PASSWORD, "name": "fuzz"})["token"]
professional_id = call("GET", "/api/v1/me", None, professional)["id"]
served = call("POST", f"/api/v1/bonds/{bond}/professional-invites", None, main)["code"]
call("POST", f"/api/v1/professional-invites/{served}/accept", None, professional)
scopes = ["shared-results", "checkins", "checkin-notes", "rhythm", "answers"]
for member in (main, partner):
    call("PUT", f"/api/v1/bonds/{bond}/professional-consent", {"professionalId": professional_id, "scopes": scopes, "consent": True}, member)
call("GET", f"/api/v1/professional/bonds/{bond}/summary", None, professional)
pending = call("POST", f"/api/v1/bonds/{bond}/professional-invites", None, main)
call("POST", "/api/v1/accounts", {"email": "third@example.org", "password": PASSWORD, "displayName": "Third"})
third = call("POST", "/api/v1/tokens", {"email": "third@example.org", "password": PASSWORD})["token"]
elsewhere = call("POST", "/api/v1/bonds", {"kind": "friendship"}, partner)["id"]
elsewhere_invite = call("POST", f"/api/v1/bonds/{elsewhere}/invites", None, partner)["code"]
call("POST", f"/api/v1/invites/{elsewhere_invite}/accept", None, third)
elsewhere_code = call("POST", f"/api/v1/bonds/{elsewhere}/professional-invites", None, partner)["code"]
print(f"MAIN_TOKEN={main}\nSPARE_TOKEN={spare}\nBOND_ID={bond}\nTODAY={today}\n"
      f"ASSESSMENT_ID={assessment}\nINVITE_CODE={other_code}\nAPPRECIATION_ID={appreciation}\nDEVICE_ID={device}\n"
      f"RITUAL_ID={ritual}\nPLAN_ID={plan}\nREPAIR_ID={repair}\n"
      f"PROFESSIONAL_TOKEN={professional}\nPROFESSIONAL_ID={professional_id}\nPRO_INVITE_ID={pending['id']}\n"
      f"PRO_INVITE_CODE={pending['code']}\nPRO_ELSEWHERE_CODE={elsewhere_code}\nELSEWHERE_BOND_ID={elsewhere}")
