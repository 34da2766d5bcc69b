#!/usr/bin/env bash
# The scale table of BENCHMARKS.md: whole-caseload commands, server start and a `check` under
# load, at 100k, 1M and 10M synthetic cases, with their times, CPU and memory.
#
#   scripts/scale-table.sh [--sizes 100000,1000000,10000000] [--dir /tmp/scale] [--runs 3]
#                          [--ops eligible,compare,impact,serve] [--duckdb] [--duration 10s]
#                          [--ready-timeout 900] [--revision REV] [--out PREFIX] BINARY
#
# Stores: DIR/synthetic-N.sqlite, seeded once (`corridor seed --reference --synthetic N --seed 1`,
# timed, its numbers kept in DIR/synthetic-N.seed.json) when missing, and never written to after:
# every command that may write (serve's read log, a migration, a derived image of the caseload)
# runs on a fresh copy, DIR/work/synthetic-N.sqlite, made anew (with everything beside it) for
# each operation and flushed to disk before it runs.
#
# For each size and operation (--ops; `seed` seeds a scratch store anew and deletes it; `--ops ''`
# only seeds the stores that are missing):
#   eligible  `eligible --to MEX --on 2025-09-01 --policy us-dvd-2025 --json --limit 0`
#   compare   `compare --policy us-dhs-2025 --policy unhcr-2013 --on 2025-09-01 --to MEX --limit 0`
#   impact    `impact --order DIR/court-order-slv.jsonl --limit 0` (a synthetic order blocking
#             removals to SLV)
#   the FIRST run on the fresh copy under /usr/bin/time -v (wall, user+sys CPU, max RSS; where a
#   build would make derived state), then `hyperfine --warmup 1 --runs R` on the same copy (wall
#   mean and min), then one more warm run under /usr/bin/time -v (CPU, max RSS). --runs 0: the
#   first run only (for the largest stores; no DuckDB rounds).
#   serve     `serve` on a fresh copy (an officer token made first) on a free port; /readyz polled
#   every 20 ms: seconds from spawn to the first answer and to the first 200, VmRSS and CPU then;
#   then `wrk -t2 -c64 -dDURATION --latency` on /api/v1/cases/SYN-…/check?to=MEX (random cases,
#   as scripts/bench-server.sh does): req/s, p50, p99, non-2xx, VmRSS after; then SIGTERM.
# --duckdb, at every size given: the export (`corridor export`, kept as DIR/synthetic-N.jsonl),
# the counts checked equal by scripts/duckdb-compare.sh, then one warm-up each and R rounds of
# `corridor eligible` and scripts/duckdb_eligible.py for the same question, interleaved (A B A B),
# each under /usr/bin/time -v.
#
# Prints a markdown table (size × operation: wall mean (min), CPU, max RSS, RSS per million
# cases) and writes PREFIX.md, PREFIX.json (raw numbers, machine, load) and PREFIX.records.jsonl
# (default PREFIX: DIR/scale-BINARYNAME). Needs hyperfine, wrk, curl, python3 and GNU time.
set -euo pipefail

sizes=100000,1000000,10000000 dir=/tmp/scale runs=3 ops=eligible,compare,impact,serve duckdb=0
duration=10s ready_timeout=900 revision="" out="" binary=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --ops) ops="$2"; shift 2 ;;
    --duckdb) duckdb=1; shift ;;
    --duration) duration="$2"; shift 2 ;;
    --ready-timeout) ready_timeout="$2"; shift 2 ;;
    --revision) revision="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "scale-table: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) [[ -z "$binary" ]] || { echo "scale-table: give one BINARY (got '$binary' and '$1')" >&2; exit 2; }
       binary="$1"; shift ;;
  esac
done
[[ -n "$binary" ]] || { echo "scale-table: give the corridor BINARY to measure (see --help)" >&2; exit 2; }
[[ -x "$binary" ]] || { echo "scale-table: no executable corridor binary at '$binary'" >&2; exit 2; }
binary_name="$(basename "$binary")" binary_given="$binary"
binary="$(realpath "$binary")"
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "scale-table: --runs must be a whole number (got '$runs')" >&2; exit 2; }
[[ "$ready_timeout" =~ ^[0-9]+$ ]] && (( ready_timeout >= 1 )) || { echo "scale-table: --ready-timeout must be a positive number of seconds (got '$ready_timeout')" >&2; exit 2; }
[[ "$duration" =~ ^[0-9]+[smh]?$ ]] || { echo "scale-table: --duration must look like 10s (got '$duration')" >&2; exit 2; }
IFS=, read -r -a size_list <<< "$sizes"
for n in "${size_list[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] && (( n >= 1 )) || { echo "scale-table: --sizes takes positive whole numbers, comma-separated (got '$n')" >&2; exit 2; }
done
IFS=, read -r -a op_list <<< "$ops"
for op in "${op_list[@]}"; do
  case "$op" in seed|eligible|compare|impact|serve) ;; *) echo "scale-table: --ops takes seed, eligible, compare, impact and serve, comma-separated (got '$op')" >&2; exit 2 ;; esac
done
for tool in hyperfine wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "scale-table: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "scale-table: GNU time is not installed at /usr/bin/time (apt-get install time)" >&2; exit 2; }

root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dir"
dir="$(realpath "$dir")"
work="$dir/work"
[[ -n "$out" ]] || out="$dir/scale-$binary_name"
records="$out.records.jsonl"
: > "$records"
on=2025-09-01
eligible_args=(eligible --to MEX --on "$on" --policy us-dvd-2025 --json --limit 0)
compare_args=(compare --policy us-dhs-2025 --policy unhcr-2013 --on "$on" --to MEX --limit 0)
order_file="$dir/court-order-slv.jsonl"
impact_args=(impact --order "$order_file" --limit 0)
# A proposed order in the record vocabulary (docs/records.md): removals to El Salvador blocked.
echo '{"type":"court-order","id":"SYN-SCALE-ORDER-SLV","court":"D. Synthetic","citation":"Synthetic v. Scale, No. 26-cv-00013 (synthetic, for measuring)","issuedOn":"2025-09-01","scope":{"destinations":["SLV"],"pathways":["removal"]},"effect":"block"}' > "$order_file"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now_ns() { date +%s%N; }
seconds_since() { python3 -c "print(round(($(now_ns) - $1) / 1e9, 3))"; }

# One measurement as a JSON line: record KEY=VALUE ... (numbers stay numbers, the rest strings).
record() {
  python3 - "$records" "$@" <<'EOF'
import json, sys
path, fields = sys.argv[1], {}
for pair in sys.argv[2:]:
    key, _, value = pair.partition("=")
    if value in ("true", "false"):
        fields[key] = value == "true"
        continue
    try:
        fields[key] = int(value)
    except ValueError:
        try:
            fields[key] = float(value)
        except ValueError:
            fields[key] = value
with open(path, "a") as file:
    file.write(json.dumps(fields) + "\n")
EOF
}

# GNU time's -v file -> "wall user sys rss_kb" (seconds, seconds, seconds, kB).
parse_time() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { r = $2 }
    END { printf "%s %s %s %s\n", w, u, s, r }' "$1"
}

# Runs a command under /usr/bin/time -v; prints "wall user sys rss_kb" with wall timed in ns.
# Returns the command's status; its output goes to FILE.out, its errors to FILE.err.
timed() {  # file command...
  local file="$1"; shift
  local started status=0
  started=$(now_ns)
  /usr/bin/time -v -o "$file.time" "$@" > "$file.out" 2> "$file.err" || status=$?
  local wall
  wall=$(seconds_since "$started")
  read -r _ user sys rss < <(parse_time "$file.time")
  echo "$wall $user $sys $rss"
  return "$status"
}

fresh_copy() {  # size -> path of a fresh copy of its store, alone in DIR/work
  local n="$1"
  rm -rf "$work"
  mkdir -p "$work"
  cp -p --reflink=auto "$dir/synthetic-$n.sqlite" "$work/synthetic-$n.sqlite"
  sync
  echo "$work/synthetic-$n.sqlite"
}

seed_store() {  # size target op-name
  local n="$1" target="$2" name="$3"
  rm -f "$target" "$target-wal" "$target-shm"
  log "seeding $n synthetic cases into $target"
  local result status=0
  result=$(timed "$work/seed" "$binary" seed --reference --synthetic "$n" --seed 1 --db "$target") || status=$?
  read -r wall user sys rss <<< "$result"
  if (( status != 0 )); then
    log "seeding $n cases failed (status $status): $(tail -3 "$work/seed.err")"
    record size="$n" op="$name" ok=false error="seed exited $status: $(tail -1 "$work/seed.err")" wall="$wall" user="$user" sys="$sys" rss_kb="$rss" load1="$(load1)"
    return 1
  fi
  local bytes
  bytes=$(stat -c %s "$target")
  record size="$n" op="$name" ok=true wall="$wall" user="$user" sys="$sys" rss_kb="$rss" store_bytes="$bytes" load1="$(load1)"
  log "seeded in ${wall}s, max RSS ${rss} kB, store $bytes bytes"
  printf '{"binary":"%s","wall":%s,"user":%s,"sys":%s,"rss_kb":%s,"store_bytes":%s,"on":"%s"}\n' \
    "$binary" "$wall" "$user" "$sys" "$rss" "$bytes" "$(date -u +%FT%TZ)" > "$target.seed.json.tmp"
}

ensure_store() {  # size
  local n="$1" store="$dir/synthetic-$n.sqlite"
  [[ -f "$store" ]] && return 0
  mkdir -p "$work"
  seed_store "$n" "$store.partial" seed || return 1
  mv "$store.partial.seed.json.tmp" "$dir/synthetic-$n.seed.json"
  mv "$store.partial" "$store"
}

# eligible, compare or impact: the first run on a fresh copy, hyperfine on the same copy, and
# one more warm run for CPU and memory.
measure_command() {  # size op args...
  local n="$1" op="$2"; shift 2
  local db result status=0
  db=$(fresh_copy "$n")
  log "$op, $n cases: first run on a fresh copy"
  result=$(timed "$work/$op-first" "$binary" "$@" --db "$db") || status=$?
  read -r wall user sys rss <<< "$result"
  if (( status != 0 )); then
    log "$op failed (status $status): $(tail -3 "$work/$op-first.err")"
    record size="$n" op="$op" run=first ok=false error="exited $status: $(tail -1 "$work/$op-first.err")" wall="$wall" user="$user" sys="$sys" rss_kb="$rss" load1="$(load1)"
    return 0
  fi
  record size="$n" op="$op" run=first ok=true wall="$wall" user="$user" sys="$sys" rss_kb="$rss" load1="$(load1)"
  log "  first: ${wall}s, CPU ${user}+${sys}s, max RSS ${rss} kB"
  [[ "$op" == eligible ]] && head -c 2000 "$work/$op-first.out" > "$dir/eligible-$n.json"
  (( runs > 0 )) || return 0
  local command
  command="$(printf '%q ' "$binary" "$@" --db "$db")"
  log "$op, $n cases: hyperfine --warmup 1 --runs $runs"
  if ! hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/$op-hyperfine.json" -n "$op" "$command" >&2; then
    record size="$n" op="$op" run=warm ok=false error="a warm run failed under hyperfine" load1="$(load1)"
    return 0
  fi
  read -r mean sd min max < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["mean"], r["stddev"] or 0, r["min"], r["max"])' "$work/$op-hyperfine.json")
  result=$(timed "$work/$op-warm" "$binary" "$@" --db "$db") || status=$?
  read -r wall user sys rss <<< "$result"
  record size="$n" op="$op" run=warm ok="$( (( status == 0 )) && echo true || echo false)" runs="$runs" mean="$mean" sd="$sd" min="$min" max="$max" \
    wall="$wall" user="$user" sys="$sys" rss_kb="$rss" load1="$(load1)"
  log "  warm: mean $(printf %.3f "$mean")s (min $(printf %.3f "$min")s); one more run: CPU ${user}+${sys}s, max RSS ${rss} kB"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
vmrss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_seconds() { python3 -c "import os; f = open('/proc/$1/stat').read().rsplit(')', 1)[1].split(); print(round((int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK'), 2))"; }

measure_serve() {  # size
  local n="$1" db token port
  db=$(fresh_copy "$n")
  token=$("$binary" token create --role officer --name scale-table --db "$db" 2> "$work/token.err" | head -1)
  sync
  port=$(free_port)
  cat > "$work/check.lua" <<EOF
-- A random one of the $n synthetic cases, judged for Mexico on $on.
math.randomseed(42)
request = function()
  local id = string.format("SYN-%07d", math.random(1, $n))
  return wrk.format("GET", "/api/v1/cases/" .. id .. "/check?to=MEX&on=$on", {["Authorization"] = "Bearer $token"})
end
EOF
  log "serve, $n cases: spawning on port $port, polling /readyz every 20 ms"
  local started pid code listen="" ready="" rss_ready="" cpu_ready="" elapsed
  started=$(now_ns)
  "$binary" serve --db "$db" --port "$port" > "$work/serve.log" 2>&1 &
  pid=$!
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz" || true)
    if [[ "$code" != 000 && -z "$listen" ]]; then listen=$(seconds_since "$started"); fi
    if [[ "$code" == 200 ]]; then
      ready=$(seconds_since "$started")
      rss_ready=$(vmrss_kb "$pid") cpu_ready=$(cpu_seconds "$pid")
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" || true
      log "serve exited before it was ready: $(tail -3 "$work/serve.log")"
      record size="$n" op=serve-ready ok=false error="exited before ready: $(tail -1 "$work/serve.log")" load1="$(load1)"
      return 0
    fi
    elapsed=$(( ($(now_ns) - started) / 1000000000 ))
    if (( elapsed >= ready_timeout )); then
      log "serve not ready after ${ready_timeout}s; stopping it"
      record size="$n" op=serve-ready ok=false error="not ready after ${ready_timeout}s" rss_kb="$(vmrss_kb "$pid")" load1="$(load1)"
      kill -TERM "$pid"; wait "$pid" || true
      return 0
    fi
    sleep 0.02
  done
  record size="$n" op=serve-ready ok=true wall="$ready" first_answer="$listen" cpu="$cpu_ready" rss_kb="$rss_ready" load1="$(load1)"
  log "  ready (/readyz 200) after ${ready}s (first answer ${listen}s), VmRSS ${rss_ready} kB, CPU ${cpu_ready}s"
  log "serve, $n cases: wrk -t2 -c64 -d$duration --latency on the check route"
  local cpu_before cpu_after
  cpu_before=$(cpu_seconds "$pid")
  wrk -t2 -c64 -d"$duration" --latency -s "$work/check.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
  cpu_after=$(cpu_seconds "$pid")
  local rss_after requests rate p50 p99 errors
  rss_after=$(vmrss_kb "$pid")
  kill -TERM "$pid"
  wait "$pid" || true
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
  record size="$n" op=serve-check ok=true duration="$duration" requests="$requests" rate="$rate" p50="$p50" p99="$p99" \
    non2xx="${errors:-0}" cpu="$(python3 -c "print(round($cpu_after - $cpu_before, 2))")" rss_kb="$rss_after" load1="$(load1)"
  log "  $rate req/s, p50 $p50, p99 $p99, non-2xx ${errors:-0}; VmRSS after ${rss_after} kB"
}

measure_duckdb() {  # size
  local n="$1" store="$dir/synthetic-$n.sqlite" export_file="$dir/synthetic-$n.jsonl" db
  local venv="${CORRIDOR_PEERS_VENV:-$HOME/.cache/corridor/peers-venv}"
  if [[ ! -f "$export_file" || "$export_file" -ot "$store" ]]; then
    db=$(fresh_copy "$n")
    log "exporting $n cases to $export_file"
    "$binary" export --db "$db" --out "$export_file.partial"
    mv "$export_file.partial" "$export_file"
  fi
  # duckdb-compare.sh exports DB to WORK/<name>.jsonl unless that file is newer than DB: the
  # copy keeps the store's time (cp -p), so it finds the export above.
  db=$(fresh_copy "$n")
  log "duckdb, $n cases: do the counts agree? (scripts/duckdb-compare.sh)"
  local agree=true
  if ! "$root/scripts/duckdb-compare.sh" --db "$db" --to MEX --on "$on" --policy us-dvd-2025 --work "$dir" "$binary" > "$work/agree.txt" 2>&1; then
    agree=false
  fi
  sed 's/^/  /' "$work/agree.txt" >&2
  local python="$venv/bin/python"
  [[ -x "$python" ]] || { log "no DuckDB environment at $venv"; record size="$n" op=duckdb ok=false error="no DuckDB at $venv" agree="$agree"; return 0; }
  local corridor_command=("$binary" "${eligible_args[@]}" --db "$db")
  local duckdb_command=("$python" "$root/scripts/duckdb_eligible.py" "$export_file" --to MEX --on "$on" --policy us-dvd-2025 --json)
  log "duckdb, $n cases: one warm-up each, then $runs interleaved rounds"
  timed "$work/c-warm" "${corridor_command[@]}" > /dev/null || { log "corridor eligible failed: $(tail -1 "$work/c-warm.err")"; return 0; }
  timed "$work/d-warm" "${duckdb_command[@]}" > /dev/null || { log "the DuckDB peer failed: $(tail -1 "$work/d-warm.err")"; return 0; }
  local round result
  for round in $(seq 1 "$runs"); do
    result=$(timed "$work/c-$round" "${corridor_command[@]}"); read -r wall user sys rss <<< "$result"
    record size="$n" op=duckdb-corridor round="$round" wall="$wall" user="$user" sys="$sys" rss_kb="$rss" load1="$(load1)"
    result=$(timed "$work/d-$round" "${duckdb_command[@]}"); read -r wall user sys rss <<< "$result"
    record size="$n" op=duckdb-peer round="$round" wall="$wall" user="$user" sys="$sys" rss_kb="$rss" load1="$(load1)"
  done
  record size="$n" op=duckdb-agree agree="$agree" export_bytes="$(stat -c %s "$export_file")"
}

# The machine and the binary.
load_start=$(loadavg)
started_at=$(date -u +%FT%TZ)
log "binary $binary ($(sha256sum "$binary" | cut -c1-12)), load average $load_start"
for n in "${size_list[@]}"; do
  if ! ensure_store "$n"; then log "no store of $n cases; skipping that size"; continue; fi
  for op in "${op_list[@]}"; do
    case "$op" in
      seed) mkdir -p "$work"; seed_store "$n" "$work/scratch-$n.sqlite" seed-scratch || true; rm -f "$work/scratch-$n.sqlite"* ;;
      eligible) measure_command "$n" eligible "${eligible_args[@]}" ;;
      compare) measure_command "$n" compare "${compare_args[@]}" ;;
      impact) measure_command "$n" impact "${impact_args[@]}" ;;
      serve) measure_serve "$n" ;;
    esac
  done
  (( duckdb && runs > 0 )) && measure_duckdb "$n"
  rm -rf "$work"
done
load_end=$(loadavg)

python3 - "$records" "$out" "$binary" "$binary_given" "$revision" "$started_at" "$load_start" "$load_end" "$dir" "$duration" <<'EOF'
import hashlib, json, os, statistics, subprocess, sys
records_path, out, binary, binary_given, revision, started_at, load_start, load_end, store_dir, duration = sys.argv[1:]
records = [json.loads(line) for line in open(records_path)]
cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
with open(binary, "rb") as file:
    digest = hashlib.sha256(file.read()).hexdigest()
machine = {"nproc": os.cpu_count(), "cpu": cpu_model, "memory_gib": round(mem_kb / 1024 / 1024, 1),
           "load_start": load_start, "load_end": load_end, "started": started_at}
stores = {}
for name in sorted(os.listdir(store_dir)):
    if name.startswith("synthetic-") and name.endswith(".seed.json"):
        size = int(name[len("synthetic-"):-len(".seed.json")])
        stores[size] = json.load(open(os.path.join(store_dir, name)))
        path = os.path.join(store_dir, f"synthetic-{size}.sqlite")
        if os.path.exists(path):
            stores[size]["store_bytes"] = os.path.getsize(path)

def mb(kb): return f"{kb / 1024:,.0f} MiB"
def per_million(kb, size): return f"{kb / 1024 / (size / 1e6):,.0f} MiB"
def cpu(r): return f"{r['user'] + r['sys']:.1f} s" if "user" in r else (f"{r['cpu']:.1f} s" if "cpu" in r else "")

rows = []
for size in sorted({r["size"] for r in records}):
    mine = [r for r in records if r["size"] == size]
    seeds = [r for r in mine if r["op"] in ("seed", "seed-scratch")]
    if not seeds and size in stores:
        seed = dict(stores[size], op="seed", ok=True, earlier=True)
        seeds = [seed]
    for r in seeds:
        note = f"store {r.get('store_bytes', 0) / 1e9:.2f} GB"
        if r.get("earlier"):
            note += f"; seeded earlier ({r['on']}) by {os.path.basename(r['binary'])}"
        if not r.get("ok", True):
            rows.append((size, "seed", "FAILED", "", "", "", r.get("error", "")))
            continue
        rows.append((size, "seed (again, scratch store)" if r["op"] == "seed-scratch" else "seed", f"{r['wall']:.1f} s", cpu(r), mb(r["rss_kb"]), per_million(r["rss_kb"], size), note))
    for op in ("eligible", "compare", "impact"):
        for r in (x for x in mine if x["op"] == op):
            label = f"{op} (first run, fresh copy)" if r["run"] == "first" else f"{op} (warm, {r['runs']} runs)"
            if not r["ok"]:
                rows.append((size, label, "FAILED", "", "", "", r.get("error", "")))
            elif r["run"] == "first":
                rows.append((size, label, f"{r['wall']:.2f} s", cpu(r), mb(r["rss_kb"]), per_million(r["rss_kb"], size), ""))
            else:
                rows.append((size, label, f"{r['mean']:.2f} s ({r['min']:.2f})", cpu(r), mb(r["rss_kb"]), per_million(r["rss_kb"], size),
                             f"± {r['sd']:.2f}; CPU and RSS from one more run"))
    for r in (x for x in mine if x["op"] == "serve-ready"):
        if not r["ok"]:
            rows.append((size, "serve: spawn to /readyz 200", "FAILED", "", "", "", r.get("error", "")))
        else:
            rows.append((size, "serve: spawn to /readyz 200", f"{r['wall']:.2f} s", cpu(r), mb(r["rss_kb"]), per_million(r["rss_kb"], size),
                         f"first answer at {r['first_answer']:.2f} s; RSS = VmRSS at ready"))
    for r in (x for x in mine if x["op"] == "serve-check"):
        rows.append((size, f"serve: check under load (wrk -t2 -c64 -d{r['duration']})", "", cpu(r), mb(r["rss_kb"]), per_million(r["rss_kb"], size),
                     f"{float(r['rate']):,.0f} req/s, p50 {r['p50']}, p99 {r['p99']}, non-2xx {r['non2xx']}; RSS = VmRSS after"))
    for who, label in (("duckdb-corridor", "duckdb round: corridor eligible"), ("duckdb-peer", "duckdb round: DuckDB peer (JSON Lines)")):
        runs = [x for x in mine if x["op"] == who]
        if runs:
            walls = [x["wall"] for x in runs]
            rows.append((size, label, f"{statistics.mean(walls):.2f} s ({min(walls):.2f})",
                         f"{statistics.mean(x['user'] + x['sys'] for x in runs):.1f} s", mb(max(x["rss_kb"] for x in runs)),
                         per_million(max(x["rss_kb"] for x in runs), size), f"{len(runs)} interleaved rounds"))
    for r in (x for x in mine if x["op"] == "duckdb-agree"):
        c = [x["wall"] for x in mine if x["op"] == "duckdb-corridor"]
        d = [x["wall"] for x in mine if x["op"] == "duckdb-peer"]
        ratio = f"; DuckDB / corridor {statistics.mean(d) / statistics.mean(c):.2f} (means)" if c and d else ""
        rows.append((size, "duckdb: counts agree with eligible", "yes" if r["agree"] else "NO", "", "", "",
                     f"export {r['export_bytes'] / 1e6:,.0f} MB{ratio}"))

head = [f"Binary: `{binary_given}` → `{binary}` (sha256 {digest[:12]}; revision {revision or 'not given'}).",
        f"Machine: {machine['nproc']} cores, {cpu_model}, {machine['memory_gib']} GiB; load average {load_start} at the start ({started_at}), {load_end} at the end.",
        "Wall: one run, or hyperfine's mean (min); CPU: user+sys of the process (serve: to ready, and during the load); RSS: GNU time's maximum, or VmRSS for serve.",
        ""]
table = ["| cases | operation | wall mean (min) | CPU | max RSS | RSS per M cases | notes |", "|---|---|---|---|---|---|---|"]
table += [f"| {size:,} | {op} | {wall} | {c} | {rss} | {pm} | {note} |" for size, op, wall, c, rss, pm, note in rows]
text = "\n".join(head + table) + "\n"
open(out + ".md", "w").write(text)
json.dump({"binary": binary, "sha256": digest, "revision": revision or None, "machine": machine, "stores": stores,
           "records": records}, open(out + ".json", "w"), indent=2)
print(text)
print(f"(written to {out}.md and {out}.json)")
EOF
