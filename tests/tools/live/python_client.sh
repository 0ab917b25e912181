#!/usr/bin/env bash
# The Python client, run by .ci/run: generated from openapi/openapi.json by
# openapi-python-client with no warning, then a typed flow against the live service.
# Usage: tests/tools/live/python_client.sh BINARY
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=$(realpath "$1")
tools=$root/tests/tools/python
work=$(mktemp -d)
source "$root/tests/tools/live/lib.sh"

echo "== Python client"
rm -rf "$tools/generated"
mkdir -p "$tools/generated"
log=$work/generate.log
(cd "$tools/generated" && openapi-python-client generate --path "$root/openapi/openapi.json" \
  --config "$tools/config.yml" --meta none --output-path "$tools/generated/stakemap_client" >"$log" 2>&1) ||
  { cat "$log"; exit 1; }
if grep -qiE "warning|error" "$log"; then
  cat "$log"
  echo "FAIL: openapi-python-client warned" >&2
  exit 1
fi
start py "sqlite://$work/py.db"
STAKEMAP_URL=$url STAKEMAP_TOKEN=$token python3 "$tools/flow.py"
