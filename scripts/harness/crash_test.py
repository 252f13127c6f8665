"""Python side of scripts/crash-test (standard library only).

  setup  --base URL --accounts N --out tokens.json [--answer-bonds E --reveal-bonds K --rounds R --bonds-out FILE]
         Accounts with tokens; and active bonds (two people each) for daily answers: E "editing"
         bonds whose first member keeps changing today's answer (the partner never answers, so
         it stays editable), and K "reveal" bonds per round in which both members answer once.
  load   --base URL --pid PID --tokens tokens.json --round R --threads T --kill-after MIN-MAX --ledger FILE
         [--bonds FILE]
         Writes bonds from T threads, and daily answers from one thread per editing bond and
         one for the round's reveal bonds; SIGKILLs PID in the middle; appends every bond that
         got a 2xx (JSON lines: round, id, name) and every answer sent, acknowledged or not
         (kind "answer"), to FILE and prints a JSON summary.
  verify --base URL --db PATH --tokens tokens.json --ledger FILE --round R --load-summary FILE --out FILE
         [--bonds FILE]
         After the restart: every acknowledged write (all rounds so far) is in the database,
         the database passes PRAGMA integrity_check, and a sample is served by the API. For
         answers: the row is in the database and, through the API (which decrypts), each
         member's answer is the last acknowledged text (or one sent after it, still in flight
         at the kill), and a day both answered is revealed with both texts.
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
    if not args.bonds_out:
        return

    def pair(n):
        """An active bond: person 2n makes it and invites, person 2n+1 accepts."""
        c = Client(args.base)
        a, b = make(1000 + 2 * n)["token"], make(1000 + 2 * n + 1)["token"]
        bond = expect(c.request("POST", "/api/v1/bonds", {"kind": KINDS[n % 3], "name": f"Answers {n}"}, token=a),
                      201, what="bond").json()["id"].lower()
        code = expect(c.request("POST", f"/api/v1/bonds/{bond}/invites", token=a), 201, what="invite").json()["code"]
        expect(c.request("POST", f"/api/v1/invites/{code}/accept", token=b), 200, what="accept")
        return {"bond": bond, "tokens": [a, b]}

    total = args.answer_bonds + args.reveal_bonds * args.rounds
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        bonds = list(pool.map(pair, range(total)))
    editing, reveal = bonds[:args.answer_bonds], bonds[args.answer_bonds:]
    json.dump({"editing": editing,
               "reveal": {str(r): reveal[(r - 1) * args.reveal_bonds:r * args.reveal_bonds] for r in range(1, args.rounds + 1)}},
              open(args.bonds_out, "w"))
    print(f"    {len(editing)} bonds for editing answers, {args.reveal_bonds} per round for answers both give")


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
                # A person may hold only 20 bonds waiting for someone: end each at once (a second
                # write; one the kill cuts short is ended at the next round's start).
                try:
                    client.request("POST", f"/api/v1/bonds/{body['id']}/leave", token=token)
                except Exception:
                    client.close()
            elif not killed.is_set():
                with lock:
                    before_kill_bad[r.status] += 1

    # Daily answers. Every send is recorded before it leaves (acked False), then marked.
    answer_log = []
    answer_seq = [0]

    def put_answer(client, bond, member, text, kind):
        with lock:
            answer_seq[0] += 1
            row = {"round": args.round, "kind": "answer", "mode": kind, "bond": bond["bond"], "member": member,
                   "text": text, "seq": answer_seq[0], "acked": False, "day": None}
            answer_log.append(row)
        try:
            r = client.request("PUT", f"/api/v1/bonds/{bond['bond']}/today/answer", {"text": text},
                               token=bond["tokens"][member])
        except Exception as e:  # no answer: maybe written, maybe not (or refused: the server is gone)
            with lock:
                failures[type(e).__name__] += 1
                row["error"] = type(e).__name__
            client.close()
            return None
        if r.status == 200:
            with lock:
                row["acked"], row["day"] = True, r.json()["today"]["day"]
                acked_answers[0] += 1
        elif not killed.is_set():
            with lock:
                before_kill_bad[r.status] += 1
        return r.status

    acked_answers = [0]

    def editor(k, bond):
        client = Client(args.base, statuses=statuses, lock=lock, timeout=10)
        n = 0
        while not stop.is_set():
            n += 1
            if put_answer(client, bond, 0, f"edit r{args.round} b{k} n{n}: the kettle, the rain, you", "edit") is None \
                    and killed.is_set():
                time.sleep(0.05)

    def revealer(bonds):
        client = Client(args.base, statuses=statuses, lock=lock, timeout=10)
        rng = random.Random()
        for k, bond in enumerate(bonds):
            for member in (0, 1):
                time.sleep(rng.uniform(0, hi / (2 * len(bonds))))
                if stop.is_set() or killed.is_set():
                    return
                put_answer(client, bond, member, f"reveal r{args.round} b{k} member {member}: “tea” ✓", "reveal")

    # Bonds a kill left waiting in an earlier round are ended first, so the limit of 20 waiting
    # bonds a person may hold never refuses this round's writes.
    tidy = Client(args.base)
    for token in set(tokens):
        offset = 0
        while True:
            page = expect(tidy.request("GET", f"/api/v1/bonds?limit=100&offset={offset}", token=token), 200, what="bonds").json()
            for bond in page:
                if bond["status"] == "waiting":
                    expect(tidy.request("POST", f"/api/v1/bonds/{bond['id']}/leave", token=token), 200, what="leave")
            if len(page) < 100:
                break
            offset += 100
    tidy.close()

    answer_bonds = json.load(open(args.bonds)) if args.bonds else {"editing": [], "reveal": {}}
    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(args.threads)]
    threads += [threading.Thread(target=editor, args=(k, b), daemon=True) for k, b in enumerate(answer_bonds["editing"])]
    if answer_bonds["reveal"].get(str(args.round)):
        threads.append(threading.Thread(target=revealer, args=(answer_bonds["reveal"][str(args.round)],), daemon=True))
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
        for row in acked + answer_log:
            f.write(json.dumps(row) + "\n")
    summary = {
        "round": args.round, "killed_after_s": round(delay, 2), "acknowledged": len(acked),
        "answers_sent": len(answer_log), "answers_acknowledged": acked_answers[0],
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
    everything = [json.loads(l) for l in open(args.ledger) if l.strip()]
    ledger = [row for row in everything if row.get("kind") != "answer"]
    answer_log = [row for row in everything if row.get("kind") == "answer"]
    tokens = [a["token"] for a in json.load(open(args.tokens))]
    load_summary = json.loads(open(args.load_summary).read().strip().splitlines()[-1])
    db = sqlite3.connect(args.db, timeout=30)
    try:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
        fk_problems = db.execute("PRAGMA foreign_key_check").fetchall()
        bonds = {uuid_text(i): name for i, name in db.execute("SELECT id, name FROM bonds")}
        with_creator = {uuid_text(b) for (b,) in db.execute("SELECT bond_id FROM bond_members WHERE slot = 1")}
        stored_answers = {(uuid_text(b), day, slot - 1) for b, day, slot in db.execute(
            "SELECT a.bond_id, a.day, m.slot FROM daily_answers a JOIN bond_members m "
            "ON m.bond_id = a.bond_id AND m.user_id = a.user_id")}
    except sqlite3.DatabaseError as e:  # a damaged file: everything counts as lost
        integrity, fk_problems, bonds, with_creator, stored_answers = [f"unreadable: {e}"], [], {}, set(), set()
    finally:
        db.close()

    # Names are sealed at rest (kc2:…): in the file each must be sealed; the API, which opens
    # them, must give back the name sent (checked for a sample below).
    lost, wrong, no_member = [], [], []
    for row in ledger:
        if row["id"] not in bonds:
            lost.append(row)
        elif not (bonds[row["id"]] or "").startswith("kc2:") or row["name"] in (bonds[row["id"]] or ""):
            wrong.append(row)
        elif row["id"] not in with_creator:
            no_member.append(row)
    this_round = [r for r in ledger if r["round"] == args.round]
    setup_ids = set()
    if args.bonds:
        data = json.load(open(args.bonds))
        setup_ids = {b["bond"].lower() for b in data["editing"] + [b for group in data["reveal"].values() for b in group]}
    acked_ids = {r["id"] for r in ledger}
    unacked_present = sum(1 for i in bonds if i not in acked_ids and i not in setup_ids)

    # The restarted server serves what it acknowledged before the crash, under the name sent.
    sample = random.sample(this_round, min(args.api_sample, len(this_round)))
    api_missing = []
    client = Client(args.base)
    for row in sample:
        r = client.request("GET", f"/api/v1/bonds/{row['id']}", token=tokens[row["token"]])
        if r.status != 200:
            api_missing.append((row["id"], r.status))
        elif r.json().get("name") != row["name"]:
            wrong.append(row)

    answers = verify_answers(args, answer_log, stored_answers)
    lost_this_round = sum(1 for r in lost if r["round"] == args.round)
    result = {
        "answers": answers,
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
    problems += answers.pop("problems")
    if load_summary["non_2xx_before_kill"]:
        problems.append(f"non-2xx answers under load before the kill: {load_summary['non_2xx_before_kill']}")
    result["problems"] = problems
    with open(args.out, "a") as f:
        f.write(json.dumps(result) + "\n")
    print(f"    round {args.round}: killed after {result['killed_after_s']} s; acknowledged {result['acknowledged']}, "
          f"found {result['found']}, lost {result['lost']} (all rounds: {len(ledger)} acknowledged, {len(lost)} lost); "
          f"committed but unacknowledged (all rounds) {unacked_present}; integrity {result['integrity_check']}; "
          f"API sample {len(sample) - len(api_missing)}/{len(sample)}")
    if answer_log:
        print(f"    answers: {json.dumps(answers)}")
    for problem in problems:
        print(f"    PROBLEM: {problem}")


def verify_answers(args, log, stored):
    """Daily answers: for every (bond, member, day) with an acknowledged answer, the row is in
    the database, and the API shows the last acknowledged text or one sent after it (the write
    in flight at the kill may have committed); a day both acknowledged is revealed to both."""
    problems = []
    keys = {}
    for row in log:
        keys.setdefault((row["bond"], row["member"]), []).append(row)
    tokens = {}
    if args.bonds:
        data = json.load(open(args.bonds))
        for bond in data["editing"] + [b for group in data["reveal"].values() for b in group]:
            tokens[bond["bond"]] = bond["tokens"]
    client = Client(args.base)
    counts = Counter()
    lost = set()
    acked_by_day = {}
    for (bond, member), rows in keys.items():
        rows.sort(key=lambda r: r["seq"] + r["round"] * 10_000_000)
        acked = [r for r in rows if r["acked"]]
        if not acked:
            continue
        last = acked[-1]
        later = [r["text"] for r in rows if (r["round"], r["seq"]) > (last["round"], last["seq"])]
        allowed = {last["text"], *later}
        day = last["day"]
        acked_by_day.setdefault((bond, day), {})[member] = last["text"]
        counts["acknowledged (bond, member, day)"] += 1
        if (bond, day, member) not in stored:
            counts["row missing"] += 1
            lost.add((bond, member))
            problems.append(f"the acknowledged answer of member {member} in bond {bond} on {day} has no row")
        r = client.request("GET", f"/api/v1/bonds/{bond}/days/{day}", token=tokens[bond][member])
        if r.status != 200:
            counts["api error"] += 1
            problems.append(f"GET day {day} of bond {bond} as member {member}: {r.status} {r.body[:200]!r}")
            continue
        text = (r.json().get("yourAnswer") or {}).get("text")
        if text == last["text"]:
            counts["last acknowledged text"] += 1
        elif text in allowed:
            counts["a later, in-flight text"] += 1
        else:
            counts["api shows another text"] += 1
            lost.add((bond, member))
            problems.append(f"member {member} of bond {bond} on {day}: the API shows {text!r}, "
                            f"but {last['text']!r} was acknowledged last")
    for (bond, day), texts in acked_by_day.items():
        if len(texts) != 2:
            continue
        counts["days both acknowledged"] += 1
        for member in (0, 1):
            body = client.request("GET", f"/api/v1/bonds/{bond}/days/{day}", token=tokens[bond][member])
            day_view = body.json() if body.status == 200 else {}
            if day_view.get("state") != "revealed" or (day_view.get("theirAnswer") or {}).get("text") != texts[1 - member]:
                counts["not revealed"] += 1
                problems.append(f"bond {bond} on {day}: both answers were acknowledged, but member {member} sees "
                                f"{day_view.get('state')!r} / {(day_view.get('theirAnswer') or {}).get('text')!r}")
    client.close()
    return {"sent_all_rounds": len(log), "acknowledged_all_rounds": sum(1 for r in log if r["acked"]),
            "unanswered_all_rounds": sum(1 for r in log if r.get("error")), "lost": len(lost),
            **dict(counts), "problems": problems}


def summary(args):
    rows = [json.loads(l) for l in open(args.results) if l.strip()]
    print(f"\n{'round':>5} {'killed at':>9} {'acknowledged':>12} {'found':>7} {'lost':>5} {'unacked+committed':>17} {'integrity':>9}")
    for r in rows:
        print(f"{r['round']:>5} {r['killed_after_s']:>8}s {r['acknowledged']:>12} {r['found']:>7} {r['lost']:>5} "
              f"{r['unacknowledged_but_committed']:>17} {str(r['integrity_check']):>9}")
    total_ack = sum(r["acknowledged"] for r in rows)
    total_lost = rows[-1]["lost_total"] if rows else 0
    print(f"{'all':>5} {'':>9} {total_ack:>12} {total_ack - total_lost:>7} {total_lost:>5}")
    if rows and rows[-1].get("answers", {}).get("sent_all_rounds"):
        a = rows[-1]["answers"]
        print(f"\ndaily answers, all rounds: {a['sent_all_rounds']} sent, {a['acknowledged_all_rounds']} acknowledged, "
              f"{a['unanswered_all_rounds']} unanswered (at or after the kill); "
              f"last acknowledged per member and day: {a.get('acknowledged (bond, member, day)', 0)}, of which shown by the API "
              f"{a.get('last acknowledged text', 0)} (+{a.get('a later, in-flight text', 0)} a later in-flight edit), "
              f"lost {a['lost']}; days both acknowledged {a.get('days both acknowledged', 0)}, "
              f"not revealed {a.get('not revealed', 0)}")
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
    s.add_argument("--out", required=True); s.add_argument("--bonds-out")
    s.add_argument("--answer-bonds", type=int, default=4); s.add_argument("--reveal-bonds", type=int, default=3)
    s.add_argument("--rounds", type=int, default=5)
    l = sub.add_parser("load")
    for name in ("--base", "--tokens", "--ledger", "--kill-after"):
        l.add_argument(name, required=True)
    l.add_argument("--pid", type=int, required=True); l.add_argument("--round", type=int, required=True)
    l.add_argument("--threads", type=int, default=16); l.add_argument("--tail", type=float, default=0.5)
    l.add_argument("--bonds")
    v = sub.add_parser("verify")
    for name in ("--base", "--db", "--tokens", "--ledger", "--load-summary", "--out"):
        v.add_argument(name, required=True)
    v.add_argument("--round", type=int, required=True); v.add_argument("--api-sample", type=int, default=50)
    v.add_argument("--bonds")
    m = sub.add_parser("summary"); m.add_argument("--results", required=True); m.add_argument("--rounds", type=int, required=True)
    args = p.parse_args()
    {"setup": setup, "load": load, "verify": verify, "summary": summary}[args.cmd](args)


if __name__ == "__main__":
    main()
