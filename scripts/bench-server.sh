#!/usr/bin/env bash
# The server benchmark of BENCHMARKS.md, reproducible: a 1M-case store, `corridor serve` on it,
# `wrk -t2 -c64 --latency` on loopback against one route, the server's CPU time per request.
#
#   scripts/bench-server.sh [--cases N] [--rounds R] [--duration 20s] [--route check|ping|policy]
#                           [--stores sqlite,pg,pg2 --pg postgres://USER@HOST:PORT/DB?sslmode=disable] [BINARY ...]
#
# --stores: `sqlite` (the default), `pg` (one instance on PostgreSQL), `pg2` (two instances on
# one PostgreSQL database: wrk's two threads each hold half the connections, on one instance
# each, set in the Lua script's setup(), so one latency distribution covers both). PostgreSQL
# needs --pg, a cluster on which the script keeps databases `corridor_bench_<cases>` (seeded
# once, then a template) and `corridor_bench_work` (a fresh copy per run), with createdb, dropdb
# and psql from /usr/lib/postgresql/*/bin (scripts/pg.sh start makes one and prints its URL).
#
# With several binaries or stores the runs are interleaved (A B A B …), so that a shared machine
# whose speed drifts treats each alike. Without a binary, it builds `swift build -c release` and
# uses .build/release/corridor. Every run starts from a fresh copy of the same seeded store
# (the read log grows the store by ~40 bytes per request, and a larger log is slower to append
# to), flushed to disk first so that write-back of the copy does not land inside the run.
#
# This host's speed drifts by up to half from minute to minute, so each result carries two
# readings of it: `host-ms`, the best of three timings of a fixed CPU loop (awk) taken just
# before the server starts (lower is faster), and `ping/s`, /ping loaded for 5 s on the same
# server(s) just before the measured run (the HTTP stack's ceiling at that moment); and the
# one-minute load average when the run ended. `cpu-µs` is the Corridor processes' CPU time per
# request (PostgreSQL's own is not counted).
#
# Needs wrk (Debian package `wrk`). Work files go to $BENCH_DIR (default /tmp/corridor-bench).
set -euo pipefail

cases=1000000 rounds=3 duration=20s route=check binaries=() stores=sqlite pg_url=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cases) cases="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --route) route="$2"; shift 2 ;;
    --stores) stores="$2"; shift 2 ;;
    --pg) pg_url="$2"; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench-server: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) binaries+=("$(realpath "$1")"); shift ;;
  esac
done
case "$route" in check|ping|policy) ;; *) echo "bench-server: --route must be check, ping or policy (got '$route')" >&2; exit 2 ;; esac
[[ "$cases" =~ ^[0-9]+$ ]] && (( cases >= 1 )) || { echo "bench-server: --cases must be a positive number (got '$cases')" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench-server: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
IFS=, read -r -a store_list <<< "$stores"
uses_sqlite=false uses_pg=false
for kind in "${store_list[@]}"; do
  case "$kind" in
    sqlite) uses_sqlite=true ;;
    pg|pg2) uses_pg=true ;;
    *) echo "bench-server: --stores takes sqlite, pg and pg2, comma-separated (got '$kind')" >&2; exit 2 ;;
  esac
done
if $uses_pg; then
  [[ -n "$pg_url" ]] || { echo "bench-server: --stores pg or pg2 needs --pg postgres://USER@HOST:PORT/DB (scripts/pg.sh start prints one)" >&2; exit 2; }
  pg_re='^(postgres|postgresql)://([^:@/]+)(:([^@]*))?@([^:/]+)(:([0-9]+))?/([^?]+)(\?(.*))?$'
  [[ "$pg_url" =~ $pg_re ]] || { echo "bench-server: --pg must look like postgres://USER@HOST:PORT/DB?sslmode=disable" >&2; exit 2; }
  pg_user="${BASH_REMATCH[2]}" pg_password="${BASH_REMATCH[4]}" pg_host="${BASH_REMATCH[5]}" pg_port="${BASH_REMATCH[7]:-5432}" pg_query="${BASH_REMATCH[10]}"
  [[ -n "$pg_password" ]] && export PGPASSWORD="$pg_password"
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
  [[ -n "$pg_bin" && -x "$pg_bin/createdb" ]] || { echo "bench-server: PostgreSQL's client programs are not installed (/usr/lib/postgresql/*/bin)" >&2; exit 2; }
fi
pg_db_url() { echo "postgres://$pg_user${pg_password:+:$pg_password}@$pg_host:$pg_port/$1${pg_query:+?$pg_query}"; }
pg_tool() { local tool="$1"; shift; "$pg_bin/$tool" -h "$pg_host" -p "$pg_port" -U "$pg_user" "$@"; }

root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ ${#binaries[@]} -eq 0 ]]; then
  (cd "$root" && swift build -c release --product corridor >&2)
  binaries=("$root/.build/release/corridor")
fi

dir="${BENCH_DIR:-/tmp/corridor-bench}"
mkdir -p "$dir"
store="$dir/pristine-$cases.sqlite"
sqlite_token=""
if $uses_sqlite; then
  if [[ ! -f "$store" ]]; then
    echo "seeding $cases synthetic cases into $store (once)" >&2
    "${binaries[0]}" seed --db "$store.tmp" --reference --synthetic "$cases" --seed 1 >&2
    "${binaries[0]}" token create --role officer --name bench --db "$store.tmp" | head -1 > "$store.token"
    mv "$store.tmp" "$store"
  fi
  sqlite_token="$(cat "$store.token")"
fi
pristine_pg="corridor_bench_$cases"
pg_token=""
if $uses_pg; then
  if [[ "$(pg_tool psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$pristine_pg'")" != 1 ]]; then
    echo "seeding $cases synthetic cases into PostgreSQL database $pristine_pg (once)" >&2
    seeding="${pristine_pg}_seeding"
    pg_tool dropdb --if-exists "$seeding"
    pg_tool createdb "$seeding"
    "${binaries[0]}" migrate --db "$(pg_db_url "$seeding")" >&2
    "${binaries[0]}" seed --db "$(pg_db_url "$seeding")" --reference --synthetic "$cases" --seed 1 >&2
    "${binaries[0]}" token create --role officer --name bench --db "$(pg_db_url "$seeding")" | head -1 > "$dir/$pristine_pg.token"
    pg_tool psql -d "$seeding" -qc "VACUUM ANALYZE" >/dev/null
    pg_tool psql -d postgres -qc "ALTER DATABASE $seeding RENAME TO $pristine_pg"
  fi
  pg_token="$(cat "$dir/$pristine_pg.token")"
fi
port=8282

# The route's wrk script for a token and the instances' ports: with two ports, wrk's threads
# alternate between them (each thread's connections all go to one instance).
write_lua() {  # file route token port...
  local file="$1" which="$2" token="$3"; shift 3
  local ports
  ports=$(IFS=,; echo "$*")
  {
    echo "-- wrk's threads spread over the instances' ports: ${ports}."
    echo "local ports, threads = {$ports}, 0"
    echo 'function setup(thread)'
    echo '  threads = threads + 1'
    echo '  thread.addr = wrk.lookup("127.0.0.1", tostring(ports[(threads - 1) % #ports + 1]))[1]'
    echo 'end'
    case "$which" in
      check)
        echo "-- A random one of the $cases synthetic cases, judged for Mexico on 2025-09-01."
        echo 'math.randomseed(42)'
        echo 'request = function()'
        echo "  local id = string.format(\"SYN-%07d\", math.random(1, $cases))"
        echo "  return wrk.format(\"GET\", \"/api/v1/cases/\" .. id .. \"/check?to=MEX&on=2025-09-01\", {[\"Authorization\"] = \"Bearer $token\"})"
        echo 'end'
        ;;
      policy) echo "request = function() return wrk.format(\"GET\", \"/api/v1/policy\", {[\"Authorization\"] = \"Bearer $token\"}) end" ;;
      ping) echo 'request = function() return wrk.format("GET", "/ping") end' ;;
    esac
  } > "$file"
}

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

wait_loaded() {  # pid log: until its caseload is in memory, then its home page figures
  local pid="$1" log="$2"
  for _ in $(seq 1 180); do grep -q "caseload in memory" "$log" && break; sleep 1; done
  grep -q "caseload in memory" "$log" || { kill "$pid"; echo "bench-server: the server did not load its caseload; see $log" >&2; exit 1; }
  # Then the home page's figures (builds since session 3 work them out at start; older ones
  # never log this line, and are measured after the wait).
  for _ in $(seq 1 30); do grep -q "home page figures" "$log" && break; sleep 1; done
}

run() {  # binary store -> one result line
  local binary="$1" kind="$2" db token ports=("$port")
  if [[ "$kind" == sqlite ]]; then
    db="$dir/work.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$store" "$db"
    token="$sqlite_token"
  else
    pg_tool dropdb --if-exists corridor_bench_work
    pg_tool createdb -T "$pristine_pg" corridor_bench_work
    pg_tool psql -d corridor_bench_work -qc "CHECKPOINT" >/dev/null
    db="$(pg_db_url corridor_bench_work)"
    token="$pg_token"
    [[ "$kind" == pg2 ]] && ports=("$port" "$((port + 1))")
  fi
  sync
  write_lua "$dir/$route-$kind.lua" "$route" "$token" "${ports[@]}"
  write_lua "$dir/ping-$kind.lua" ping "$token" "${ports[@]}"
  local host
  host=$(host_ms)
  local pids=() n
  for n in "${!ports[@]}"; do
    "$binary" serve --db "$db" --port "${ports[$n]}" > "$dir/serve-$n.log" 2>&1 &
    pids+=($!)
  done
  for n in "${!pids[@]}"; do wait_loaded "${pids[$n]}" "$dir/serve-$n.log"; done
  sleep 1
  local ceiling="-"
  if [[ "$route" != ping ]]; then
    wrk -t2 -c64 -d5s -s "$dir/ping-$kind.lua" "http://127.0.0.1:$port" > "$dir/wrk-ping.txt"
    ceiling=$(awk '/Requests\/sec/ {printf "%d", $2}' "$dir/wrk-ping.txt")
  fi
  cpu_ticks() { local total=0 pid; for pid in "${pids[@]}"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$total"; }
  local before after
  before=$(cpu_ticks)
  wrk -t2 -c64 -d"$duration" --latency -s "$dir/$route-$kind.lua" "http://127.0.0.1:$port" > "$dir/wrk.txt"
  after=$(cpu_ticks)
  for n in "${!pids[@]}"; do kill -INT "${pids[$n]}"; done
  for n in "${!pids[@]}"; do wait "${pids[$n]}" || true; done
  local requests rate p50 p90 p99 errors ticks
  requests=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
  rate=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk.txt")
  p90=$(awk '$1 == "90%" {print $2}' "$dir/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $NF}' "$dir/wrk.txt")
  ticks=$(getconf CLK_TCK)
  printf '%-44s %-6s %10s %8s %8s %8s %8s %6s %8s %8s %6s\n' "$binary" "$kind" "$rate" "$p50" "$p90" "$p99" \
    "$(( (after - before) * 1000000 / ticks / requests ))" "${errors:-0}" "$ceiling" "$host" "$(cut -d' ' -f1 /proc/loadavg)"
}

printf '%-44s %-6s %10s %8s %8s %8s %8s %6s %8s %8s %6s\n' binary store "req/s" p50 p90 p99 "cpu-µs" non2xx "ping/s" "host-ms" load1
for _ in $(seq 1 "$rounds"); do
  for binary in "${binaries[@]}"; do
    for kind in "${store_list[@]}"; do run "$binary" "$kind"; done
  done
done
