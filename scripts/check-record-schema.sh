#!/usr/bin/env bash
# Holds `corridor schema records` to a standard validator: check-jsonschema (from PyPI) checks
# that the schema is valid JSON Schema, that every line of `corridor export` of the store given
# validates against it, that every line of the bad-record fixtures is refused, and that it
# accepts and refuses exactly what Corridor's decoder does on the test suite's probes (every
# field of every record type, absent, null, at and beyond its limits).
#
#   scripts/check-record-schema.sh STORE.sqlite
#
# CORRIDOR names the command to run (default: swift run -q corridor); SWIFT_TEST the test
# command (default: swift test --skip-build).
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:?usage: scripts/check-record-schema.sh STORE.sqlite}
corridor=${CORRIDOR:-swift run -q corridor}
swift_test=${SWIFT_TEST:-swift test --skip-build}
bad_fixture=Tests/CorridorDomainTests/Fixtures/bad-records.jsonl

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Into a folder of its own: no virtual environment module needed, nothing installed system-wide.
PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 \
  python3 -m pip install --quiet --target "$work/python" 'check-jsonschema>=0.28,<1'
check() { PYTHONPATH="$work/python" python3 -m check_jsonschema "$@"; }

$corridor schema records > "$work/records.schema.json"
check --check-metaschema "$work/records.schema.json"

# One file per line: check-jsonschema validates files, and then names the line that fails.
lines() {  # lines FILE DIR
  mkdir -p "$2"
  awk -v dir="$2" '{ name = sprintf("%s/line-%07d.json", dir, NR); print > name; close(name) }' "$1"
}

$corridor export --db "$db" --out "$work/export.jsonl"
lines "$work/export.jsonl" "$work/export"
exported=$(find "$work/export" -name '*.json' | wc -l)
[ "$exported" -gt 0 ] || { echo "the export holds no records" >&2; exit 1; }
find "$work/export" -name '*.json' -print0 | sort -z \
  | xargs -0 -n 2000 env PYTHONPATH="$work/python" python3 -m check_jsonschema -q --schemafile "$work/records.schema.json"
echo "every one of the $exported exported records validates against the record schema"

lines "$bad_fixture" "$work/bad"
check -o json --schemafile "$work/records.schema.json" "$work"/bad/*.json > "$work/bad.json" || true
python3 - "$work/bad.json" "$work/bad" <<'PY'
import glob, json, os, sys
report = json.load(open(sys.argv[1]))
refused = {os.path.basename(e["filename"]) for e in report["errors"] + report["parse_errors"]}
lines = sorted(os.path.basename(p) for p in glob.glob(os.path.join(sys.argv[2], "*.json")))
accepted = [name for name in lines if name not in refused]
if accepted:
    sys.exit("the record schema accepts bad-record fixture lines: " + ", ".join(accepted))
print(f"the record schema refuses all {len(lines)} bad-record fixture lines")
PY

CORRIDOR_PROBES_OUT="$work/probes.jsonl" $swift_test --filter 'RecordSchemaTests/writeProbesForStandardValidator' > "$work/probes.log" 2>&1 \
  || { cat "$work/probes.log" >&2; exit 1; }
[ -s "$work/probes.jsonl" ] || { echo "the test suite wrote no probes" >&2; cat "$work/probes.log" >&2; exit 1; }
mkdir -p "$work/probes"
python3 - "$work/probes.jsonl" "$work/probes" <<'PY'
import json, os, sys
expected = {}
for number, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    probe = json.loads(line)
    name = f"probe-{number:05d}.json"
    with open(os.path.join(sys.argv[2], name), "w", encoding="utf-8") as out:
        json.dump(probe["record"], out, ensure_ascii=False)
    expected[name] = (probe["valid"], probe["probe"])
json.dump(expected, open(os.path.join(sys.argv[2], "..", "probes-expected.json"), "w"))
PY
find "$work/probes" -name '*.json' -print0 | sort -z \
  | xargs -0 -n 2000 env PYTHONPATH="$work/python" python3 -m check_jsonschema -o json --schemafile "$work/records.schema.json" \
  > "$work/probes-report.jsonl" || true
python3 - "$work/probes-expected.json" "$work/probes-report.jsonl" <<'PY'
import json, os, sys
expected = json.load(open(sys.argv[1]))
refused = set()
text, position, decoder = open(sys.argv[2]).read(), 0, json.JSONDecoder()
while text[position:].strip():  # one report per batch of files, one after another
    position = len(text) - len(text[position:].lstrip())
    report, position = decoder.raw_decode(text, position)
    refused |= {os.path.basename(e["filename"]) for e in report["errors"] + report["parse_errors"]}
disagreements = [f"{'decoder accepts, schema refuses' if valid else 'decoder refuses, schema accepts'}: {what}"
                 for name, (valid, what) in sorted(expected.items()) if valid == (name in refused)]
if disagreements:
    sys.exit("check-jsonschema and Corridor's decoder disagree on %d probe(s):\n" % len(disagreements) + "\n".join(disagreements[:40]))
print(f"check-jsonschema and Corridor's decoder agree on all {len(expected)} probes")
PY
