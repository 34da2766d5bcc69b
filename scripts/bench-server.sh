#!/usr/bin/env bash
# The server benchmark of BENCHMARKS.md, reproducible: a 1M-case store, `corridor serve` on it,
# `wrk -t2 -c64 --latency` on loopback against one route, the server's CPU time per request.
#
#   scripts/bench-server.sh [--cases N] [--rounds R] [--duration 20s] [--route check|ping|policy] [BINARY ...]
#
# With several binaries the runs are interleaved (A B A B …), so that a shared machine whose
# speed drifts treats each build alike. Without one, it builds `swift build -c release` and
# uses .build/release/corridor. Every run starts from a fresh copy of the same seeded store
# (the read log grows the store by ~40 bytes per request, and a larger log is slower to append
# to), flushed to disk first so that write-back of the copy does not land inside the run.
#
# This host's speed drifts by up to half from minute to minute, so each result carries two
# readings of it: `host-ms`, the best of three timings of a fixed CPU loop (awk) taken just
# before the server starts (lower is faster), and `ping/s`, /ping loaded for 5 s on the same
# server just before the measured run (the HTTP stack's ceiling at that moment).
#
# Needs wrk (Debian package `wrk`). Work files go to $BENCH_DIR (default /tmp/corridor-bench).
set -euo pipefail

cases=1000000 rounds=3 duration=20s route=check binaries=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cases) cases="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --route) route="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench-server: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) binaries+=("$(realpath "$1")"); shift ;;
  esac
done
case "$route" in check|ping|policy) ;; *) echo "bench-server: --route must be check, ping or policy (got '$route')" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { echo "bench-server: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ ${#binaries[@]} -eq 0 ]]; then
  (cd "$root" && swift build -c release --product corridor >&2)
  binaries=("$root/.build/release/corridor")
fi

dir="${BENCH_DIR:-/tmp/corridor-bench}"
mkdir -p "$dir"
store="$dir/pristine-$cases.sqlite"
if [[ ! -f "$store" ]]; then
  echo "seeding $cases synthetic cases into $store (once)" >&2
  "${binaries[0]}" seed --db "$store.tmp" --reference --synthetic "$cases" --seed 1 >&2
  "${binaries[0]}" token create --role officer --name bench --db "$store.tmp" | head -1 > "$store.token"
  mv "$store.tmp" "$store"
fi
token="$(cat "$store.token")"
port=8282

cat > "$dir/check.lua" <<EOF
-- A random one of the $cases synthetic cases, judged for Mexico on 2025-09-01.
math.randomseed(42)
request = function()
  local id = string.format("SYN-%07d", math.random(1, $cases))
  return wrk.format("GET", "/api/v1/cases/" .. id .. "/check?to=MEX&on=2025-09-01", {["Authorization"] = "Bearer $token"})
end
EOF
cat > "$dir/policy.lua" <<EOF
request = function() return wrk.format("GET", "/api/v1/policy", {["Authorization"] = "Bearer $token"}) end
EOF
cat > "$dir/ping.lua" <<EOF
request = function() return wrk.format("GET", "/ping") end
EOF

host_ms() {  # the best of three timings of a fixed CPU loop, in ms
  local best=999999 started elapsed
  for _ in 1 2 3; do
    started=$(date +%s%N)
    awk 'BEGIN { for (i = 0; i < 1e7; i++) s += i }'
    elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
    (( elapsed < best )) && best=$elapsed
  done
  echo "$best"
}

run() {  # binary -> one result line
  local binary="$1" work="$dir/work.sqlite" log="$dir/serve.log"
  rm -f "$work" "$work-wal" "$work-shm"
  cp "$store" "$work"
  sync
  local host
  host=$(host_ms)
  "$binary" serve --db "$work" --port "$port" > "$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 180); do grep -q "caseload in memory" "$log" && break; sleep 1; done
  grep -q "caseload in memory" "$log" || { kill "$pid"; echo "bench-server: the server did not load its caseload; see $log" >&2; exit 1; }
  # Then the home page's figures (builds since session 3 work them out at start; older ones
  # never log this line, and are measured after the wait).
  for _ in $(seq 1 30); do grep -q "home page figures" "$log" && break; sleep 1; done
  sleep 1
  local ceiling="-"
  if [[ "$route" != ping ]]; then
    wrk -t2 -c64 -d5s -s "$dir/ping.lua" "http://127.0.0.1:$port" > "$dir/wrk-ping.txt"
    ceiling=$(awk '/Requests\/sec/ {printf "%d", $2}' "$dir/wrk-ping.txt")
  fi
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  wrk -t2 -c64 -d"$duration" --latency -s "$dir/$route.lua" "http://127.0.0.1:$port" > "$dir/wrk.txt"
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill -INT "$pid"; wait "$pid" || true
  local requests rate p50 p90 p99 errors ticks
  requests=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
  rate=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk.txt")
  p90=$(awk '$1 == "90%" {print $2}' "$dir/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $NF}' "$dir/wrk.txt")
  ticks=$(getconf CLK_TCK)
  printf '%-44s %10s %8s %8s %8s %8s %6s %8s %8s\n' "$binary" "$rate" "$p50" "$p90" "$p99" \
    "$(( (after - before) * 1000000 / ticks / requests ))" "${errors:-0}" "$ceiling" "$host"
}

printf '%-44s %10s %8s %8s %8s %8s %6s %8s %8s\n' binary "req/s" p50 p90 p99 "cpu-µs" non2xx "ping/s" "host-ms"
for _ in $(seq 1 "$rounds"); do
  for binary in "${binaries[@]}"; do run "$binary"; done
done
