#!/usr/bin/env bash
# Checks against the live service, run by .ci/run after the test suite:
#   1. the OpenAPI document lints clean (@redocly/cli) and validates (openapi-spec-validator);
#   2. a TypeScript client generated from it (openapi-typescript + openapi-fetch) type-checks
#      with tsc and runs a front-end's calls against the service;
#   3. schemathesis runs every operation with every check, on SQLite and on PostgreSQL.
# Usage: tests/tools/live/run.sh BINARY [POSTGRES_SERVER_URL]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=$(realpath "$1")
pg_server=${2:-}
spec=$root/openapi/openapi.json
tools=$root/tests/tools/openapi
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME DATABASE_URL: runs the service on a free port; sets $url and $token (admin).
start() {
  local dir=$work/$1
  mkdir -p "$dir"
  export STAKEMAP_DATABASE_URL=$2 STAKEMAP_RATE_LIMIT=0 STAKEMAP_WEBHOOK_WORKER=false STAKEMAP_LOG_FORMAT=json
  (cd "$dir" && "$bin" workspace create Acme >/dev/null)
  token=$(cd "$dir" && "$bin" token --workspace acme --role admin --ttl 2h)
  (cd "$dir" && STAKEMAP_LISTEN=127.0.0.1:0 exec "$bin" serve >"$dir/out" 2>"$dir/log") &
  pids+=($!)
  for _ in $(seq 1 100); do
    grep -q '^listening on ' "$dir/out" 2>/dev/null && break
    sleep 0.1
  done
  url=$(sed -n 's/^listening on //p' "$dir/out")
  [ -n "$url" ] || { cat "$dir/log"; echo "the service did not start" >&2; exit 1; }
}

echo "== OpenAPI lint and validation"
(cd "$tools" && npx --no-install redocly lint --format=summary "$spec")
openapi-spec-validator "$spec"

echo "== TypeScript client"
start ts "sqlite://$work/ts.db"
(cd "$tools" && npx --no-install openapi-typescript "$spec" -o generated/api.ts && npx --no-install tsc -p .)
(cd "$tools" && STAKEMAP_URL=$url STAKEMAP_TOKEN=$token npx --no-install tsx client.ts)

schemathesis_on() {
  echo "== schemathesis on $1"
  start "st-$1" "$2"
  schemathesis run "$spec" --url "$url" -H "Authorization: Bearer $token" \
    --checks all --phases examples,coverage,fuzzing,stateful --max-examples 30 \
    --workers 2 --request-timeout 30 --suppress-health-check too_slow \
    --report junit --report-dir "$work/report-$1" --seed 1
}
schemathesis_on sqlite "sqlite://$work/schemathesis.db"
if [ -n "$pg_server" ]; then
  db=stakemap_live_$$
  psql "$pg_server" -qc "CREATE DATABASE $db"
  schemathesis_on postgres "${pg_server%/*}/$db"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  psql "$pg_server" -qc "DROP DATABASE $db WITH (FORCE)"
fi
echo "== live checks passed"
