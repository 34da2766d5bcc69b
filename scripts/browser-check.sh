#!/usr/bin/env bash
# Loads every page in headless Chromium, signed in as each role that may see it, at 1280 px and
# 390 px, and fails on an HTTP error or a JavaScript console error. Screenshots land in
# screenshots/ (git-ignored): look at them. Then reads the Atom feed with feedparser
# (scripts/feed-check.py; `pip install feedparser`).
#
#   scripts/browser-check.sh            # PORT (default 8099) and CDP_PORT (default 9222) from the environment
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
PORT="${PORT:-8099}"
CDP_PORT="${CDP_PORT:-9222}"
BASE="http://127.0.0.1:$PORT"
started=$(date +%s)
say() { echo "== browser-check: $1 ($(( $(date +%s) - started ))s)"; }

if ! command -v chromium >/dev/null 2>&1; then
  say "installing chromium from Debian's packages"
  apt-get update -qq
  apt-cache policy chromium | grep -q 'Candidate: [0-9]' || { echo "no chromium package available" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

say "building"
swift build --product corridor >/dev/null
bin="$(swift build --show-bin-path)/corridor"

work=$(mktemp -d)
db="$work/pages.sqlite"
server_pid="" chrome_pid=""
cleanup() {
  [ -n "$chrome_pid" ] && kill "$chrome_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say "starting the server on $BASE"
"$bin" serve --db "$db" --port "$PORT" --seed-cases 2000 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$BASE/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }

declare -A token
for role in admin officer supervisor counsel monitor public; do
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
cases-filtered|/cases?status=open&pathway=removal|counsel
case|/cases/$held|officer counsel
case-unhcr|/cases/$held?policy=unhcr-2013|supervisor
court-orders|/court-orders|anonymous counsel monitor
court-order|/court-orders/CO-BROWSER-1|anonymous counsel officer
court-order-impact|/court-orders/CO-BROWSER-1/impact|counsel monitor
court-order-new|/court-orders/new|counsel admin
transfers|/transfers|supervisor
transfer|/transfers/TR-BROWSER-1|supervisor officer
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
# Signed out, a partner on the home map opens its arrangement page when clicked.
plan.append({"name": "map-click", "path": "/", "role": "anonymous", "token": "", "click": "a.partner[href^='/arrangements/']"})
json.dump(plan, open(sys.argv[1], "w"))
PY

say "starting chromium"
chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run \
  --remote-debugging-port="$CDP_PORT" --user-data-dir="$work/chrome" about:blank >"$work/chrome.log" 2>&1 &
chrome_pid=$!
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$CDP_PORT/json/version" >/dev/null 2>&1 && break; sleep 0.5; done

say "loading pages"
status=0
python3 scripts/cdp.py --port "$CDP_PORT" --base "$BASE" --plan "$work/plan.json" --out screenshots || status=$?
say "reading the network feed with feedparser (scripts/feed-check.py)"
python3 scripts/feed-check.py "$BASE" || status=$?
say "done (screenshots in screenshots/)"
exit $status
