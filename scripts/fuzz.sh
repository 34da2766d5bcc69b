#!/usr/bin/env bash
# Coverage-guided fuzzing of the JSON parser and the record decoder (libFuzzer with
# AddressSanitizer, from the Swift toolchain), seeded with every valid and refused line the
# tests know and every line of the reference network.
#
#   scripts/fuzz.sh [SECONDS]      # default 60; CI runs a short one, longer runs are by hand
#
# A crash leaves its input in .build-fuzz/crash-* and fails; add that input to
# Fuzz/regressions/ (committed) once fixed: every file there is replayed first on each run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] && (( seconds >= 1 && seconds <= 86400 )) || { echo "usage: scripts/fuzz.sh [SECONDS 1-86400]" >&2; exit 2; }
out=.build-fuzz
mkdir -p "$out/corpus"

rm -f "$out/record-fuzzer"
echo "== fuzz: building the target with -sanitize=fuzzer,address"
swiftc -swift-version 6 -enable-upcoming-feature ExistentialAny -parse-as-library -O -g \
  -sanitize=fuzzer,address -module-name CorridorFuzz \
  $(find Sources/CorridorDomain -name '*.swift' | sort) Fuzz/RecordFuzzer.swift -o "$out/record-fuzzer" 2>&1 \
  | grep -v "warning: Cannot export local symbol" || true
[ -x "$out/record-fuzzer" ] || { echo "fuzz: the target did not build" >&2; exit 1; }

# Seeds: the validation fixtures' records (valid and refused) and the reference network, a line each.
python3 - "$out/corpus" <<'PY'
import json, os, sys, hashlib
corpus = sys.argv[1]
lines = []
with open("Tests/CorridorDomainTests/Fixtures/record-validation.jsonl") as f:
    for line in f:
        if line.strip():
            case = json.loads(line)
            lines.append(case["text"] if "text" in case else json.dumps(case["record"]))
with open("Sources/CorridorStore/Resources/reference-network.jsonl") as f:
    lines += [line.rstrip("\n") for line in f if line.strip()]
for line in lines:
    name = hashlib.sha1(line.encode()).hexdigest()
    with open(os.path.join(corpus, name), "w") as out:
        out.write(line)
print(f"== fuzz: {len(lines)} seed lines")
PY

if compgen -G "Fuzz/regressions/*" >/dev/null; then
  echo "== fuzz: replaying Fuzz/regressions/"
  "$out/record-fuzzer" Fuzz/regressions/*
fi

echo "== fuzz: running for ${seconds} s"
"$out/record-fuzzer" "$out/corpus" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$out/" -print_final_stats=1 2>&1 | tee "$out/last-run.log" | grep -E '^(#[0-9]+ +(INITED|DONE)|stat::|==|SUMMARY)' || true
grep -q "^Done\|DONE" "$out/last-run.log" || { echo "fuzz: the run did not finish cleanly (see $out/last-run.log)" >&2; exit 1; }
echo "== fuzz: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/last-run.log" | grep -o '[0-9]*$') inputs, no crash"
