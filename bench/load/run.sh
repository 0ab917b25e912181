#!/usr/bin/env bash
# Load benchmark: wrk (Debian's package) against a release build serving the large
# dashboard dataset. Get by id, a filtered list, create, and the dashboard summary:
# throughput, p50/p99, errors, and the service's peak RSS.
#
#   bench/load/run.sh sqlite DIR            # DIR holds dashboard.db (made when missing)
#   bench/load/run.sh postgres DATABASE_URL # a database the dashboard bench kept
#                                           # (STAKEMAP_BENCH_KEEP_POSTGRES=1)
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=$1
target=$2
duration=${STAKEMAP_LOAD_SECONDS:-15}
connections=${STAKEMAP_LOAD_CONNECTIONS:-32}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
bin=target/release/stakemap

case "$backend" in
  sqlite)
    if [ ! -f "$target/dashboard.db" ]; then
      STAKEMAP_BENCH_DIR=$target cargo bench --bench dashboard
    fi
    url="sqlite://$target/dashboard.db" ;;
  postgres) url=$target ;;
  *) echo "backend: sqlite or postgres" >&2; exit 2 ;;
esac

# The dashboard bench's signing secret, so `token` here signs what the service accepts.
export STAKEMAP_DATABASE_URL=$url STAKEMAP_JWT_SECRET=bench-secret-bench-secret-bench-secret-0123
export STAKEMAP_RATE_LIMIT=0 STAKEMAP_LOG_FORMAT=json STAKEMAP_WEBHOOK_WORKER=false
token=$($bin token --workspace bench --role manager --ttl 2h)
work=$(mktemp -d)
STAKEMAP_LISTEN=127.0.0.1:0 $bin serve >"$work/out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$work/out")
auth="Authorization: Bearer $token"
id=$(curl -s -H "$auth" "$base/v1/stakeholders?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

echo "$backend, ${duration}s each, $connections connections, 2 wrk threads"
printf '%-22s %10s %9s %9s %7s\n' case req/s p50 p99 errors
load() {
  local name=$1; shift
  wrk -t2 -c"$connections" -d"${duration}s" --latency -H "$auth" -H "Content-Type: application/json" "$@" >"$work/wrk" 2>&1
  python3 bench/load/wrk_report.py "$name" "$work/wrk"
}
load "get by id" "$base/v1/stakeholders/$id"
list="$base/v1/stakeholders?group=external&stance=critic&min_influence=3&limit=20"
table="$list&fields=name,group,quadrant,stance,owner,updated_at"
load "filtered list" "$list"
load "list, 6 fields" "$table"
echo "bytes per list page: $(curl -s -H "$auth" "$list" | wc -c) whole records, $(curl -s -H "$auth" "$table" | wc -c) with fields="
load "create" -s bench/load/create.lua "$base"
load "dashboard" "$base/v1/dashboard/summary"
echo "peak RSS: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"
