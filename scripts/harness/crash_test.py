"""Python side of scripts/crash-test (standard library only).

  setup  --base URL --accounts N --out tokens.json
  load   --base URL --pid PID --tokens tokens.json --round R --threads T --kill-after MIN-MAX --ledger FILE
         Writes bonds from T threads; SIGKILLs PID in the middle; appends every write that got a
         2xx to FILE (JSON lines: round, id, name) and prints a JSON summary.
  verify --base URL --db PATH --tokens tokens.json --ledger FILE --round R --load-summary FILE --out FILE
         After the restart: every acknowledged write (all rounds so far) is in the database,
         the database passes PRAGMA integrity_check, and a sample is served by the API.
"""
import argparse
import concurrent.futures
import json
import os
import random
import signal
import sqlite3
import sys
import threading
import time
import uuid
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kindred_http import PASSWORD, Client, expect  # noqa: E402

KINDS = ["romantic", "friendship", "family"]


def setup(args):
    run = uuid.uuid4().hex[:8]

    def make(n):
        c = Client(args.base)
        email = f"crash-{run}-{n}@example.org"
        expect(c.request("POST", "/api/v1/accounts", {"email": email, "password": PASSWORD,
                                                      "displayName": f"Crash {n}"}), 201, what="sign-up")
        token = expect(c.request("POST", "/api/v1/tokens", {"email": email, "password": PASSWORD}),
                       201, what="token").json()["token"]
        return {"email": email, "token": token}

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        accounts = list(pool.map(make, range(args.accounts)))
    json.dump(accounts, open(args.out, "w"))
    print(f"    {len(accounts)} accounts with tokens")


def load(args):
    tokens = [a["token"] for a in json.load(open(args.tokens))]
    lo, hi = (float(x) for x in args.kill_after.split("-"))
    stop = threading.Event()
    killed = threading.Event()
    lock = threading.Lock()
    acked = []
    statuses = Counter()
    before_kill_bad = Counter()   # non-2xx answers while the server was surely alive
    failures = Counter()          # requests that got no answer (expected only after the kill)

    def worker(t):
        client = Client(args.base, statuses=statuses, lock=lock, timeout=10)
        token = tokens[t % len(tokens)]
        n = 0
        while not stop.is_set():
            n += 1
            name = f"crash r{args.round} t{t} n{n}"
            try:
                r = client.request("POST", "/api/v1/bonds", {"kind": KINDS[n % 3], "name": name}, token=token)
            except Exception as e:  # connection refused/reset once the server is dead
                with lock:
                    failures[type(e).__name__] += 1
                client.close()
                if killed.is_set():
                    time.sleep(0.05)
                continue
            if 200 <= r.status < 300:
                body = r.json()
                with lock:
                    acked.append({"round": args.round, "id": body["id"].lower(), "name": name, "token": t % len(tokens)})
            elif not killed.is_set():
                with lock:
                    before_kill_bad[r.status] += 1

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(args.threads)]
    started = time.monotonic()
    for th in threads:
        th.start()
    delay = random.uniform(lo, hi)
    time.sleep(delay)
    with lock:
        acked_before_kill = len(acked)
    os.kill(args.pid, signal.SIGKILL)
    killed.set()
    time.sleep(args.tail)
    stop.set()
    for th in threads:
        th.join(15)
    with open(args.ledger, "a") as f:
        for row in acked:
            f.write(json.dumps(row) + "\n")
    summary = {
        "round": args.round, "killed_after_s": round(delay, 2), "acknowledged": len(acked),
        "acknowledged_before_kill_signal": acked_before_kill,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "non_2xx_before_kill": {str(k): v for k, v in before_kill_bad.items()},
        "unanswered": dict(failures), "load_seconds": round(time.monotonic() - started, 2),
    }
    print(json.dumps(summary))


def uuid_text(value):
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        return str(uuid.UUID(bytes=bytes(value)))
    return str(value).lower()


def verify(args):
    ledger = [json.loads(l) for l in open(args.ledger) if l.strip()]
    tokens = [a["token"] for a in json.load(open(args.tokens))]
    load_summary = json.loads(open(args.load_summary).read().strip().splitlines()[-1])
    db = sqlite3.connect(args.db, timeout=30)
    try:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
        fk_problems = db.execute("PRAGMA foreign_key_check").fetchall()
        bonds = {uuid_text(i): name for i, name in db.execute("SELECT id, name FROM bonds")}
        with_creator = {uuid_text(b) for (b,) in db.execute("SELECT bond_id FROM bond_members WHERE slot = 1")}
    except sqlite3.DatabaseError as e:  # a damaged file: everything counts as lost
        integrity, fk_problems, bonds, with_creator = [f"unreadable: {e}"], [], {}, set()
    finally:
        db.close()

    lost, wrong, no_member = [], [], []
    for row in ledger:
        if row["id"] not in bonds:
            lost.append(row)
        elif bonds[row["id"]] != row["name"]:
            wrong.append(row)
        elif row["id"] not in with_creator:
            no_member.append(row)
    this_round = [r for r in ledger if r["round"] == args.round]
    acked_names = {r["name"] for r in this_round}
    prefix = f"crash r{args.round} "
    unacked_present = sum(1 for name in bonds.values() if name and name.startswith(prefix) and name not in acked_names)

    # The restarted server serves what it acknowledged before the crash.
    sample = random.sample(this_round, min(args.api_sample, len(this_round)))
    api_missing = []
    client = Client(args.base)
    for row in sample:
        r = client.request("GET", f"/api/v1/bonds/{row['id']}", token=tokens[row["token"]])
        if r.status != 200:
            api_missing.append((row["id"], r.status))

    lost_this_round = sum(1 for r in lost if r["round"] == args.round)
    result = {
        "round": args.round, "acknowledged": len(this_round), "found": len(this_round) - lost_this_round,
        "lost": lost_this_round, "acknowledged_total": len(ledger), "lost_total": len(lost),
        "wrong_content": len(wrong), "bond_without_member": len(no_member),
        "unacknowledged_but_committed": unacked_present,
        "integrity_check": "ok" if integrity == ["ok"] else integrity[:10],
        "foreign_key_problems": len(fk_problems),
        "api_checked": len(sample), "api_missing": api_missing[:10],
        "killed_after_s": load_summary["killed_after_s"],
        "non_2xx_before_kill": load_summary["non_2xx_before_kill"],
        "rows_in_bonds": len(bonds),
    }
    problems = []
    if not this_round:
        problems.append("no write was acknowledged this round, so the round proves nothing")
    if lost:
        problems.append(f"{len(lost)} acknowledged writes are missing, e.g. {lost[:3]}")
    if wrong:
        problems.append(f"{len(wrong)} acknowledged writes have the wrong content, e.g. {wrong[:3]}")
    if no_member:
        problems.append(f"{len(no_member)} acknowledged bonds lost their creator's membership")
    if integrity != ["ok"]:
        problems.append(f"PRAGMA integrity_check: {integrity[:10]}")
    if fk_problems:
        problems.append(f"PRAGMA foreign_key_check: {fk_problems[:5]}")
    if api_missing:
        problems.append(f"the API does not serve {len(api_missing)} acknowledged bonds: {api_missing[:3]}")
    if load_summary["non_2xx_before_kill"]:
        problems.append(f"non-2xx answers under load before the kill: {load_summary['non_2xx_before_kill']}")
    result["problems"] = problems
    with open(args.out, "a") as f:
        f.write(json.dumps(result) + "\n")
    print(f"    round {args.round}: killed after {result['killed_after_s']} s; acknowledged {result['acknowledged']}, "
          f"found {result['found']}, lost {result['lost']} (all rounds: {len(ledger)} acknowledged, {len(lost)} lost); "
          f"committed but unacknowledged {unacked_present}; integrity {result['integrity_check']}; "
          f"API sample {len(sample) - len(api_missing)}/{len(sample)}")
    for problem in problems:
        print(f"    PROBLEM: {problem}")


def summary(args):
    rows = [json.loads(l) for l in open(args.results) if l.strip()]
    print(f"\n{'round':>5} {'killed at':>9} {'acknowledged':>12} {'found':>7} {'lost':>5} {'unacked+committed':>17} {'integrity':>9}")
    for r in rows:
        print(f"{r['round']:>5} {r['killed_after_s']:>8}s {r['acknowledged']:>12} {r['found']:>7} {r['lost']:>5} "
              f"{r['unacknowledged_but_committed']:>17} {str(r['integrity_check']):>9}")
    total_ack = sum(r["acknowledged"] for r in rows)
    total_lost = rows[-1]["lost_total"] if rows else 0
    print(f"{'all':>5} {'':>9} {total_ack:>12} {total_ack - total_lost:>7} {total_lost:>5}")
    bad = [p for r in rows for p in r["problems"]]
    if len(rows) < args.rounds:
        bad.append(f"only {len(rows)} of {args.rounds} rounds completed")
    if bad:
        print("\nFAILED:\n  " + "\n  ".join(bad))
        sys.exit(1)
    print(f"\nEvery acknowledged write survived {len(rows)} kill -9s; integrity ok.")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup"); s.add_argument("--base", required=True); s.add_argument("--accounts", type=int, default=4)
    s.add_argument("--out", required=True)
    l = sub.add_parser("load")
    for name in ("--base", "--tokens", "--ledger", "--kill-after"):
        l.add_argument(name, required=True)
    l.add_argument("--pid", type=int, required=True); l.add_argument("--round", type=int, required=True)
    l.add_argument("--threads", type=int, default=16); l.add_argument("--tail", type=float, default=0.5)
    v = sub.add_parser("verify")
    for name in ("--base", "--db", "--tokens", "--ledger", "--load-summary", "--out"):
        v.add_argument(name, required=True)
    v.add_argument("--round", type=int, required=True); v.add_argument("--api-sample", type=int, default=50)
    m = sub.add_parser("summary"); m.add_argument("--results", required=True); m.add_argument("--rounds", type=int, required=True)
    args = p.parse_args()
    {"setup": setup, "load": load, "verify": verify, "summary": summary}[args.cmd](args)


if __name__ == "__main__":
    main()
