# Shared helpers for Kindred's scripts. Source it; do not run it.

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages named, if any of them is missing.
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts a throwaway PostgreSQL cluster in a temporary folder on loopback.
# Sets PG_DIR, PG_PORT and PG_URL; stop it with stop_postgres. Pass "durable" to keep fsync on.
start_postgres() {
  ensure_debian_packages postgresql
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PG_DIR=$(mktemp -d /tmp/kindred-pg.XXXXXX)
  PG_PORT=$(free_port)
  local fsync="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${1:-}" = "durable" ] && fsync=""
  local run=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR"; run=(runuser -u postgres --); fi
  "${run[@]}" "$PGBIN/initdb" -D "$PG_DIR/data" -A trust -U kindred >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; die "initdb failed"; }
  "${run[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-k $PG_DIR -c listen_addresses=127.0.0.1 -p $PG_PORT -c max_connections=200 $fsync" start >/dev/null \
    || { cat "$PG_DIR/log"; die "PostgreSQL did not start"; }
  PG_URL="postgres://kindred@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  PG_RUN=("${run[@]}")
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_RUN[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

# --- Helpers for scripts/bench, scripts/crash-test and scripts/cluster-test ---

# Builds the kindred executable and sets KINDRED_BIN. Configuration: $1, else $BUILD_CONFIG,
# else release. The resource bundle stays next to the binary, where kindred looks for it.
# PREBUILT_KINDRED=/path/to/kindred skips the build and uses that executable instead.
build_kindred() {
  local config="${1:-${BUILD_CONFIG:-release}}"
  if [ -n "${PREBUILT_KINDRED:-}" ]; then
    [ -x "$PREBUILT_KINDRED" ] || die "PREBUILT_KINDRED=$PREBUILT_KINDRED is not an executable"
    KINDRED_BIN=$(cd "$(dirname "$PREBUILT_KINDRED")" && pwd)/$(basename "$PREBUILT_KINDRED")
    say "Using the prebuilt $KINDRED_BIN"
    return 0
  fi
  command -v swift >/dev/null || die "Swift is not installed (https://swift.org/install)."
  say "Building kindred ($config)"
  swift build -c "$config" --product kindred
  KINDRED_BIN="$PWD/.build/$config/kindred"
  [ -x "$KINDRED_BIN" ] || die "no kindred executable at $KINDRED_BIN"
}

# Waits until URL answers 2xx. Usage: wait_for_url URL [timeout seconds] [pid that must stay alive]
wait_for_url() {
  python3 - "$1" "${2:-60}" "${3:-}" <<'PY'
import os, sys, time, urllib.request
url, timeout, pid = sys.argv[1], float(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    if pid and not os.path.exists(f"/proc/{pid}"):
        sys.exit(f"process {pid} exited before {url} answered")
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if 200 <= r.status < 300:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.1)
sys.exit(f"{url} did not answer within {timeout:.0f} s")
PY
}

# Starts `kindred serve` ($KINDRED_BIN) in the background on 127.0.0.1:PORT, logging to LOG,
# with any extra VAR=value settings, and waits until /readyz answers. Sets SERVER_PID.
# Usage: start_kindred LOG PORT [VAR=value ...]
start_kindred() {
  local log=$1 port=$2; shift 2
  # Harnesses sign many people up from one loopback address: lift the registration limits
  # (a caller's own VAR=value still wins, as it comes later).
  env KINDRED_HOST=127.0.0.1 KINDRED_PORT="$port" \
    KINDRED_REGISTRATIONS_PER_CLIENT=1000000 KINDRED_REGISTRATIONS_TOTAL=1000000 \
    "$@" "$KINDRED_BIN" serve >>"$log" 2>&1 &
  SERVER_PID=$!
  if ! wait_for_url "http://127.0.0.1:$port/readyz" 120 "$SERVER_PID"; then
    tail -n 40 "$log" >&2
    die "kindred did not become ready on port $port (log: $log)"
  fi
}

# Stops one process we started, by its id: TERM, then KILL after a grace period (default 10 s).
stop_pid() {
  local pid=${1:-} grace=${2:-10}
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((grace * 10)) ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
