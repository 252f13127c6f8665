"""Python side of scripts/cluster-test (standard library only; SQL checks through psql).

Two `kindred serve` nodes share one PostgreSQL; nginx round-robins in front. Proves:
  (a) a web session made through node 1 works through node 2 (and through nginx, and a
      sign-out on one node ends it on the other);
  (b) for each of N invites, two different people accept at the same instant, one through
      node 1 and one through node 2: exactly one 200 per invite, the other 409/410, no 5xx
      anywhere, each bond ends with exactly 2 members, no duplicated memberships;
  (c) in each bond (b) formed, both members answer the question of the day at the same
      instant, one through node 1 and one through node 2: both 200, nothing lost (each
      member's answer through the API, and 2 rows per bond in PostgreSQL), nothing
      duplicated, both see the day revealed with the other's exact text, the answers are
      final (a further answer gets 409 answers-revealed) and sealed at rest;
  (d) in the same bonds, both members check in for the week at the same instant through
      different nodes: both 200, both see both notes revealed, 2 rows per bond;
  (f) a burst of 200 password guesses for one account from one client, split across both
      nodes: at most 10 checked (401), the rest refused before checking (429); the owner still
      signs in from their own address through either node; one security-log entry counts them;
  (e) --reminders people (default 500) in active bonds, in several time zones, each with a
      daily email reminder at the local time that makes all of them due in the same UTC
      minute, half set up through each node: the real SMTP sink (smtp_sink.py, --mail-dir)
      receives exactly one message per person — none missing, none twice (by recipient and by
      Message-ID, each the id of that person's notice in PostgreSQL) — and both nodes sent
      some (notices.claimed_by names the node's process id). With --kill-mid-batch, the node
      holding unsent claims is killed with SIGKILL as the first messages arrive; its claims
      lapse (120 s) and the other node must finish with nothing lost, and nothing doubled but
      at most the one message the killed node had in flight (sent again with its Message-ID).
  (g) a bond's dashboard, kept by each node under the bond's measure version (issue 15): one
      member shares a result through one node; the other looks through the other node (twice,
      so the second is the kept one) and sees it; the first unshares through their node, and the
      other's very next look through the other node no longer holds it; shared again through
      the second node, both nodes show it to the other at once.
Later issues add their races as more race_* functions.
Prints the counts; exits 1 on any anomaly.
"""
import argparse
import concurrent.futures
import datetime
import email
import email.policy
import html
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
import zoneinfo
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kindred_http import PASSWORD, Client, cookies_from, csrf_field, expect  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--node1", required=True)
p.add_argument("--node2", required=True)
p.add_argument("--proxy", required=True)
p.add_argument("--pg-url", required=True)
p.add_argument("--psql", default="psql")
p.add_argument("--pairs", type=int, default=200)
p.add_argument("--wave", type=int, default=25, help="pairs racing at once")
p.add_argument("--signup-workers", type=int, default=8)
p.add_argument("--results", required=True)
p.add_argument("--mail-dir", required=True, help="the SMTP sink's --out folder (messages.jsonl, <n>.eml)")
p.add_argument("--node-pids", required=True, help="node 1's and node 2's process ids, comma-separated")
p.add_argument("--reminders", type=int, default=500, help="people with a reminder due in one minute (even)")
p.add_argument("--reminder-lead", type=int, default=60,
               help="the due minute is the first whole minute at least this many seconds after setup")
p.add_argument("--reminder-timeout", type=int, default=180, help="seconds after the due minute to wait for every email")
p.add_argument("--scheduler-seconds", type=int, default=2, help="the nodes' KINDRED_SCHEDULER_SECONDS")
p.add_argument("--kill-mid-batch", action="store_true",
               help="SIGKILL the node holding unsent claims as the first reminders arrive")
p.add_argument("--killed-file", help="with --kill-mid-batch: where the killed node's pid is written")
args = p.parse_args()

RUN = uuid.uuid4().hex[:8]
STATUSES = Counter()          # every response of the whole run, by status
LOCK = threading.Lock()
UPSTREAMS = Counter()         # which node nginx sent requests to
ANOMALIES = []
RESULTS = {"run": RUN}
FORMED = []                   # bonds (b) formed: {"index", "id", "members": [inviter, joiner]}
SPARE = []                    # the losers of (b): accounts with a token and no bond, reused by (e)


def anomaly(message):
    print(f"    ANOMALY: {message}")
    ANOMALIES.append(message)


def client(base):
    return Client(base, statuses=STATUSES, lock=LOCK)


_local = threading.local()


def proxy():
    """A keep-alive client to nginx, one per thread; tallies which node answered."""
    if not hasattr(_local, "proxy"):
        _local.proxy = client(args.proxy)
    return _local.proxy


def via_proxy(method, path, body=None, token=None, **kw):
    r = proxy().request(method, path, body, token=token, **kw)
    upstream = r.header("X-Kindred-Upstream")
    with LOCK:
        UPSTREAMS[upstream or "?"] += 1
    return r


def psql(sql):
    out = subprocess.run([args.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", args.pg_url, "-c", sql],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr}")
    return [line.split("|") for line in out.stdout.splitlines() if line.strip()]


# ---------------------------------------------------------------- (a) sessions across nodes

def session_test():
    print("\n==> (a) A web session made through node 1 works through node 2")
    n1, n2 = client(args.node1), client(args.node2)
    name = f"Session Person {RUN}"
    email = f"session-{RUN}@example.org"
    page = expect(n1.request("GET", "/register"), 200, what="GET /register on node 1")
    jar = cookies_from(page)
    r = n1.request("POST", "/register", form={"csrf": csrf_field(page.text), "displayName": name, "email": email,
                                               "password": PASSWORD, "timeZone": "UTC"}, cookies=jar)
    expect(r, 302, 303, what="POST /register on node 1")
    jar.update(cookies_from(r))
    if not jar.get("kindred_session"):
        anomaly("registering on node 1 set no kindred_session cookie")
        return
    session = {"kindred_session": jar["kindred_session"]}
    checks = {}

    # /bonds on node 2 answers as the signed-in person (a sign-out button, not a redirect to
    # /sign-in), and /settings on node 2 shows their name.
    r = n2.request("GET", "/bonds", cookies=session)
    checks["node2_bonds_status"] = r.status
    checks["node2_bonds_signed_in"] = r.status == 200 and 'action="/sign-out"' in r.text
    if not checks["node2_bonds_signed_in"]:
        anomaly(f"GET /bonds on node 2 with node 1's session: {r.status}, signed in: {checks['node2_bonds_signed_in']}")
    r = n2.request("GET", "/settings", cookies=session)
    checks["node2_settings_shows_name"] = r.status == 200 and html.escape(name) in r.text
    if not checks["node2_settings_shows_name"]:
        anomaly(f"GET /settings on node 2 with node 1's session: {r.status}, name shown: {html.escape(name) in r.text}")

    r = n2.request("GET", "/bonds")
    checks["node2_without_cookie"] = r.status
    if r.status not in (302, 303) or "/sign-in" not in (r.header("Location") or ""):
        anomaly(f"GET /bonds on node 2 without a cookie answered {r.status} {r.header('Location')}, not a redirect to /sign-in")

    # A write through node 2 with the session (and its CSRF token), seen through node 1.
    bond_name = f"Cluster bond {RUN}"
    page = expect(n2.request("GET", "/bonds/new", cookies=session), 200, what="GET /bonds/new on node 2")
    r = n2.request("POST", "/bonds", form={"csrf": csrf_field(page.text), "kind": "friendship", "name": bond_name},
                   cookies=session)
    checks["node2_create_bond"] = r.status
    if r.status not in (302, 303):
        anomaly(f"creating a bond through node 2 with node 1's session answered {r.status}")
    r = n1.request("GET", "/bonds", cookies=session)
    checks["node1_shows_bond"] = r.status == 200 and html.escape(bond_name) in r.text
    if not checks["node1_shows_bond"]:
        anomaly(f"node 1 does not list the bond made through node 2 ({r.status})")

    # Through nginx: both nodes serve the same session.
    seen = Counter()
    for _ in range(8):
        r = via_proxy("GET", "/bonds", cookies=session)
        seen[(r.header("X-Kindred-Upstream"), r.status)] += 1
    checks["through_nginx"] = {f"{k[0]} {k[1]}": v for k, v in seen.items()}
    if any(status != 200 for (_, status) in seen) or len({u for (u, _) in seen}) < 2:
        anomaly(f"GET /bonds through nginx: {dict(seen)} (want 200 from both nodes)")

    # Signing out through node 2 ends the session on node 1 too.
    page = expect(n2.request("GET", "/bonds", cookies=session), 200, what="GET /bonds on node 2")
    r = n2.request("POST", "/sign-out", form={"csrf": csrf_field(page.text)}, cookies=session)
    checks["node2_sign_out"] = r.status
    r = n1.request("GET", "/bonds", cookies=session)
    checks["node1_after_sign_out"] = r.status
    if r.status not in (302, 303):
        anomaly(f"after signing out through node 2, node 1 still answers {r.status} to the old session")
    RESULTS["session"] = checks
    print("    " + json.dumps(checks))


# ---------------------------------------------------------------- (b) racing invite accepts

def open_conn(base):
    """A connection opened ahead of a race, so sending is all that is left to do."""
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    conn.connect()
    return conn


def get_through_other_node(bond, m, what):
    """GET /api/v1/bonds/{id}/WHAT as member m, through the node m did not write through."""
    c = client(bond["nodes"][1 - m])
    r = c.request("GET", f"/api/v1/bonds/{bond['id']}/{what}", token=bond["members"][m]["token"])
    c.close()
    return r


def in_waves(n, race):
    """Runs race(i, barrier) for i in 0..<n, --wave threads at a time, each wave released
    together by its barrier."""
    for wave_start in range(0, n, args.wave):
        wave = range(wave_start, min(n, wave_start + args.wave))
        barrier = threading.Barrier(len(wave))
        threads = [threading.Thread(target=race, args=(i, barrier)) for i in wave]
        for th in threads:
            th.start()
        for th in threads:
            th.join(180)


def make_people(count, prefix):
    def make(i):
        email = f"{prefix}-{RUN}-{i}@example.org"
        expect(via_proxy("POST", "/api/v1/accounts", {"email": email, "password": PASSWORD,
                                                      "displayName": f"{prefix.title()} {i}"}), 201, what="sign-up")
        r = expect(via_proxy("POST", "/api/v1/tokens", {"email": email, "password": PASSWORD}), 201, what="token")
        return {"email": email, "token": r.json()["token"], "id": None}

    with concurrent.futures.ThreadPoolExecutor(args.signup_workers) as pool:
        return list(pool.map(make, range(count)))


def race_invite_accepts():
    n = args.pairs
    print(f"\n==> (b) {n} invites, each accepted by two people at the same instant through different nodes")
    t0 = time.monotonic()
    people = make_people(3 * n, "racer")
    inviters, first, second = people[:n], people[n:2 * n], people[2 * n:]
    RESULTS["signup_seconds"] = round(time.monotonic() - t0, 1)
    print(f"    {len(people)} accounts and tokens in {RESULTS['signup_seconds']} s through nginx "
          f"(upstreams so far: {dict(UPSTREAMS)})")

    def bond_and_invite(i):
        token = inviters[i]["token"]
        bond = expect(via_proxy("POST", "/api/v1/bonds", {"kind": ["romantic", "friendship", "family"][i % 3],
                                                          "name": f"Race {i}"}, token=token), 201, what="bond").json()
        invite = expect(via_proxy("POST", f"/api/v1/bonds/{bond['id']}/invites", token=token), 201, what="invite").json()
        return bond["id"].lower(), invite["code"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        made = list(pool.map(bond_and_invite, range(n)))

    outcomes = [None] * n
    timing = []

    def race_pair(i, barrier):
        """Both accepts leave within microseconds: one thread writes both requests on two
        connections opened beforehand (one per node), then reads both answers."""
        code = made[i][1]
        sides = [(first[i], open_conn(args.node1)), (second[i], open_conn(args.node2))]
        order = sides if i % 2 == 0 else sides[::-1]   # neither node always goes first
        barrier.wait(timeout=120)
        t0 = time.perf_counter()
        for who, conn in order:
            conn.request("POST", f"/api/v1/invites/{code}/accept", headers={"Authorization": f"Bearer {who['token']}"})
        skew = time.perf_counter() - t0
        answers = []
        for who, conn in sides:
            try:
                r = conn.getresponse()
                answers.append((r.status, r.read()[:200]))
            except Exception as e:  # no answer at all is an anomaly too
                answers.append((None, repr(e)))
            conn.close()
        with LOCK:
            for status, _ in answers:
                STATUSES[status or 0] += 1
        outcomes[i] = ([answers[0]], [answers[1]])
        timing.append(skew)

    t0 = time.monotonic()
    in_waves(n, race_pair)
    RESULTS["race_seconds"] = round(time.monotonic() - t0, 1)

    counts = Counter()
    winners = {}
    statuses = Counter()
    for i, outcome in enumerate(outcomes):
        if outcome is None:
            counts["no result"] += 1
            anomaly(f"invite {i}: the race did not run (see the error above)")
            continue
        a, b = outcome
        sa, sb = a[0][0], b[0][0]
        statuses[sa] += 1
        statuses[sb] += 1
        oks = [s for s in (sa, sb) if s == 200]
        if len(oks) == 1:
            counts["one winner"] += 1
            winner, loser, via = (first[i], second[i], "node1") if sa == 200 else (second[i], first[i], "node2")
            winners[i] = (winner, loser)
            SPARE.append(loser)
            FORMED.append({"index": i, "id": made[i][0], "members": [inviters[i], winner]})
            counts[f"won through {via}"] += 1
            loser_status = sb if sa == 200 else sa
            if loser_status not in (409, 410):
                anomaly(f"invite {i}: the loser got {loser_status}, not 409/410: {(b if sa == 200 else a)[0][1]!r}")
        elif len(oks) == 2:
            counts["two winners"] += 1
            anomaly(f"invite {i}: both accepts won (200, 200)")
        else:
            counts["no winner"] += 1
            anomaly(f"invite {i}: nobody won: {a[0]!r} / {b[0]!r}")
    timing.sort()
    RESULTS["race"] = {
        "pairs": n, "outcomes": dict(counts), "accept_statuses": {str(k): v for k, v in statuses.items()},
        "send_skew_ms": {"p50": round(timing[len(timing) // 2] * 1000, 3), "max": round(timing[-1] * 1000, 3)},
        "waves": -(-n // args.wave), "pairs_per_wave": args.wave,
    }
    print(f"    {n} races in {RESULTS['race_seconds']} s: {dict(counts)}; accept statuses {dict(statuses)}; "
          f"send skew p50 {RESULTS['race']['send_skew_ms']['p50']} ms, max {RESULTS['race']['send_skew_ms']['max']} ms")

    # Through the API: each bond has its inviter and the winner, and the loser cannot see it.
    api = Counter()

    def check_api(i):
        bond_id = made[i][0]
        r = via_proxy("GET", f"/api/v1/bonds/{bond_id}", token=inviters[i]["token"])
        if r.status != 200:
            return f"inviter's GET /api/v1/bonds/{bond_id}: {r.status}"
        members = r.json()["members"]
        if len(members) != 2:
            return f"bond {i} has {len(members)} members through the API"
        if i in winners:
            winner, loser = winners[i]
            if via_proxy("GET", f"/api/v1/bonds/{bond_id}", token=winner["token"]).status != 200:
                return f"the winner of invite {i} cannot see the bond"
            if via_proxy("GET", f"/api/v1/bonds/{bond_id}", token=loser["token"]).status != 404:
                return f"the loser of invite {i} can see the bond"
        return None

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for problem in pool.map(check_api, range(n)):
            api["ok" if problem is None else "problem"] += 1
            if problem:
                anomaly(problem)
    RESULTS["api_check"] = dict(api)
    print(f"    API check of the {n} bonds: {dict(api)}")

    # Straight from PostgreSQL.
    ids = ",".join(f"'{bond_id}'::uuid" for bond_id, _ in made)
    rows = psql(f"SELECT b.id, count(m.id) FROM bonds b LEFT JOIN bond_members m ON m.bond_id = b.id "
                f"WHERE b.id IN ({ids}) GROUP BY b.id")
    per_bond = Counter(int(c) for _, c in rows)
    duplicates = psql("SELECT bond_id, user_id, count(*) FROM bond_members GROUP BY bond_id, user_id HAVING count(*) > 1")
    slot_dupes = psql("SELECT bond_id, slot, count(*) FROM bond_members GROUP BY bond_id, slot HAVING count(*) > 1")
    over_full = psql("SELECT bond_id, count(*) FROM bond_members GROUP BY bond_id HAVING count(*) > 2")
    claimed = psql(f"SELECT count(*) FROM invites i JOIN bond_members m ON m.bond_id = i.bond_id AND m.slot = 2 "
                   f"WHERE i.bond_id IN ({ids}) AND i.used_at IS NOT NULL AND i.used_by = m.user_id")
    used_invites = psql(f"SELECT count(*) FROM invites WHERE bond_id IN ({ids}) AND used_at IS NOT NULL")
    sql = {
        "bonds": len(rows), "members_per_bond": {str(k): v for k, v in per_bond.items()},
        "duplicate_memberships": len(duplicates), "duplicate_slots": len(slot_dupes),
        "bonds_over_two": len(over_full), "invites_used": int(used_invites[0][0]),
        "invite_used_by_slot2_member": int(claimed[0][0]),
    }
    RESULTS["sql_check"] = sql
    print(f"    PostgreSQL: {json.dumps(sql)}")
    if len(rows) != n or per_bond != Counter({2: n}):
        anomaly(f"members per bond in PostgreSQL: {dict(per_bond)} over {len(rows)} bonds (want 2 in each of {n})")
    if duplicates or slot_dupes or over_full:
        anomaly(f"duplicated memberships {duplicates[:3]}, slots {slot_dupes[:3]}, over-full bonds {over_full[:3]}")
    if sql["invites_used"] != n or sql["invite_used_by_slot2_member"] != n:
        anomaly(f"invites used {sql['invites_used']}, used by the member who joined {sql['invite_used_by_slot2_member']} (want {n})")

# ---------------------------------------------------------------- (c) racing daily answers

def form_more_bonds(count):
    """Active bonds made without a race, if (b) formed fewer than --pairs (it is an anomaly
    there already; (c) still races on the full number)."""
    people = make_people(2 * count, "topup")

    def form(i):
        a, b = people[2 * i], people[2 * i + 1]
        bond = expect(via_proxy("POST", "/api/v1/bonds", {"kind": "friendship", "name": f"Top-up {i}"}, token=a["token"]),
                      201, what="bond").json()
        code = expect(via_proxy("POST", f"/api/v1/bonds/{bond['id']}/invites", token=a["token"]), 201, what="invite").json()["code"]
        expect(via_proxy("POST", f"/api/v1/invites/{code}/accept", token=b["token"]), 200, what="accept")
        return {"index": f"top-up {i}", "id": bond["id"].lower(), "members": [a, b]}

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(form, range(count)))


def race_daily_answers():
    bonds = list(FORMED[:args.pairs])
    if len(bonds) < args.pairs:
        print(f"\n    (b) formed {len(bonds)} bonds; forming {args.pairs - len(bonds)} more for (c)")
        bonds += form_more_bonds(args.pairs - len(bonds))
    n = len(bonds)
    print(f"\n==> (c) {n} bonds whose two members answer the question of the day at the same instant, "
          f"one through node 1 and one through node 2")
    # Exact texts to find again: unique per bond and member, with non-ASCII and a newline.
    for k, bond in enumerate(bonds):
        bond["texts"] = [f"Réponse {RUN} n°{k} from {side} — “quiet mornings” ✓\nsecond line"
                         for side in ("inviter", "joiner")]
        bond["nodes"] = [args.node1, args.node2] if k % 2 == 0 else [args.node2, args.node1]

    outcomes = [None] * n
    timing = []

    def race_bond(k, barrier):
        """One thread writes both answers on two connections opened beforehand (member 0
        through one node, member 1 through the other), then reads both answers. Nobody has
        asked for the day's question yet, so the two also race to choose it."""
        bond = bonds[k]
        path = f"/api/v1/bonds/{bond['id']}/today/answer"
        sides = []
        for m in (0, 1):
            body = json.dumps({"text": bond["texts"][m]}).encode()
            headers = {"Authorization": f"Bearer {bond['members'][m]['token']}", "Content-Type": "application/json"}
            sides.append((body, headers, open_conn(bond["nodes"][m])))
        order = sides if k % 4 < 2 else sides[::-1]   # neither member, nor node, always goes first
        barrier.wait(timeout=120)
        t0 = time.perf_counter()
        for body, headers, conn in order:
            conn.request("PUT", path, body=body, headers=headers)
        skew = time.perf_counter() - t0
        answers = []
        for _, _, conn in sides:
            try:
                r = conn.getresponse()
                answers.append((r.status, r.read()))
            except Exception as e:  # no answer at all is an anomaly too
                answers.append((None, repr(e).encode()))
            conn.close()
        with LOCK:
            for status, _ in answers:
                STATUSES[status or 0] += 1
            timing.append(skew)
        outcomes[k] = answers

    t0 = time.monotonic()
    # A thread that blocks in send() hands the GIL to another; a short switch interval gets it
    # back quickly, so each bond's second answer leaves right after its first.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        in_waves(n, race_bond)
    finally:
        sys.setswitchinterval(interval)
    race_seconds = round(time.monotonic() - t0, 1)

    # What each PUT answered: 200 with your own exact text; "revealed" (with their exact text)
    # or "waitingForThem". The later of the two commits must see both, so at least one of a
    # bond's two answers says revealed.
    counts = Counter()
    put_statuses = Counter()
    put_states = Counter()
    days = {}
    for k, answers in enumerate(outcomes):
        bond = bonds[k]
        if answers is None:
            counts["race did not run"] += 1
            anomaly(f"daily bond {bond['index']}: the race did not run (see the error above)")
            continue
        revealed = 0
        ok = True
        for m, (status, raw) in enumerate(answers):
            put_statuses[status] += 1
            if status != 200:
                ok = False
                anomaly(f"daily bond {bond['index']}: member {m}'s answer through {bond['nodes'][m]} got {status}: {raw[:200]!r}")
                continue
            today = json.loads(raw)["today"]
            put_states[today["state"]] += 1
            days.setdefault(k, set()).add(today["day"])
            mine = (today.get("yourAnswer") or {}).get("text")
            if mine != bond["texts"][m]:
                ok = False
                anomaly(f"daily bond {bond['index']}: member {m}'s PUT answered with yourAnswer {mine!r}, not what was sent")
            if today["state"] == "revealed":
                revealed += 1
                theirs = (today.get("theirAnswer") or {}).get("text")
                if theirs != bond["texts"][1 - m]:
                    ok = False
                    anomaly(f"daily bond {bond['index']}: member {m}'s PUT says revealed but shows {theirs!r} as the other's answer")
            elif today["state"] != "waitingForThem" or "theirAnswer" in today:
                ok = False
                anomaly(f"daily bond {bond['index']}: member {m}'s PUT answered state {today['state']!r}"
                        f"{' with theirAnswer' if 'theirAnswer' in today else ''}")
        if ok and revealed == 0:
            ok = False
            anomaly(f"daily bond {bond['index']}: neither simultaneous answer saw the other (both waitingForThem)")
        counts["both 200" if all(s == 200 for s, _ in answers) else "not both 200"] += 1
        counts[f"{revealed} of 2 PUTs answered revealed"] += 1
    timing.sort()
    print(f"    {n} races in {race_seconds} s: PUT statuses {dict(put_statuses)}; PUT states {dict(put_states)}; "
          f"{dict(counts)}; send skew p50 {timing[len(timing) // 2] * 1000:.3f} ms, max {timing[-1] * 1000:.3f} ms")

    # The answers are final: one more answer from one member (alternately through each node,
    # through the node the *other* member used) gets 409 answers-revealed and changes nothing.
    final = Counter()

    def answer_again(k):
        bond = bonds[k]
        m = k % 2
        c = client(bond["nodes"][1 - m])
        r = c.request("PUT", f"/api/v1/bonds/{bond['id']}/today/answer", {"text": f"changed my mind {RUN}"},
                      token=bond["members"][m]["token"])
        c.close()
        code = r.json().get("code") if r.body[:1] == b"{" else None
        if r.status != 409 or code != "answers-revealed":
            return f"daily bond {bond['index']}: a further answer after the reveal got {r.status} {code!r}: {r.body[:200]!r}"
        return None

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for problem in pool.map(answer_again, range(n)):
            final["409 answers-revealed" if problem is None else "problem"] += 1
            if problem:
                anomaly(problem)

    # Each member, through the node they did NOT answer through: revealed, their own exact
    # text, the other's exact text, nothing more to answer.
    api = Counter()
    lost_api = 0
    members_revealed = Counter()   # bond → members who see both exact texts, revealed

    def check_member(km):
        k, m = km
        bond = bonds[k]
        r = get_through_other_node(bond, m, "today")
        if r.status != 200:
            return "error", f"daily bond {bond['index']}: member {m}'s GET today through {bond['nodes'][1 - m]}: {r.status} {r.body[:200]!r}"
        body = r.json()
        today = body["today"]
        mine = (today.get("yourAnswer") or {}).get("text")
        theirs = (today.get("theirAnswer") or {}).get("text")
        problems = []
        if mine != bond["texts"][m]:
            problems.append(f"yourAnswer {mine!r}")
        if today["state"] != "revealed":
            problems.append(f"state {today['state']!r}")
        if theirs != bond["texts"][1 - m]:
            problems.append(f"theirAnswer {theirs!r}")
        if body.get("canAnswer") is not False or (today.get("yourAnswer") or {}).get("editable") is not False:
            problems.append(f"canAnswer {body.get('canAnswer')!r}, editable {(today.get('yourAnswer') or {}).get('editable')!r}")
        if problems:
            kind = "lost" if mine != bond["texts"][m] else "not revealed"
            return kind, f"daily bond {bond['index']}: member {m} sees " + ", ".join(problems)
        return "revealed, both exact texts", None

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        pairs = [(k, m) for k in range(n) for m in (0, 1)]
        for (k, _), (kind, problem) in zip(pairs, pool.map(check_member, pairs)):
            api[kind] += 1
            if kind == "lost":
                lost_api += 1
            if problem:
                anomaly(problem)
            else:
                members_revealed[k] += 1
    revealed_to_both = sum(1 for k in range(n) if members_revealed[k] == 2)
    print(f"    further answer after the reveal: {dict(final)}")
    print(f"    API check of the {2 * n} members (each through the other node): {dict(api)}")

    # Straight from PostgreSQL.
    ids = ",".join(f"'{bond['id']}'::uuid" for bond in bonds)
    rows = psql(f"SELECT b.id, count(a.id) FROM bonds b LEFT JOIN daily_answers a ON a.bond_id = b.id "
                f"WHERE b.id IN ({ids}) GROUP BY b.id")
    per_bond = Counter(int(c) for _, c in rows)
    total = int(psql(f"SELECT count(*) FROM daily_answers WHERE bond_id IN ({ids})")[0][0])
    distinct = int(psql(f"SELECT count(*) FROM (SELECT DISTINCT bond_id, day, user_id FROM daily_answers "
                        f"WHERE bond_id IN ({ids})) AS d")[0][0])
    duplicated = psql(f"SELECT bond_id, day, user_id, count(*) FROM daily_answers WHERE bond_id IN ({ids}) "
                      f"GROUP BY bond_id, day, user_id HAVING count(*) > 1")
    by_members = int(psql(f"SELECT count(*) FROM daily_answers a JOIN bond_members m "
                          f"ON m.bond_id = a.bond_id AND m.user_id = a.user_id WHERE a.bond_id IN ({ids})")[0][0])
    questions = psql(f"SELECT bond_id, count(*) FROM daily_questions WHERE bond_id IN ({ids}) GROUP BY bond_id")
    question_dupes = psql(f"SELECT bond_id, day, count(*) FROM daily_questions WHERE bond_id IN ({ids}) "
                          f"GROUP BY bond_id, day HAVING count(*) > 1")
    answer_day_mismatch = int(psql(f"SELECT count(*) FROM daily_answers a WHERE a.bond_id IN ({ids}) AND NOT EXISTS "
                                   f"(SELECT 1 FROM daily_questions q WHERE q.bond_id = a.bond_id AND q.day = a.day)")[0][0])
    sealed = int(psql(f"SELECT count(*) FROM daily_answers WHERE bond_id IN ({ids}) AND text LIKE 'kc2:%' "
                      f"AND position('{RUN}' in text) = 0")[0][0])
    sql = {
        "bonds": len(rows), "answers": total, "answers_per_bond": {str(k): v for k, v in sorted(per_bond.items())},
        "distinct_bond_day_member": distinct, "duplicated_bond_day_member": len(duplicated),
        "answers_by_a_member_of_the_bond": by_members,
        "questions_per_bond": {str(k): v for k, v in sorted(Counter(int(c) for _, c in questions).items())},
        "duplicated_questions": len(question_dupes), "answers_without_their_question": answer_day_mismatch,
        "sealed_at_rest": sealed,
    }
    lost_sql = sum(max(0, 2 - int(c)) for _, c in rows) + 2 * (n - len(rows))
    print(f"    PostgreSQL: {json.dumps(sql)}")
    if total != 2 * n or per_bond != Counter({2: n}):
        anomaly(f"daily_answers for the {n} bonds: {total} rows, per bond {dict(per_bond)} (want 2 in each, {2 * n} in all)")
    if duplicated or distinct != total:
        anomaly(f"duplicated answers (bond, day, member): {duplicated[:3]}; {distinct} distinct of {total}")
    if by_members != total:
        anomaly(f"{total - by_members} answers are by someone who is not a member of the bond")
    if len(questions) != n or question_dupes or any(int(c) != 1 for _, c in questions):
        anomaly(f"daily_questions: {len(questions)} bonds with a question, duplicates {question_dupes[:3]}")
    if answer_day_mismatch:
        anomaly(f"{answer_day_mismatch} answers are for a day without the bond's question")
    if sealed != total:
        anomaly(f"{total - sealed} answers are not sealed at rest (no kc2: prefix, or the plain text is visible)")
    if any(len(d) != 1 for d in days.values()):
        anomaly(f"members of a bond answered different days: {[sorted(d) for d in days.values() if len(d) != 1][:3]}")

    RESULTS["daily"] = {
        "bonds": n, "race_seconds": race_seconds, "put_statuses": {str(k): v for k, v in put_statuses.items()},
        "put_states": dict(put_states), "outcomes": dict(counts), "further_answer": dict(final), "api_check": dict(api),
        "sql_check": sql, "lost_api": lost_api, "lost_sql": lost_sql, "duplicated": len(duplicated),
        "bonds_revealed_to_both": revealed_to_both,
        "send_skew_ms": {"p50": round(timing[len(timing) // 2] * 1000, 3), "max": round(timing[-1] * 1000, 3)},
    }
    print(f"    daily answers: {2 * n} sent, {put_statuses.get(200, 0)} answered 200, lost {lost_sql} (SQL) / {lost_api} (API), "
          f"duplicated {len(duplicated)}, revealed to both members in {revealed_to_both} of {n} bonds")
    RACED.extend(bonds)


RACED = []   # the bonds of (c), raced again in (d)
RATINGS = {"open-sharing": 4, "trust": 5, "positive-feelings": 3, "quality-time": 2, "communication": 4, "vulnerability": 3}


def race_checkins():
    """(d) The weekly check-in, the same way: both members of each bond check in at the same
    instant through different nodes. Each gets 200, the later sees both, and through the
    other node both see each other's note; PostgreSQL holds exactly two rows per bond."""
    bonds = RACED
    n = len(bonds)
    print(f"\n==> (d) {n} bonds whose two members check in for the week at the same instant, one through each node")
    notes = [[f"Check-in {RUN} n°{k} from {side} ✓" for side in ("inviter", "joiner")] for k in range(n)]
    results = [None] * n

    def race_bond(k, barrier):
        bond = bonds[k]
        conns = [open_conn(bond["nodes"][m]) for m in (0, 1)]
        barrier.wait(timeout=120)
        for m in (0, 1) if k % 2 == 0 else (1, 0):
            conns[m].request("PUT", f"/api/v1/bonds/{bond['id']}/checkins/current",
                             body=json.dumps({"ratings": RATINGS, "note": notes[k][m]}).encode(),
                             headers={"Authorization": f"Bearer {bond['members'][m]['token']}", "Content-Type": "application/json"})
        answers = []
        for conn in conns:
            try:
                r = conn.getresponse()
                answers.append((r.status, r.read()))
            except Exception as e:
                answers.append((None, repr(e).encode()))
            conn.close()
        with LOCK:
            for status, _ in answers:
                STATUSES[status or 0] += 1
        results[k] = answers

    in_waves(n, race_bond)

    statuses = Counter()
    for k, answers in enumerate(results):
        for m, (status, raw) in enumerate(answers or [(None, b"race did not run")]):
            statuses[status] += 1
            if status != 200:
                anomaly(f"check-in bond {bonds[k]['index']}: member {m} got {status}: {raw[:200]!r}")

    def check_member(km):
        k, m = km
        bond = bonds[k]
        r = get_through_other_node(bond, m, "checkins/current")
        body = r.json() if r.status == 200 else {}
        if body.get("state") == "revealed" and body.get("yourNote") == notes[k][m] and body.get("theirNote") == notes[k][1 - m]:
            return None
        return f"check-in bond {bond['index']}: member {m} sees {r.status} {r.body[:200]!r}"

    api = Counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for problem in pool.map(check_member, [(k, m) for k in range(n) for m in (0, 1)]):
            api["revealed, both notes" if problem is None else "problem"] += 1
            if problem:
                anomaly(problem)
    ids = ",".join(f"'{bond['id']}'::uuid" for bond in bonds)
    per_bond = Counter(int(c) for _, c in psql(f"SELECT bond_id, count(*) FROM checkins WHERE bond_id IN ({ids}) GROUP BY bond_id"))
    if per_bond != Counter({2: n}):
        anomaly(f"checkins for the {n} bonds, per bond: {dict(per_bond)} (want 2 in each)")
    RESULTS["checkins"] = {"bonds": n, "put_statuses": {str(k): v for k, v in statuses.items()}, "api_check": dict(api),
                           "rows_per_bond": {str(k): v for k, v in per_bond.items()}}
    print(f"    PUT statuses {dict(statuses)}; API check (each through the other node): {dict(api)}; "
          f"PostgreSQL rows per bond: {dict(per_bond)}")


# ---------------------------------------------------------------- (g) dashboards kept by each node

EIS = {"eis1": 4, "eis2": 3, "eis3": 5, "eis4": 4, "eis5": 2}


def dashboards_across_nodes(count=40):
    """(g) Each node keeps a bond's dashboard under the bond's measure version, which
    PostgreSQL raises with every change to a result: a change made through one node must reach
    the other member's very next look through the other node."""
    bonds = RACED[:count]
    print(f"\n==> (g) {len(bonds)} bonds: a result shared, unshared and shared again through one node, "
          "the other member's dashboard looked at through the other")

    def partner_latest(bond, node, member):
        c = client(node)
        r = c.request("GET", f"/api/v1/bonds/{bond['id']}/dashboard", token=bond["members"][member]["token"])
        c.close()
        if r.status != 200:
            return r, None
        eis = next((card for card in r.json().get("measures", []) if card["instrument"]["key"] == "eis"), {})
        return r, (eis.get("partnerLatest") or {}).get("id")

    def check(k):
        bond = bonds[k]
        owner, other = bond["nodes"][0], bond["nodes"][1]
        token = bond["members"][0]["token"]
        c = client(owner)
        taken = c.request("POST", f"/api/v1/bonds/{bond['id']}/assessments",
                          {"instrument": "eis", "answers": EIS, "mode": "self", "share": True}, token=token)
        if taken.status != 201:
            return f"bond {bond['index']}: taking the EIS got {taken.status} {taken.body[:200]!r}"
        result = taken.json()["id"]
        for look in ("first", "kept"):
            r, seen = partner_latest(bond, other, 1)
            if seen != result:
                return f"bond {bond['index']}: the other node's {look} look shows {seen!r}, not the shared result ({r.status})"
        unshared = c.request("PATCH", f"/api/v1/bonds/{bond['id']}/assessments/{result}", {"shared": False}, token=token)
        c.close()
        if unshared.status != 200:
            return f"bond {bond['index']}: unsharing got {unshared.status}"
        r, seen = partner_latest(bond, other, 1)
        if r.status != 200 or seen is not None or result.lower().encode() in r.body.lower():
            return f"bond {bond['index']}: after unsharing through one node, the other still shows it ({r.status}, {seen!r})"
        c = client(other)
        again = c.request("PATCH", f"/api/v1/bonds/{bond['id']}/assessments/{result}", {"shared": True}, token=token)
        c.close()
        if again.status != 200:
            return f"bond {bond['index']}: sharing again got {again.status}"
        for node in (owner, other):
            r, seen = partner_latest(bond, node, 1)
            if seen != result:
                return f"bond {bond['index']}: shared again, a node shows {seen!r} ({r.status})"
        return None

    outcome = Counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for problem in pool.map(check, range(len(bonds))):
            outcome["every look right" if problem is None else "problem"] += 1
            if problem:
                anomaly(problem)
    ids = ",".join(f"'{bond['id']}'::uuid" for bond in bonds)
    versions = [int(v) for (v,) in psql(f"SELECT measure_version FROM bonds WHERE id IN ({ids})")] if bonds else []
    if versions and min(versions) < 3:
        anomaly(f"measure versions after a result, an unshare and a share: lowest {min(versions)} (want at least 3)")
    RESULTS["dashboards"] = {"bonds": len(bonds), "outcome": dict(outcome), "lowest_measure_version": min(versions, default=None)}
    print(f"    {dict(outcome)}; lowest measure version {min(versions, default=None)} (a result, an unshare, a share: at least 3)")


# ---------------------------------------------------------------- (e) reminders due in one minute

# Whole, half and three-quarter hour offsets on both sides of UTC, one zone in summer time
# (Adelaide) and the others not: every person's local clock reads differently, the UTC minute
# they fall due in is the same.
REMINDER_ZONES = ["Europe/London", "America/New_York", "Asia/Kathmandu", "Australia/Adelaide", "America/St_Johns"]
REMINDER_SUBJECT = "A new question is waiting"
MAIL_FROM = "hello@kindred.test"
CLAIM_LIFETIME = 120          # NoticeService.claimLifetime: an abandoned claim lapses after this


def node_client(base):
    """A keep-alive client to one node, one per thread and node."""
    clients = getattr(_local, "nodes", None)
    if clients is None:
        clients = _local.nodes = {}
    if base not in clients:
        clients[base] = client(base)
    return clients[base]


def node_names():
    """Process id → "node 1" / "node 2"."""
    pids = [int(x) for x in args.node_pids.split(",")]
    return {pids[0]: "node 1", pids[1]: "node 2"}


def claim_pid(claimer):
    """The process id in a claimer "<host>-<pid>-<8 hex>" (NoticeScheduler.node; notices.claimed_by
    is "<claimer>|<claim id>"), or None."""
    parts = claimer.rsplit("-", 2)
    try:
        return int(parts[1]) if len(parts) == 3 else None
    except ValueError:
        return None


def sink_count():
    """Messages the sink has recorded so far (complete lines of messages.jsonl)."""
    try:
        with open(os.path.join(args.mail_dir, "messages.jsonl"), "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def sink_records():
    try:
        with open(os.path.join(args.mail_dir, "messages.jsonl"), encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.endswith("\n")]
    except FileNotFoundError:
        return []


def kill_node_holding_claims(user_ids_sql):
    """SIGKILLs the node (one of the two we started) holding the most claimed, unsent reminders;
    None when no node holds any at this moment."""
    names = node_names()
    rows = psql(f"SELECT split_part(claimed_by, '|', 1), count(*) FROM notices WHERE user_id IN ({user_ids_sql}) "
                f"AND sent_at IS NULL AND claimed_by IS NOT NULL GROUP BY 1 ORDER BY 2 DESC")
    for claimer, unsent in rows:
        pid = claim_pid(claimer)
        if pid in names:
            at_kill = sink_count()
            os.kill(pid, signal.SIGKILL)
            if args.killed_file:
                with open(args.killed_file, "a") as f:
                    f.write(f"{pid}\n")
            return {"node": names[pid], "pid": pid, "unsent_claims": int(unsent), "emails_received_before": at_kill,
                    "at": time.time()}
    return None


def reminders_at_one_minute():
    n = args.reminders - args.reminders % 2
    nodes = [args.node1, args.node2]
    print(f"\n==> (e) {n} people with a daily email reminder due in the same minute, half set up through each node"
          f"{', one node killed mid-batch' if args.kill_mid_batch else ''}")
    if sink_count():
        anomaly(f"the SMTP sink received {sink_count()} messages before any reminder was set")
    t0 = time.monotonic()

    # People: the losers of (b) already have an account and a token and no bond; new ones
    # make up the rest. Person i is set up entirely through node i % 2, in zone i % 5.
    spare = SPARE[:n]

    def prepare(i):
        zone = REMINDER_ZONES[i % len(REMINDER_ZONES)]
        c = node_client(nodes[i % 2])
        if i < len(spare):
            person = dict(spare[i])
            r = expect(c.request("PATCH", "/api/v1/me", {"timeZone": zone}, token=person["token"]), 200, what="PATCH /me")
        else:
            email = f"reminded-{RUN}-{i}@example.org"
            r = expect(c.request("POST", "/api/v1/accounts", {"email": email, "password": PASSWORD, "timeZone": zone,
                                                              "displayName": f"Reminded {i}"}), 201, what="sign-up")
            token = expect(c.request("POST", "/api/v1/tokens", {"email": email, "password": PASSWORD}), 201, what="token")
            person = {"email": email, "token": token.json()["token"]}
        me = r.json()
        if me.get("timeZone") != zone:
            raise AssertionError(f"person {i}: asked for time zone {zone}, the account says {me.get('timeZone')!r}")
        person.update(id=me["id"].lower(), email=me["email"], name=me["displayName"], zone=zone, node=nodes[i % 2])
        return person

    with concurrent.futures.ThreadPoolExecutor(args.signup_workers) as pool:
        people = list(pool.map(prepare, range(n)))

    # Bonds: person 2k invites through node 1, person 2k+1 accepts through node 2.
    def pair(k):
        a, b = people[2 * k], people[2 * k + 1]
        ca, cb = node_client(a["node"]), node_client(b["node"])
        bond = expect(ca.request("POST", "/api/v1/bonds", {"kind": ["romantic", "friendship", "family"][k % 3],
                                                           "name": f"Reminders {k}"}, token=a["token"]), 201, what="bond").json()
        code = expect(ca.request("POST", f"/api/v1/bonds/{bond['id']}/invites", token=a["token"]), 201, what="invite").json()["code"]
        expect(cb.request("POST", f"/api/v1/invites/{code}/accept", token=b["token"]), 200, what="accept")
        a["bond"] = b["bond"] = bond["id"].lower()
        a["partner"], b["partner"] = b["name"], a["name"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(pair, range(n // 2)))

    # The due minute: the first whole UTC minute at least --reminder-lead seconds from now;
    # each person's dailyAt is that instant on their own clock.
    due_ts = (int(time.time() + args.reminder_lead) // 60 + 1) * 60
    due = datetime.datetime.fromtimestamp(due_ts, datetime.timezone.utc)
    for p in people:
        local = due.astimezone(zoneinfo.ZoneInfo(p["zone"]))
        p["dailyAt"] = f"{local.hour:02d}:{local.minute:02d}"

    def remind(i):
        p = people[i]
        r = node_client(p["node"]).request("PUT", "/api/v1/me/reminders", {"dailyAt": p["dailyAt"], "email": True,
                                                                           "push": False, "partnerActivity": False},
                                           token=p["token"])
        body = r.json() if r.status == 200 else {}
        if body.get("dailyAt") != p["dailyAt"] or body.get("email") is not True or body.get("emailAvailable") is not True:
            return f"person {i}: PUT /api/v1/me/reminders answered {r.status} {r.body[:200]!r}"
        return None

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for problem in pool.map(remind, range(n)):
            if problem:
                anomaly(problem)
    setup_seconds = round(time.monotonic() - t0, 1)
    ahead = due_ts - time.time()
    zones = {z: next(p["dailyAt"] for p in people if p["zone"] == z) for z in REMINDER_ZONES if any(p["zone"] == z for p in people)}
    print(f"    {n} people ({len(spare)} from (b), {n - len(spare)} new) in {n // 2} bonds with reminders, set up in "
          f"{setup_seconds} s; due at {due:%H:%M} UTC ({ahead:.0f} s from now): "
          + ", ".join(f"{z} {t}" for z, t in zones.items()))
    if ahead < 2:
        anomaly(f"setting up the reminders ran {-ahead:.0f} s past the due minute (raise --reminder-lead)")
        return

    # PostgreSQL agrees: every one of them is next due at that very instant.
    user_ids_sql = ",".join(f"'{p['id']}'::uuid" for p in people)
    next_due = psql(f"SELECT extract(epoch FROM next_daily_at)::bigint, count(*) FROM reminder_settings "
                    f"WHERE user_id IN ({user_ids_sql}) GROUP BY 1")
    if next_due != [[str(due_ts), str(n)]]:
        anomaly(f"reminder_settings.next_daily_at for the {n} people: {next_due[:5]} (want all {n} at {due_ts})")

    # Wait for the sink: every reminder delivered and nothing left unsent in the outbox, then a
    # few more scheduler rounds so that a late duplicate would arrive too.
    killed = None
    deadline = due_ts + args.reminder_timeout + (CLAIM_LIFETIME if args.kill_mid_batch else 0)
    last_check = 0.0
    finished = False
    while time.time() < deadline:
        count = sink_count()
        if args.kill_mid_batch and killed is None and 0 < count < n:
            killed = kill_node_holding_claims(user_ids_sql)
            if killed:
                print(f"    killed {killed['node']} (pid {killed['pid']}) with SIGKILL holding {killed['unsent_claims']} "
                      f"unsent claims, {killed['emails_received_before']} emails in; its claims lapse after {CLAIM_LIFETIME} s")
        if count >= n and time.monotonic() - last_check >= 1:
            last_check = time.monotonic()
            pending = int(psql(f"SELECT count(*) FROM notices WHERE user_id IN ({user_ids_sql}) "
                               f"AND sent_at IS NULL AND failed_at IS NULL")[0][0])
            if pending == 0:
                finished = True
                break
        time.sleep(0.02 if args.kill_mid_batch and killed is None else 0.25)
    time.sleep(max(6, 3 * args.scheduler_seconds))
    if args.kill_mid_batch and killed is None:
        anomaly("--kill-mid-batch: no node was caught holding unsent claims while the emails arrived")

    # What arrived, message by message.
    records = sink_records()
    host = urllib.parse.urlsplit(args.proxy).hostname
    by_email = {p["email"]: p for p in people}
    notices = psql("SELECT id, user_id, kind, channel, split_part(coalesce(claimed_by, ''), '|', 1), attempts, "
                   "sent_at IS NOT NULL, failed_at IS NOT NULL, extract(epoch FROM due_at)::bigint, "
                   "replace(replace(coalesce(last_error, ''), '|', '/'), E'\\n', ' ') FROM notices")
    notice_by_message_id = {f"<{row[0]}@{host}>": row for row in notices}
    recipients, message_ids, problems = Counter(), Counter(), Counter()
    arrivals = []
    for rec in records:
        with open(os.path.join(args.mail_dir, rec["eml"]), "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=email.policy.default)
        envelope_to = rec.get("rcpt_tos") or []
        to = msg["To"].addresses[0].addr_spec if msg["To"] and msg["To"].addresses else None
        message_id = str(msg["Message-ID"] or "").strip()
        recipients[to] += 1
        message_ids[message_id] += 1
        arrivals.append(datetime.datetime.fromisoformat(rec["received_at"]).timestamp() - due_ts)
        person = by_email.get(to)
        notice = notice_by_message_id.get(message_id)
        sender = msg["From"].addresses[0] if msg["From"] and msg["From"].addresses else None
        found = []
        if person is None:
            found.append(f"To {to!r} is none of the {n} people")
        if envelope_to != [to]:
            found.append(f"envelope RCPT {envelope_to} differs from To {to!r}")
        if rec.get("mail_from") != MAIL_FROM or sender is None or sender.addr_spec != MAIL_FROM or sender.display_name != "Kindred":
            found.append(f"from {rec.get('mail_from')!r} / {msg['From']!r}")
        if msg["Subject"] != REMINDER_SUBJECT:
            found.append(f"subject {msg['Subject']!r}")
        if notice is None:
            found.append(f"Message-ID {message_id!r} is no notice's")
        elif person is not None and (notice[1] != person["id"] or notice[2] != "daily-reminder" or notice[3] != "email"):
            found.append(f"Message-ID {message_id!r} is notice {notice[:4]}, not {to!r}'s daily email reminder")
        if not (msg["List-Unsubscribe"] or "").startswith(f"<{args.proxy}/") \
                or msg["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click":
            found.append(f"List-Unsubscribe {msg['List-Unsubscribe']!r} / {msg['List-Unsubscribe-Post']!r}")
        if person is not None:
            body = msg.get_content()
            if f"{args.proxy}/bonds/{person['bond']}" not in body:
                found.append("the body does not link to the person's bond")
            if person["partner"] in body or person["name"] in body:
                found.append("the body names someone (names were not asked for)")
        for problem in found:
            problems[problem.split(" ", 1)[0]] += 1
        if found:
            anomaly(f"email {rec['eml']} to {to!r}: " + "; ".join(found))

    duplicated_people = {e: c for e, c in recipients.items() if c > 1}
    duplicated_ids = {m: c for m, c in message_ids.items() if c > 1}
    missing = [p["email"] for p in people if p["email"] not in recipients]
    extra_by_person = sum(c - 1 for c in duplicated_people.values())
    extra_by_id = sum(c - 1 for c in duplicated_ids.values())
    # Exactly once is impossible over SMTP: a node killed after the mail server took a message
    # but before it recorded that can only leave that one message to be sent again — with the
    # same Message-ID, so mail clients see one message. Every other message is recorded the
    # moment the server takes it, so nothing else may arrive twice.
    allowed = 1 if args.kill_mid_batch else 0
    if len(records) != n + extra_by_person:
        anomaly(f"the SMTP sink received {len(records)} emails (want {n} and the duplicates counted below)")
    if extra_by_person > allowed or extra_by_id != extra_by_person:
        anomaly(f"{extra_by_person} duplicate emails by recipient, {extra_by_id} by Message-ID "
                f"(at most {allowed}, each with the same Message-ID), e.g. {list(duplicated_ids.items())[:3]}")
    if missing:
        anomaly(f"{len(missing)} people got no reminder, e.g. {missing[:3]}")

    # The outbox in PostgreSQL: one notice per person, sent once, and who sent it.
    names = node_names()
    ours = {p["id"] for p in people}
    per_user = Counter(row[1] for row in notices)
    sent_by = Counter()
    outbox = Counter()
    for row in notices:
        _, user_id, kind, channel, claimer, attempts, sent, failed, due_at, last_error = row
        if user_id not in ours:
            outbox["someone else's"] += 1
            continue
        outbox["sent" if sent == "t" else "failed" if failed == "t" else "unsent"] += 1
        outbox[f"attempts {attempts}"] += 1
        if last_error:
            outbox["with last_error"] += 1
            anomaly(f"notice {row[0]}: last_error {last_error[:200]!r}")
        if kind != "daily-reminder" or channel != "email" or int(due_at) != due_ts:
            anomaly(f"notice {row[0]}: {kind} by {channel} due {due_at} (want daily-reminder by email due {due_ts})")
        if sent == "t":
            sent_by[names.get(claim_pid(claimer), f"unknown {claimer!r}")] += 1
    multiple = {u: c for u, c in per_user.items() if u in ours and c > 1}
    if outbox["sent"] != n or len([u for u in ours if per_user[u] == 1]) != n or multiple or outbox["someone else's"]:
        anomaly(f"notices in PostgreSQL: {dict(outbox)}; {len(multiple)} people with more than one (want one sent notice each of {n})")
    if any(k.startswith("unknown") for k in sent_by):
        anomaly(f"notices claimed by a process that is neither node: {dict(sent_by)}")
    if not args.kill_mid_batch:
        if outbox["attempts 1"] != n:
            anomaly(f"notices needed more than one attempt: {dict(outbox)}")
        if sent_by["node 1"] == 0 or sent_by["node 2"] == 0:
            anomaly(f"one node sent every reminder: {dict(sent_by)} (the work was not shared)")
    elif killed:
        survivor = "node 2" if killed["node"] == "node 1" else "node 1"
        if sent_by[survivor] == 0:
            anomaly(f"{survivor} sent nothing after {killed['node']} was killed")

    arrivals.sort()
    timing = {"first_s": round(arrivals[0], 1), "last_s": round(arrivals[-1], 1)} if arrivals else {}
    RESULTS["reminders"] = {
        "people": n, "from_b": len(spare), "setup_seconds": setup_seconds, "due_utc": due.isoformat(),
        "local_times": zones, "emails": len(records), "distinct_recipients": len(recipients),
        "distinct_message_ids": len(message_ids), "duplicated": sum(c - 1 for c in duplicated_ids.values()),
        "missing": len(missing), "message_problems": dict(problems), "outbox": dict(outbox), "sent_by": dict(sent_by),
        "after_due_minute": timing, "finished_before_timeout": finished, "killed": killed,
    }
    print(f"    emails: {len(records)} received, {timing.get('first_s')}–{timing.get('last_s')} s after the due minute; "
          f"{len(recipients)} recipients, {len(message_ids)} Message-IDs, duplicated "
          f"{sum(c - 1 for c in duplicated_ids.values())}, missing {len(missing)}; each message checked: "
          f"{'ok' if not problems else dict(problems)}")
    print(f"    PostgreSQL outbox: {dict(outbox)}; sent by {dict(sorted(sent_by.items()))}"
          + (f"; {killed['node']} killed holding {killed['unsent_claims']} unsent claims" if killed else ""))


# ---------------------------------------------------------------- (f) guessing across nodes

def race_sign_in_guesses(guesses=200, limit=10):
    """(f) One client guesses one account's password `guesses` times at once, half through
    each node: no more than `limit` guesses are ever checked (401), every other one is refused
    before checking (429), and none fails. The owner, from their own address, still signs in
    through either node, and their security log adds the checked failures up in one entry."""
    print(f"\n==> (f) {guesses} guesses at one account's password from one client at once, half through each node")
    owner = make_people(1, "owner")[0]
    attacker = {"X-Forwarded-For": "203.0.113.66"}
    barrier = threading.Barrier(min(guesses, 64))

    def guess(i):
        base = args.node1 if i % 2 == 0 else args.node2
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        r = node_client(base).request("POST", "/api/v1/tokens", {"email": owner["email"], "password": f"guess {i} of many"},
                                      headers=attacker)
        return r.status

    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        statuses = Counter(pool.map(guess, range(guesses)))
    checked, refused = statuses.get(401, 0), statuses.get(429, 0)
    RESULTS["guess_race"] = {"guesses": guesses, "statuses": {str(k): v for k, v in sorted(statuses.items())}}
    print(f"    {guesses} guesses at once through both nodes: {checked} checked (401), {refused} refused before checking (429)")
    if checked > limit:
        anomaly(f"{checked} guesses were checked against the password; the limit is {limit}")
    if checked + refused != guesses:
        anomaly(f"guesses answered other than 401 or 429: {dict(statuses)}")
    for n, base in enumerate((args.node1, args.node2), 1):
        r = node_client(base).request("POST", "/api/v1/tokens", {"email": owner["email"], "password": PASSWORD},
                                      headers={"X-Forwarded-For": f"198.51.100.{20 + n}"})
        if r.status != 201:
            anomaly(f"the owner, from their own address, could not sign in through node {n}: {r.status}")
    log = expect(node_client(args.node2).request("GET", "/api/v1/me/security-log", token=owner["token"]), 200, what="security log")
    failed = [e for e in log.json() if e["event"] == "sign-in-failed"]
    if sum(e["count"] for e in failed) != checked or len(failed) != 1:
        anomaly(f"the security log has {len(failed)} failure entries adding up to {sum(e['count'] for e in failed)}; "
                f"expected one adding up to {checked}")


def main():
    started = time.monotonic()
    for test in (session_test, race_invite_accepts, race_daily_answers, race_checkins, dashboards_across_nodes, race_sign_in_guesses,
                 reminders_at_one_minute):
        try:
            test()
        except Exception as e:  # a broken step is an anomaly, reported with what we have
            anomaly(f"{test.__name__}: {type(e).__name__}: {e}")
    server_errors = {s: c for s, c in STATUSES.items() if s >= 500}
    if server_errors:
        anomaly(f"5xx responses: {server_errors}")
    RESULTS["all_statuses"] = {str(k): v for k, v in sorted(STATUSES.items())}
    RESULTS["nginx_upstreams"] = dict(UPSTREAMS)
    RESULTS["seconds"] = round(time.monotonic() - started, 1)
    RESULTS["anomalies"] = ANOMALIES
    json.dump(RESULTS, open(args.results, "w"), indent=2)
    print(f"\n    every response: {RESULTS['all_statuses']}; nginx sent {dict(UPSTREAMS)}")
    if ANOMALIES:
        print(f"\nFAILED with {len(ANOMALIES)} anomalies")
        sys.exit(1)


main()
