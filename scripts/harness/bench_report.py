"""Assembles scripts/bench's measurements into bench/results.json and prints a table.

Usage: bench_report.py WORKDIR OUTFILE
WORKDIR holds measurements.jsonl, meta.json, rss-big, rss-empty and sqlite.json.
OUTFILE keeps one run per label ({"runs": {label: run}}); this run replaces its label's.
A file from before labels (one bare run) is kept as the run labelled "before".
"""
import json
import os
import sys

work, outfile = sys.argv[1], sys.argv[2]
meta = json.load(open(os.path.join(work, "meta.json")))
rows = [json.loads(l) for l in open(os.path.join(work, "measurements.jsonl")) if l.strip()]
sqlite = json.load(open(os.path.join(work, "sqlite.json")))


def rss(name):
    kib = int(open(os.path.join(work, name)).read().split()[0])
    return {"bytes": kib * 1024, "mib": round(kib / 1024, 1)}


big = [r for r in rows if r["phase"] == "big"]
ceiling = next(r for r in big if r["endpoint"] == "GET /healthz")
hot = [r for r in big if r is not ceiling]
for r in big:
    r["ratio_to_ceiling"] = round(r["requests_per_second"] / ceiling["requests_per_second"], 3)
empties = [r for r in rows if r["phase"] == "empty"]
empty = empties[0]


def flat(e):
    """One read on the big database against the same read on the empty one."""
    b = next(r for r in hot if r["endpoint"] == e["endpoint"])
    return {
        "endpoint": e["endpoint"],
        "big": {"requests_per_second": b["requests_per_second"], "latency_ms": b["latency_ms"]},
        "empty": e,
        "ratio_big_to_empty_throughput": round(b["requests_per_second"] / e["requests_per_second"], 3),
        "ratio_big_to_empty_p50": round(b["latency_ms"]["p50"] / max(e["latency_ms"]["p50"], 1e-9), 3),
        "ratio_big_to_empty_p99": round(b["latency_ms"]["p99"] / max(e["latency_ms"]["p99"], 1e-9), 3),
    }

results = {
    **meta,
    "ceiling": ceiling,
    "endpoints": hot,
    "peak_rss": rss("rss-big"),
    "empty_database": {**flat(empty), "peak_rss": rss("rss-empty")},
    "flat_in_history": [flat(e) for e in empties],
    "sqlite_write_ceiling": sqlite,
}
os.makedirs(os.path.dirname(os.path.abspath(outfile)), exist_ok=True)
try:
    kept = json.load(open(outfile))
except (OSError, ValueError):
    kept = {}
runs = kept.get("runs", {"before": kept} if "endpoints" in kept else {})
runs[meta["label"]] = results
with open(outfile, "w") as f:
    json.dump({"runs": runs}, f, indent=2)
    f.write("\n")

p = meta["parameters"]
print(f"\nKindred benchmark — {meta['git_commit'][:12]}, {meta['build']} build, {meta['machine']['cpus']} CPUs, "
      f"{p['bonds']} bonds × {p['days']} days, wrk -t{p['threads']} -c{p['connections']} -d{p['seconds']}s\n")
print(f"{'endpoint':<52} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'÷ ceiling':>10}")
print("-" * 92)
for r in big:
    print(f"{r['endpoint']:<52} {r['requests_per_second']:>10.1f} {r['latency_ms']['p50']:>8.2f} "
          f"{r['latency_ms']['p99']:>8.2f} {r['ratio_to_ceiling']:>10.3f}")
e = results["empty_database"]
print("-" * 92)
for x in empties:
    print(f"{x['endpoint'][:41] + ' (empty db)':<52} {x['requests_per_second']:>10.1f} "
          f"{x['latency_ms']['p50']:>8.2f} {x['latency_ms']['p99']:>8.2f}")
print()
for f in results["flat_in_history"]:
    print(f"big ÷ empty for {f['endpoint']}: throughput {f['ratio_big_to_empty_throughput']:.3f}, "
          f"p50 {f['ratio_big_to_empty_p50']:.3f}, p99 {f['ratio_big_to_empty_p99']:.3f}  (≈1 = does not grow with history)")
print(f"server peak RSS (VmHWM): {results['peak_rss']['mib']} MiB with the big database, "
      f"{e['peak_rss']['mib']} MiB with the empty one")
print(f"SQLite write ceiling (one row per commit, WAL, synchronous={sqlite['synchronous']}, same disk): "
      f"{sqlite['inserts_per_second']:.0f} inserts/s")
print(f"/readyz answered {meta['ready_seconds']} s after launch on the seeded database")

others = [(label, run) for label, run in runs.items() if label != meta["label"]]
if others:
    print(f"\nRatio to the ceiling, by run (each against its own /healthz; commits and sizes differ between runs):")
    print(f"{'endpoint':<52} " + " ".join(f"{label[:12]:>12}" for label, _ in others) + f" {meta['label'][:12]:>12}")
    for r in hot:
        cells = []
        for _, run in others:
            match = next((o for o in run.get("endpoints", []) if o["endpoint"] == r["endpoint"]), None)
            cells.append(f"{match['ratio_to_ceiling']:>12.3f}" if match else f"{'—':>12}")
        print(f"{r['endpoint'][:52]:<52} " + " ".join(cells) + f" {r['ratio_to_ceiling']:>12.3f}")
    for label, run in others:
        p2 = run["parameters"]
        print(f"  {label}: {run['git_commit'][:12]}, {p2['bonds']} bonds × {p2['days']} days, {run['generated_at']}")
print(f"\nwritten to {outfile} (run \"{meta['label']}\")")
