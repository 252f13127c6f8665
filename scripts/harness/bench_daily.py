"""Daily-question history for scripts/bench (standard library only).

`kindred seed` writes bonds and a year of measuring, but no daily questions. So that the hot
read GET /api/v1/bonds/{id}/today is measured against a year of them, this fills them in:

  prepare --base URL --db PATH --seed seed.json [--writer-index 1]
      With the server running on the seeded database: makes a throwaway bond of two new
      people, who both answer today's question through the API, so the database holds
      genuine sealed answers (this database's key). Saves them, and a stored row as the
      model of how the app encodes ids and dates, in DB.sealed.json. Also signs in the
      member of seeded bond --writer-index (a bond whose partner never answers) and adds
      writerToken and writerBondId to seed.json, for the write benchmark.
  history --db PATH --days D --decks DIR
      With the server stopped: for every seeded bond, D days (up to the day before yesterday
      by the calendar in the members' time zone) of daily_questions rows and, on most days,
      both members' answers (some days one, a few none), reusing the genuine sealed texts.
      Each is bound to its throwaway row, so a copy would not open — and none is opened: the
      benchmark's requests show the bond's current day only, and history stops before it.
      A bond's day turns over at its members' waking hour, so in the small hours the
      calendar's yesterday is still the bond's today: history ends a day earlier than that.
      Deterministic; prints one JSON line of counts.
"""
import argparse
import datetime
import glob
import json
import os
import random
import re
import sqlite3
import sys
import time
import uuid
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kindred_http import PASSWORD, Client, expect  # noqa: E402

ANSWERS = [
    "The walk by the river this morning, before anyone else was up.",
    "Honestly? The first coffee, and the quiet while it was still dark.",
]


def prepare(args):
    c = Client(args.base)
    run = uuid.uuid4().hex[:8]
    people = []
    for side in ("a", "b"):
        email = f"sealer-{run}-{side}@example.org"
        expect(c.request("POST", "/api/v1/accounts", {"email": email, "password": PASSWORD, "displayName": f"Sealer {side}"}),
               201, what="sign-up")
        people.append(expect(c.request("POST", "/api/v1/tokens", {"email": email, "password": PASSWORD}), 201,
                             what="token").json()["token"])
    bond = expect(c.request("POST", "/api/v1/bonds", {"kind": "friendship", "name": "Sealer"}, token=people[0]),
                  201, what="bond").json()["id"]
    code = expect(c.request("POST", f"/api/v1/bonds/{bond}/invites", token=people[0]), 201, what="invite").json()["code"]
    expect(c.request("POST", f"/api/v1/invites/{code}/accept", token=people[1]), 200, what="accept")
    # Both answer, so the day is revealed: two genuine sealed texts.
    for i, token in enumerate(people):
        expect(c.request("PUT", f"/api/v1/bonds/{bond}/today/answer", {"text": ANSWERS[i]}, token=token), 200, what="answer")
    r = expect(c.request("GET", f"/api/v1/bonds/{bond}/today", token=people[0]), 200, what="today")
    if r.json()["today"]["state"] != "revealed":
        sys.exit(f"bench_daily: the throwaway day is not revealed: {r.body[:300]!r}")

    db = sqlite3.connect(args.db, timeout=30)
    bond_ids = [row[0] for row in db.execute("SELECT bond_id FROM daily_answers")]
    rows = db.execute(
        "SELECT id, bond_id, day, user_id, text, created_at, updated_at, typeof(id), typeof(bond_id), "
        "typeof(user_id), typeof(created_at), typeof(updated_at) FROM daily_answers").fetchall()
    q = db.execute("SELECT id, bond_id, day, prompt_id, created_at, typeof(id), typeof(created_at) FROM daily_questions").fetchall()
    db.close()
    if len(rows) != 2 or len(q) != 1 or len(set(bond_ids)) != 1:
        sys.exit(f"bench_daily: expected the throwaway bond's 2 answers and 1 question, found {len(rows)} and {len(q)}")
    model = {
        "uuid": rows[0][7], "uuid_example": describe(rows[0][0]), "bond_uuid": rows[0][8], "user_uuid": rows[0][9],
        "date": rows[0][10], "date_example": rows[0][5], "updated_date": rows[0][11],
        "question_uuid": q[0][5], "question_date": q[0][6], "question_date_example": q[0][4], "day_example": q[0][2],
    }
    for key in ("uuid", "bond_uuid", "user_uuid", "question_uuid"):
        if model[key] not in ("blob", "text"):
            sys.exit(f"bench_daily: the app stores {key} as {model[key]}, which this script does not know")
    for key in ("date", "updated_date", "question_date"):
        if model[key] not in ("real", "integer"):
            sys.exit(f"bench_daily: the app stores {key} as {model[key]}, which this script does not know")
    sealed = [row[4] for row in rows]
    if not all(text.startswith("kc2:") for text in sealed):
        sys.exit(f"bench_daily: stored answers are not sealed: {sealed!r}")
    json.dump({"sealed": sealed, "model": model, "throwaway_bond": bond.lower()}, open(args.db + ".sealed.json", "w"))

    seed = json.load(open(args.seed))
    if seed.get("bonds", 1) > args.writer_index:
        email = f"bench-{args.writer_index}-a@example.org"
        token = expect(c.request("POST", "/api/v1/tokens", {"email": email, "password": seed["password"]}), 201,
                       what=f"token for {email}").json()["token"]
        bonds = expect(c.request("GET", "/api/v1/bonds", token=token), 200, what="bonds").json()
        if len(bonds) != 1:
            sys.exit(f"bench_daily: {email} has {len(bonds)} bonds, not 1: {bonds!r}")
        seed["writerToken"], seed["writerBondId"] = token, bonds[0]["id"].lower()
        json.dump(seed, open(args.seed, "w"))
    c.close()
    print(f"    genuine sealed answers from a throwaway bond; stored encoding: {json.dumps(model)}")


def describe(value):
    return value.hex() if isinstance(value, bytes) else value


def read_decks(folder):
    """(prompt id, kinds) from the deck files, in file order: a tiny reader for their layout."""
    prompts = []
    for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
        current = None
        for line in open(path, encoding="utf-8"):
            m = re.match(r"\s*- id:\s*\"?([A-Za-z0-9_.-]+)\"?\s*$", line)
            if m:
                current = {"id": m.group(1), "kinds": ["romantic", "friendship", "family"]}
                prompts.append(current)
                continue
            m = re.match(r"\s*kinds:\s*\[(.*)\]\s*$", line)
            if m and current is not None:
                current["kinds"] = [k.strip().strip('"') for k in m.group(1).split(",") if k.strip()]
    if len(prompts) < 50:
        sys.exit(f"bench_daily: only {len(prompts)} prompts in {folder}")
    return prompts


def history(args):
    saved = json.load(open(args.db + ".sealed.json"))
    sealed, model = saved["sealed"], saved["model"]
    prompts = read_decks(args.decks)
    by_kind = {kind: [p["id"] for p in prompts if kind in p["kinds"]] for kind in ("romantic", "friendship", "family")}

    def new_id(kind):
        u = uuid.uuid4()
        if kind == "blob":
            return u.bytes
        return str(u) if model["uuid_example"] == model["uuid_example"].lower() else str(u).upper()

    def stamp(kind, seconds):
        return float(seconds) if kind == "real" else int(seconds)

    db = sqlite3.connect(args.db, timeout=30, isolation_level=None)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")   # bulk load; the file is fsynced at the end (WAL checkpoint)
    seeded = db.execute(
        "SELECT b.id, b.kind, ua.id, ua.time_zone, ub.id FROM bonds b "
        "JOIN bond_members ma ON ma.bond_id = b.id AND ma.slot = 1 JOIN users ua ON ua.id = ma.user_id "
        "JOIN bond_members mb ON mb.bond_id = b.id AND mb.slot = 2 JOIN users ub ON ub.id = mb.user_id "
        "WHERE ua.email LIKE 'bench-%' ORDER BY ua.email").fetchall()
    if not seeded:
        sys.exit("bench_daily: no seeded bonds found")
    already = db.execute("SELECT count(*) FROM daily_questions dq JOIN bond_members m ON m.bond_id = dq.bond_id "
                         "JOIN users u ON u.id = m.user_id WHERE u.email LIKE 'bench-%'").fetchone()[0]
    if already:
        sys.exit(f"bench_daily: the seeded bonds already have {already} daily questions")
    now = time.time()
    rng = random.Random(20261127)
    questions = answers = mutual = 0
    started = time.monotonic()
    db.execute("BEGIN")
    q_rows, a_rows = [], []
    for index, (bond_id, kind, user_a, zone, user_b) in enumerate(seeded):
        today = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).date()
        deck = list(by_kind.get(kind) or by_kind["friendship"])
        random.Random(index).shuffle(deck)
        # Back to D + 1 days, up to 2: never the calendar's yesterday (see the docstring).
        for back in range(args.days + 1, 1, -1):
            day = today - datetime.timedelta(days=back)
            asked = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=zoneinfo.ZoneInfo(zone)).timestamp()
            prompt = deck[(args.days + 1 - back) % len(deck)]
            q_rows.append((new_id(model["question_uuid"]), bond_id, day.isoformat(), prompt, stamp(model["question_date"], asked)))
            questions += 1
            roll = rng.random()
            who = [user_a, user_b] if roll < 0.75 else [user_a] if roll < 0.85 else [user_b] if roll < 0.90 else []
            mutual += len(who) == 2
            for n, user in enumerate(who):
                at = asked + 3600 * (2 + 5 * n) + rng.randint(0, 3000)
                a_rows.append((new_id(model["uuid"]), bond_id, day.isoformat(), user, sealed[(index + back + n) % len(sealed)],
                               stamp(model["date"], at), stamp(model["updated_date"], at)))
                answers += 1
        if len(a_rows) > 50_000:
            flush(db, q_rows, a_rows)
    flush(db, q_rows, a_rows)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    integrity = db.execute("PRAGMA quick_check").fetchone()[0]
    db.close()
    if integrity != "ok":
        sys.exit(f"bench_daily: quick_check after the load: {integrity}")
    print(json.dumps({"bonds": len(seeded), "days": args.days, "daily_questions": questions, "daily_answers": answers,
                      "mutual_days": mutual, "seconds": round(time.monotonic() - started, 1), "now": round(now)}))


def flush(db, q_rows, a_rows):
    db.executemany("INSERT INTO daily_questions (id, bond_id, day, prompt_id, created_at) VALUES (?, ?, ?, ?, ?)", q_rows)
    db.executemany("INSERT INTO daily_answers (id, bond_id, day, user_id, text, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", a_rows)
    q_rows.clear()
    a_rows.clear()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("prepare")
    s.add_argument("--base", required=True); s.add_argument("--db", required=True); s.add_argument("--seed", required=True)
    s.add_argument("--writer-index", type=int, default=1)
    h = sub.add_parser("history")
    h.add_argument("--db", required=True); h.add_argument("--days", type=int, required=True)
    h.add_argument("--decks", required=True)
    args = p.parse_args()
    {"prepare": prepare, "history": history}[args.cmd](args)


if __name__ == "__main__":
    main()
