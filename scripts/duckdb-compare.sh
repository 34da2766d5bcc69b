#!/usr/bin/env bash
# `corridor eligible` beside the same gates as SQL in DuckDB (scripts/duckdb_eligible.py), on the
# same store: do the counts agree, and how long does each take as a whole cold process?
#
#   scripts/duckdb-compare.sh (--db STORE | --cases N) [--to ISO3 ...] [--on WHEN] [--policy ID]
#                             [--bench RUNS] [--work DIR] [BINARY]
#
# --db uses an existing store; --cases N seeds one (`corridor seed --reference --synthetic N
# --seed 1`) in the work directory, or reuses the one a previous run seeded there. The store is
# exported once (`corridor export`) to JSON Lines, which the DuckDB peer reads. For every
# destination (default MEX, SLV and SWZ), on WHEN (default 2025-09-01) under the profile (default
# us-dvd-2025), the total, the counts by verdict and every gate's blocked and waiting counts
# must be equal; the script exits 1 when any differs.
#
# --bench RUNS then times, with hyperfine (one warm-up, RUNS runs each, in the same run), a new
# process of each answering for the first destination: `corridor eligible --db STORE` and the
# peer over the exported file. The files stay in the page cache between runs (warm disk, cold
# process). Prints both means and their ratio.
#
# BINARY defaults to .build/release/corridor (built when missing). DuckDB is installed from PyPI
# into $CORRIDOR_PEERS_VENV (default ~/.cache/corridor/peers-venv) when missing. Work files go
# to --work (default /tmp/corridor-duckdb).
set -euo pipefail

db="" cases="" destinations=() on="2025-09-01" policy="us-dvd-2025" bench=0 work="/tmp/corridor-duckdb" binary=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) db="$(realpath "$2")"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    --to) destinations+=("$2"); shift 2 ;;
    --on) on="$2"; shift 2 ;;
    --policy) policy="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "duckdb-compare: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) binary="$(realpath "$1")"; shift ;;
  esac
done
[[ -n "$db" || -n "$cases" ]] || { echo "duckdb-compare: give --db STORE or --cases N" >&2; exit 2; }
[[ -z "$db" || -z "$cases" ]] || { echo "duckdb-compare: give --db or --cases, not both" >&2; exit 2; }
[[ -z "$cases" || "$cases" =~ ^[0-9]+$ ]] || { echo "duckdb-compare: --cases must be a whole number (got '$cases')" >&2; exit 2; }
[[ "$bench" =~ ^[0-9]+$ ]] || { echo "duckdb-compare: --bench must be a whole number (got '$bench')" >&2; exit 2; }
[[ ${#destinations[@]} -gt 0 ]] || destinations=(MEX SLV SWZ)

root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z "$binary" ]]; then
  binary="$root/.build/release/corridor"
  [[ -x "$binary" ]] || (cd "$root" && swift build -c release --product corridor >&2)
fi
[[ -x "$binary" ]] || { echo "duckdb-compare: no corridor binary at $binary" >&2; exit 2; }

venv="${CORRIDOR_PEERS_VENV:-$HOME/.cache/corridor/peers-venv}"
if ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
  echo "duckdb-compare: installing DuckDB into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet duckdb
fi
python="$venv/bin/python"
mkdir -p "$work"

if [[ -n "$cases" ]]; then
  db="$work/synthetic-$cases.sqlite"
  if [[ ! -f "$db" ]]; then
    echo "== seeding $cases synthetic cases into $db"
    "$binary" seed --db "$db.partial" --reference --synthetic "$cases" --seed 1
    mv "$db.partial" "$db"
  fi
fi
[[ -f "$db" ]] || { echo "duckdb-compare: no store at $db" >&2; exit 2; }
export_file="$work/$(basename "$db" .sqlite).jsonl"
if [[ ! -f "$export_file" || "$export_file" -ot "$db" ]]; then
  echo "== exporting $db to $export_file"
  "$binary" export --db "$db" --out "$export_file.partial"
  mv "$export_file.partial" "$export_file"
fi

echo "== counts on $on under $policy"
to_args=()
for destination in "${destinations[@]}"; do to_args+=(--to "$destination"); done
"$python" "$root/scripts/duckdb_eligible.py" "$export_file" "${to_args[@]}" --on "$on" --policy "$policy" --json > "$work/peer.jsonl"
for destination in "${destinations[@]}"; do
  "$binary" eligible --db "$db" --to "$destination" --on "$on" --policy "$policy" --json --limit 0
done > "$work/corridor.jsonl.tmp"
# `eligible --json` prints one pretty document per destination: split them.
"$python" - "$work/corridor.jsonl.tmp" "$work/peer.jsonl" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
decoder, position, corridor = json.JSONDecoder(), 0, []
while position < len(text):
    while position < len(text) and text[position].isspace():
        position += 1
    if position == len(text):
        break
    value, position = decoder.raw_decode(text, position)
    corridor.append(value)
peer = [json.loads(line) for line in open(sys.argv[2])]
keys = ["total", "allowedCount", "pendingCount", "blockedCount", "failing", "waiting"]
failures = 0
for ours, theirs in zip(peer, corridor):
    assert ours["destination"] == theirs["destination"]
    differences = {k: (ours[k], theirs[k]) for k in keys if ours[k] != theirs[k]}
    print(f"{ours['destination']}: {theirs['total']:,} cases, allowed {theirs['allowedCount']:,}, pending {theirs['pendingCount']:,}, "
          f"blocked {theirs['blockedCount']:,}; {len(theirs['failing'])} gates block, {len(theirs['waiting'])} wait: "
          + ("agree" if not differences else f"DISAGREE {differences}"))
    failures += bool(differences)
if len(peer) != len(corridor):
    print(f"expected {len(corridor)} answers from the peer, got {len(peer)}")
    failures += 1
if failures:
    sys.exit(f"duckdb-compare: {failures} destination(s) disagree")
print("duckdb-compare: every count agrees with corridor eligible")
EOF

if (( bench > 0 )); then
  command -v hyperfine >/dev/null || { echo "duckdb-compare: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
  first="${destinations[0]}"
  echo "== whole processes, $first, hyperfine --warmup 1 --runs $bench"
  hyperfine --warmup 1 --runs "$bench" --export-json "$work/times.json" \
    -n corridor "$binary eligible --db $db --to $first --on $on --policy $policy --json --limit 0" \
    -n duckdb "$python $root/scripts/duckdb_eligible.py $export_file --to $first --on $on --policy $policy --json"
  "$python" - "$work/times.json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
c, d = results["corridor"], results["duckdb"]
print(f"corridor eligible {c['mean']:.2f} s ± {c['stddev']:.2f} (min {c['min']:.2f}); "
      f"DuckDB {d['mean']:.2f} s ± {d['stddev']:.2f} (min {d['min']:.2f})")
print(f"DuckDB time / corridor time: {d['mean'] / c['mean']:.2f} (means), {d['min'] / c['min']:.2f} (minimums)")
EOF
fi
