"""Makes the world the fuzzer acts in: two people in an active bond.

Prints two bearer tokens of the first person (one for the main run, one that the
token-revoking operations may destroy) and the bond id, as shell assignments.
"""
import json
import sys
import urllib.request

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
print(f"MAIN_TOKEN={main}\nSPARE_TOKEN={spare}\nBOND_ID={bond}")
