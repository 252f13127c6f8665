"""Runs wrk against one endpoint for scripts/bench and appends the figures to a JSON-lines file.

The endpoint is "[as:FIELD] METHOD PATH [JSON body]"; {name} in PATH or body is replaced by
the field of that name in the seed output (bondId, ...), and the request carries the bearer
token in seed field FIELD (default: token). A preflight request must answer 2xx, any
non-2xx/3xx response or socket error during the run fails loudly (exit 1), and so does a
postflight request after the run that does not answer 2xx (a write must still work after
thousands of repeats).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

p = argparse.ArgumentParser()
p.add_argument("--base", required=True)
p.add_argument("--endpoint", required=True)
p.add_argument("--seed", required=True, help="file with kindred seed's JSON line")
p.add_argument("--seconds", type=int, required=True)
p.add_argument("--warmup", type=int, default=0)
p.add_argument("--connections", type=int, required=True)
p.add_argument("--threads", type=int, required=True)
p.add_argument("--phase", required=True)
p.add_argument("--out", required=True)
p.add_argument("--no-auth", action="store_true")
args = p.parse_args()

seed = json.load(open(args.seed))
spec = args.endpoint
token_field = "token"
if spec.startswith("as:"):
    token_field, spec = spec[3:].split(" ", 1)
parts = spec.split(" ", 2)
method, path_template = parts[0], parts[1]
body_template = parts[2] if len(parts) > 2 else ""


def fill(template):
    def sub(match):
        key = match.group(1)
        if key not in seed:
            sys.exit(f"bench: {args.endpoint!r} needs {{{key}}}, which kindred seed did not print")
        return str(seed[key])
    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", sub, template)


path, body = fill(path_template), fill(body_template)
if not args.no_auth and token_field not in seed:
    sys.exit(f"bench: {args.endpoint!r} needs the token {token_field!r}, which the seed output does not have")
token = "" if args.no_auth else seed[token_field]
url = args.base + path

# Preflight: the endpoint must work before we measure it.
request = urllib.request.Request(url, method=method, data=body.encode() if body else None)
if token:
    request.add_header("Authorization", f"Bearer {token}")
if body:
    request.add_header("Content-Type", "application/json")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def check(when):
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as r:
            status, answer = r.status, r.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"bench: FAILED {when} {method} {path} answered {e.code}: {e.read()[:300]!r}")
    if not 200 <= status < 300:
        sys.exit(f"bench: FAILED {when} {method} {path} answered {status}, not 2xx")
    return answer


preflight = check("preflight")

env = dict(os.environ, WRK_TOKEN=token, WRK_METHOD=method, WRK_BODY=body)
lua = os.path.join(HERE, "wrk_report.lua")


def run_wrk(seconds):
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s",
           "--latency", "--timeout", "10s", "-s", lua, url]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench: wrk failed ({out.returncode}): {out.stderr}{out.stdout}")
    lines = [l for l in out.stdout.splitlines() if l.startswith("WRK_JSON ")]
    if not lines:
        sys.exit(f"bench: no summary from wrk:\n{out.stdout}\n{out.stderr}")
    result = json.loads(lines[-1][len("WRK_JSON "):])
    result["raw"] = out.stdout
    return result


if args.warmup > 0:
    run_wrk(args.warmup)
result = run_wrk(args.seconds)
errors = result["errors"]
if result["requests"] == 0 or any(errors.values()):
    print(result["raw"], file=sys.stderr)
    sys.exit(f"bench: FAILED {method} {path}: {result['requests']} requests, errors {errors} "
             f"(status = non-2xx/3xx responses)")

check("postflight")

seconds = result["duration_us"] / 1e6
lat = result["latency_us"]
record = {
    "phase": args.phase, "endpoint": f"{method} {path_template}", "method": method, "path": path,
    "token": token_field if not args.no_auth else None, "body": body or None,
    "requests": result["requests"], "seconds": round(seconds, 3),
    "requests_per_second": round(result["requests"] / seconds, 1),
    "latency_ms": {k: round(v / 1000, 3) for k, v in lat.items()},
    "errors": errors, "connections": args.connections, "threads": args.threads,
}
with open(args.out, "a") as f:
    f.write(json.dumps(record) + "\n")
print(f"    {record['endpoint']:<40} {record['requests_per_second']:>10.1f} req/s   "
      f"p50 {record['latency_ms']['p50']:.2f} ms   p99 {record['latency_ms']['p99']:.2f} ms")
