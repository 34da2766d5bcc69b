#!/usr/bin/env bash
# Loads every page in headless Chromium (driven by Playwright for Python, scripts/browser_check.py),
# signed in through the sign-in form as each role that may see it, at 1280 px and 390 px, and fails
# on an HTTP error or a JavaScript console error; then walks the flows a person does (sign in,
# search a case and open its gate matrix, lock a transfer and try to depart it, lift a court
# order). Last, the server's log of the whole run is searched for every token secret: none may
# be there. Screenshots land in screenshots/ (git-ignored): look at them. The Atom feed is read
# with feedparser (scripts/feed-check.py; `pip install feedparser`) while the server runs.
#
#   scripts/browser-check.sh            # PORT (default 8099) from the environment
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
PORT="${PORT:-8099}"
BASE="http://127.0.0.1:$PORT"
started=$(date +%s)
say() { echo "== browser-check: $1 ($(( $(date +%s) - started ))s)"; }

if ! command -v chromium >/dev/null 2>&1; then
  say "installing chromium from Debian's packages"
  apt-get update -qq
  apt-cache policy chromium | grep -q 'Candidate: [0-9]' || { echo "no chromium package available" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -c 'import playwright' 2>/dev/null || { echo "Playwright for Python is missing: python3 -m pip install playwright" >&2; exit 1; }

say "building"
swift build --product corridor >/dev/null
bin="$(swift build --show-bin-path)/corridor"

work=$(mktemp -d)
db="$work/pages.sqlite"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say "starting the server on $BASE"
# Standard output announces the first admin token; standard error is the log.
"$bin" serve --db "$db" --port "$PORT" --seed-cases 2000 >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 120); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$BASE/healthz" >/dev/null || { cat "$work/server.out" "$work/server.log"; exit 1; }

declare -A token
for role in admin officer supervisor monitor public; do
  token[$role]=$("$bin" token create --db "$db" --role "$role" --name "browser-$role" | grep -o 'cor_[0-9a-f]*' | head -1)
done

say "recording a transfer with a manifest and a court order"
api() { curl -fsS -H "Authorization: Bearer ${token[admin]}" -H 'Content-Type: application/json' "$@"; }
arrangement=$(api "$BASE/api/v1/arrangements?status=active&removingState=USA" | python3 -c 'import json,sys; a=json.load(sys.stdin)["arrangements"]; print(a[0]["id"], a[0]["partner"])')
read -r arr_id partner <<<"$arrangement"
departs=$(date -u -d '+10 days' +%Y-%m-%dT08:00:00Z)
cases=$(api "$BASE/api/v1/cases?limit=6&status=open" | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)["cases"]))')
records="[{\"type\":\"transfer\",\"id\":\"TR-BROWSER-1\",\"destination\":\"$partner\",\"departs\":\"$departs\",\"seats\":12,\"arrangement\":\"$arr_id\",\"costUSD\":50000}"
for c in $cases; do records+=",{\"type\":\"manifest-add\",\"transfer\":\"TR-BROWSER-1\",\"case\":\"$c\"}"; done
held=${cases%% *}
records+=",{\"type\":\"court-order\",\"id\":\"CO-BROWSER-1\",\"court\":\"D. Mass. <b>test</b>\",\"citation\":\"No. 25-cv-0001 <script>alert(1)</script>\",\"issuedOn\":\"$(date -u +%Y-%m-%d)\",\"scope\":{\"cases\":[\"$held\"]},\"effect\":\"block\"}]"
api -X POST "$BASE/api/v1/records" -d "$records" >/dev/null
# Counsel see their clients only: the held person is re-recorded as represented by the browser
# check's counsel, whose token is bound to that name.
counsel_name="Synthetic counsel (browser check)"
api "$BASE/api/v1/cases/$held" | python3 -c 'import json,sys; c=json.load(sys.stdin)["case"]; c["counsel"]=sys.argv[1]; print(json.dumps(c))' "$counsel_name" \
  | api -X POST "$BASE/api/v1/records" -d @- >/dev/null
token[counsel]=$("$bin" token create --db "$db" --role counsel --counsel "$counsel_name" --name "browser-counsel" | grep -o 'cor_[0-9a-f]*' | head -1)

# name|path|roles (signed-out pages use the role "anonymous")
plan=$(cat <<PLAN
home|/|anonymous admin officer
report|/report|anonymous monitor
simulate|/simulate?run=1&runs=2&seed=1|anonymous
signin|/signin|anonymous
api-docs|/docs/api|anonymous officer
arrangements|/arrangements|anonymous public supervisor
arrangements-filtered|/arrangements?status=active|officer
arrangement|/arrangements/$arr_id|anonymous monitor
country|/countries/$partner|anonymous
cases|/cases|officer
clients|/clients|counsel
cases-filtered|/cases?status=open&pathway=removal|counsel
case|/cases/$held|officer counsel
case-unhcr|/cases/$held?policy=unhcr-2013|supervisor
court-orders|/court-orders|anonymous counsel monitor
court-order|/court-orders/CO-BROWSER-1|anonymous counsel officer
court-order-impact|/court-orders/CO-BROWSER-1/impact|counsel monitor
court-order-new|/court-orders/new|counsel admin
transfers|/transfers|supervisor counsel
transfer|/transfers/TR-BROWSER-1|supervisor officer
transfer-demo-held|/transfers/SYN-T-004|supervisor
transfer-demo-departed|/transfers/SYN-T-001|monitor
audit|/audit|monitor admin
PLAN
)
python3 - "$work/plan.json" "$plan" <<PY
import json, sys
tokens = {"admin": "${token[admin]}", "officer": "${token[officer]}", "supervisor": "${token[supervisor]}",
          "counsel": "${token[counsel]}", "monitor": "${token[monitor]}", "public": "${token[public]}", "anonymous": ""}
plan = []
for line in sys.argv[2].strip().splitlines():
    name, path, roles = line.split("|")
    for role in roles.split():
        plan.append({"name": name, "path": path, "role": role, "token": tokens[role]})
json.dump(plan, open(sys.argv[1], "w"))
PY

python3 - "$work/flows.json" "$held" "TR-BROWSER-1" "CO-BROWSER-1" <<PY
import json, sys
tokens = {"admin": "${token[admin]}", "officer": "${token[officer]}", "supervisor": "${token[supervisor]}",
          "counsel": "${token[counsel]}", "monitor": "${token[monitor]}", "public": "${token[public]}"}
json.dump({"tokens": tokens, "case": sys.argv[2], "transfer": sys.argv[3], "order": sys.argv[4]}, open(sys.argv[1], "w"))
PY

say "loading pages and walking the flows"
status=0
python3 scripts/browser_check.py --base "$BASE" --plan "$work/plan.json" --flows "$work/flows.json" --out screenshots || status=$?
say "reading the network feed with feedparser (scripts/feed-check.py)"
python3 scripts/feed-check.py "$BASE" || status=$?

say "searching the server's log for token secrets"
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
secrets=("${token[@]}" $(grep -o 'cor_[0-9a-f]\{64\}' "$work/server.out" || true))
leaks=0
for secret in "${secrets[@]}"; do
  if grep -qF -e "$secret" -e "${secret#cor_}" "$work/server.log"; then echo "a token secret is in the server's log" >&2; leaks=$((leaks + 1)); fi
done
echo "secrets in the log: ${#secrets[@]} searched for in $(wc -l <"$work/server.log") lines, $leaks found"
[ "$leaks" -eq 0 ] || status=1
say "done (screenshots in screenshots/)"
exit $status
