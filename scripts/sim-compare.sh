#!/usr/bin/env bash
# `corridor simulate` beside a SimPy implementation of the same model (scripts/simpy_peer.py):
# do they agree, and how much faster is Corridor?
#
#   scripts/sim-compare.sh [--corridor-runs R] [--simpy-runs P] [--seed S] [--bench N] [--no-check] [BINARY]
#
# 1. Runs `corridor simulate --scenario network-2025 --runs R --seed S --json` (default R 20) and
#    the SimPy peer with P replications (default 5) of the same bundled scenario file, and
#    checks every summary output, byArrangement included: the two 95% intervals must overlap.
#    Exits 1 when any output disagrees.
# 2. With --bench N: times one replication of each (seed S) with hyperfine, N runs each after
#    one warm-up, in the same run, and prints the ratio of the mean times.
#
# BINARY defaults to .build/release/corridor (built with `swift build -c release --product
# corridor` when missing). SimPy is installed from PyPI into a virtual environment at
# $CORRIDOR_PEERS_VENV (default ~/.cache/corridor/peers-venv) when it is missing there.
set -euo pipefail

corridor_runs=20 simpy_runs=5 seed=1 bench=0 check=1 binary=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corridor-runs) corridor_runs="$2"; shift 2 ;;
    --simpy-runs) simpy_runs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --no-check) check=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "sim-compare: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) binary="$(realpath "$1")"; shift ;;
  esac
done
for value in "$corridor_runs" "$simpy_runs" "$seed" "$bench"; do
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "sim-compare: '$value' is not a whole number" >&2; exit 2; }
done
(( corridor_runs >= 2 && simpy_runs >= 2 )) || { echo "sim-compare: intervals need at least 2 replications on each side" >&2; exit 2; }

root="$(cd "$(dirname "$0")/.." && pwd)"
scenario="$root/Sources/CorridorSimulation/Resources/scenarios/network-2025.json"
if [[ -z "$binary" ]]; then
  binary="$root/.build/release/corridor"
  [[ -x "$binary" ]] || (cd "$root" && swift build -c release --product corridor >&2)
fi
[[ -x "$binary" ]] || { echo "sim-compare: no corridor binary at $binary" >&2; exit 2; }

venv="${CORRIDOR_PEERS_VENV:-$HOME/.cache/corridor/peers-venv}"
if ! "$venv/bin/python" -c 'import simpy' 2>/dev/null; then
  echo "sim-compare: installing SimPy into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet simpy
fi
python="$venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if (( check )); then
  echo "== corridor simulate: $corridor_runs replications, seed $seed"
  "$binary" simulate "$scenario" --runs "$corridor_runs" --seed "$seed" --json > "$work/corridor.json"
  echo "== SimPy peer: $simpy_runs replications, seed $seed, checked against it"
  "$python" "$root/scripts/simpy_peer.py" "$scenario" --runs "$simpy_runs" --seed "$seed" --compare "$work/corridor.json"
fi

if (( bench > 0 )); then
  command -v hyperfine >/dev/null || { echo "sim-compare: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
  echo "== one replication each, hyperfine --warmup 1 --runs $bench"
  hyperfine --warmup 1 --runs "$bench" --export-json "$work/times.json" \
    -n corridor "$binary simulate $scenario --runs 1 --seed $seed --json" \
    -n simpy "$python $root/scripts/simpy_peer.py $scenario --runs 1 --seed $seed --json"
  "$python" - "$work/times.json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
c, s = results["corridor"], results["simpy"]
print(f"corridor {c['mean']:.3f} s ± {c['stddev']:.3f} (min {c['min']:.3f}), "
      f"SimPy {s['mean']:.2f} s ± {s['stddev']:.2f} (min {s['min']:.2f})")
print(f"ratio of means: {s['mean'] / c['mean']:.0f}x; ratio of minimums: {s['min'] / c['min']:.0f}x")
EOF
fi
