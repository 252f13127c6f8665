"""Python side of scripts/cluster-test (standard library only; SQL checks through psql).

Two `kindred serve` nodes share one PostgreSQL; nginx round-robins in front. Proves:
  (a) a web session made through node 1 works through node 2 (and through nginx, and a
      sign-out on one node ends it on the other);
  (b) for each of N invites, two different people accept at the same instant, one through
      node 1 and one through node 2: exactly one 200 per invite, the other 409/410, no 5xx
      anywhere, each bond ends with exactly 2 members, no duplicated memberships.
Later issues add their races (e.g. the daily answer) as more race_* functions.
Prints the counts; exits 1 on any anomaly.
"""
import argparse
import concurrent.futures
import html
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
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
args = p.parse_args()

RUN = uuid.uuid4().hex[:8]
STATUSES = Counter()          # every response of the whole run, by status
LOCK = threading.Lock()
UPSTREAMS = Counter()         # which node nginx sent requests to
ANOMALIES = []
RESULTS = {"run": RUN}


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

    def open_conn(base):
        parsed = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
        conn.connect()
        return conn

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
    for wave_start in range(0, n, args.wave):
        wave = range(wave_start, min(n, wave_start + args.wave))
        barrier = threading.Barrier(len(wave))
        threads = [threading.Thread(target=race_pair, args=(i, barrier)) for i in wave]
        for th in threads:
            th.start()
        for th in threads:
            th.join(180)
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


def main():
    started = time.monotonic()
    for test in (session_test, race_invite_accepts):
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
