#!/usr/bin/env bash
# Contract checks, run by .ci/run after the test suite: the OpenAPI document lints clean
# (@redocly/cli) and validates (openapi-spec-validator); a TypeScript client generated
# from it (openapi-typescript + openapi-fetch) type-checks with tsc and runs a
# front-end's calls against the live service.
# Usage: tests/tools/live/contract.sh BINARY
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=$(realpath "$1")
spec=$root/openapi/openapi.json
tools=$root/tests/tools/openapi
work=$(mktemp -d)
source "$root/tests/tools/live/lib.sh"

echo "== OpenAPI lint and validation"
(cd "$tools" && npx --no-install redocly lint --format=summary "$spec")
openapi-spec-validator "$spec"

echo "== TypeScript client"
start ts "sqlite://$work/ts.db"
(cd "$tools" && npx --no-install openapi-typescript "$spec" -o generated/api.ts && npx --no-install tsc -p .)
(cd "$tools" && STAKEMAP_URL=$url STAKEMAP_TOKEN=$token npx --no-install tsx client.ts)
echo "== contract checks passed"
