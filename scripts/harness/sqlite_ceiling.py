"""The storage ceiling for writes: how many one-row-one-commit inserts per second SQLite
manages in DIR with Kindred's pragmas (WAL, synchronous=FULL). Prints one JSON line.

Usage: sqlite_ceiling.py DIR SECONDS
"""
import json
import os
import sqlite3
import sys
import time

directory, seconds = sys.argv[1], float(sys.argv[2])
path = os.path.join(directory, "ceiling.sqlite")
db = sqlite3.connect(path, isolation_level=None)  # autocommit: every INSERT is its own commit
journal = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
db.execute("PRAGMA synchronous=FULL")
db.execute("PRAGMA foreign_keys=ON")
sync = db.execute("PRAGMA synchronous").fetchone()[0]
db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, created_at REAL NOT NULL)")
payload = "x" * 100
count = 0
start = time.perf_counter()
deadline = start + seconds
while True:
    db.execute("INSERT INTO rows (payload, created_at) VALUES (?, ?)", (payload, time.time()))
    count += 1
    if count % 64 == 0 and time.perf_counter() >= deadline:
        break
elapsed = time.perf_counter() - start
assert db.execute("SELECT count(*) FROM rows").fetchone()[0] == count
db.close()
for suffix in ("", "-wal", "-shm"):
    try:
        os.remove(path + suffix)
    except FileNotFoundError:
        pass
print(json.dumps({
    "inserts": count, "seconds": round(elapsed, 3), "inserts_per_second": round(count / elapsed, 1),
    "journal_mode": journal, "synchronous": {2: "FULL"}.get(sync, sync), "sqlite_version": sqlite3.sqlite_version,
}))
