#!/usr/bin/env bash
# Property-based API tests, run by .ci/run: schemathesis against the live service from
# openapi/openapi.json, every operation, every check, on SQLite and PostgreSQL.
# Usage: tests/tools/live/schemathesis.sh BINARY [POSTGRES_SERVER_URL]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=$(realpath "$1")
pg_server=${2:-}
spec=$root/openapi/openapi.json
work=$(mktemp -d)
source "$root/tests/tools/live/lib.sh"

schemathesis_on() {
  echo "== schemathesis on $1"
  start "st-$1" "$2"
  # One worker: with two threads, hypothesis on CPython 3.11 now and then fails inside
  # `ast.parse` ("AST constructor recursion depth mismatch"), a runtime error of the tool.
  schemathesis --config-file "$root/tests/tools/live/schemathesis.toml" run "$spec" --url "$url" -H "Authorization: Bearer $token" \
    --checks all --phases examples,coverage,fuzzing,stateful --max-examples 30 \
    --workers 1 --request-timeout 30 --suppress-health-check too_slow \
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
echo "== schemathesis passed"
