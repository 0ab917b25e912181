#!/usr/bin/env bash
# Renders the demo workspace's three pictures to PNG under docs/ (shown in the README):
# a fresh SQLite database with the demo loaded, the service on a free port, each SVG
# fetched as a manager and converted by librsvg. Needs rsvg-convert (Debian: librsvg2-bin)
# and, for the Chinese and Korean names, a CJK font (Debian: fonts-noto-cjk).
#
#   docs/render.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || { echo "rsvg-convert missing: apt-get install librsvg2-bin" >&2; exit 1; }
cargo build --quiet
bin=target/debug/stakemap
work=$(mktemp -d)
export STAKEMAP_DATABASE_URL="sqlite://$work/demo.db" STAKEMAP_JWT_SECRET=docs-secret-docs-secret-docs-secret-0123
export STAKEMAP_LISTEN=127.0.0.1:0 STAKEMAP_LOG_FORMAT=json
$bin demo >/dev/null
token=$($bin token --workspace demo --role manager)
$bin serve >"$work/out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$work/out")
fetch() { curl -fsS -H "Authorization: Bearer $token" "$base$1" -o "$work/$2.svg"; rsvg-convert -o "docs/$2.png" "$work/$2.svg"; echo "docs/$2.png"; }
fetch "/v1/dashboard/matrix.svg" matrix
fetch "/v1/network?format=svg" network
fetch "/v1/dashboard/groups.svg?lang=zh-CN" groups-zh
fetch "/v1/dashboard/groups.svg" groups
