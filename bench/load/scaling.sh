#!/usr/bin/env bash
# Write scaling on PostgreSQL: create (POST /v1/stakeholders) with 1, 16 and 64 wrk
# connections against one workspace, pgbench's one-row durable insert rate on the same
# server beside it (the database's own floor), what the service's connections waited on
# during the 64-connection run (pg_stat_activity wait events, sampled every 50 ms), and
# before them get by id, a filtered list and the dashboard summary at 16 connections.
#
#   bench/load/scaling.sh postgres://postgres@127.0.0.1:5432/postgres
#
# A fresh database is made on that server (20,000 people loaded through the batch API),
# made again before each create case after the first, and dropped afterwards. STAKEMAP_BIN runs another build of the service (to compare
# commits); STAKEMAP_LOAD_SECONDS sets each case's length (default 15).
set -euo pipefail
cd "$(dirname "$0")/../.."
server=$1
duration=${STAKEMAP_LOAD_SECONDS:-15}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bin=${STAKEMAP_BIN:-}
if [ -z "$bin" ]; then cargo build --release --quiet; bin=target/release/stakemap; fi

db=stakemap_scaling_$$
base_url=${server%/*}
url=$base_url/$db
work=$(mktemp -d)
stop_service() { kill "${pid:-}" 2>/dev/null || true; wait "${pid:-}" 2>/dev/null || true; }
cleanup() { stop_service; psql -q "$server" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; rm -rf "$work"; }
trap cleanup EXIT

export STAKEMAP_DATABASE_URL=$url STAKEMAP_JWT_SECRET=bench-secret-bench-secret-bench-secret-0123
export STAKEMAP_RATE_LIMIT=0 STAKEMAP_AUTH_RATE_LIMIT=0 STAKEMAP_LOG_FORMAT=json STAKEMAP_WEBHOOK_WORKER=false

# A new database with the same 20,000 people, a fresh service on it, and a checkpoint:
# every case that writes starts from the same state. (On a register grown by the cases
# before it, and mid-way to the next checkpoint, where every first change of an index
# page logs the whole page, a later case writes more WAL per create than an earlier one.)
fresh_register() {
  stop_service
  psql -q "$server" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null 2>&1
  $bin migrate >/dev/null
  $bin workspace create Bench --slug bench >/dev/null
  token=$($bin token --workspace bench --role manager --ttl 2h)
  STAKEMAP_LISTEN=127.0.0.1:0 $bin serve >"$work/out" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.1; done
  base=$(sed -n 's/^listening on //p' "$work/out")
  auth="Authorization: Bearer $token"
  python3 - "$base" "$token" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
groups = ["external", "team", "internal"]
for b in range(20):
    # Profile fields only: the batch of older builds refuses analysis fields.
    items = [{"source": "seed", "external_id": f"S-{b}-{i}", "name": f"Seed {b}-{i}", "group": groups[i % 3],
              "tags": [f"t{i % 7}"]} for i in range(1000)]
    req = urllib.request.Request(f"{base}/v1/stakeholders/batch", json.dumps({"mode": "upsert", "items": items}).encode(),
                                 {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    results = json.load(urllib.request.urlopen(req))["results"]
    assert all(r["status"] == "created" for r in results), results[:3]
PY
  psql -qAtX "$url" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
}
fresh_register
id=$(curl -s -H "$auth" "$base/v1/stakeholders?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

load() {
  local name=$1 connections=$2; shift 2
  local threads=$(( connections < 2 ? 1 : 2 ))
  wrk -t$threads -c"$connections" -d"${duration}s" --latency -H "$auth" -H "Content-Type: application/json" "$@" >"$work/wrk" 2>&1
  python3 bench/load/wrk_report.py "$name" "$work/wrk"
}
# What the service's connections wait on, sampled while a load runs (active ones only).
# One session repeating its query (`\watch`): a new psql every 50 ms, as before, spent a
# process start and a connection each time on the cores the 64-client case was using.
sample_waits() {
  exec psql -qAtX "$url" -f <(printf '%s \\watch 0.05\n' "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU')
    FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()") 2>/dev/null
}

echo "PostgreSQL, ${duration}s each, 20,000 people to start with"
printf '%-22s %10s %9s %9s %7s\n' case req/s p50 p99 errors
# Reads first, on the seeded register alone: after the creates, a build that creates
# faster would be reading a larger register, and the figures would not compare.
load "get by id, 16" 16 "$base/v1/stakeholders/$id"
load "filtered list, 16" 16 "$base/v1/stakeholders?group=external&tag=t3&limit=20"
load "dashboard, 16" 16 "$base/v1/dashboard/summary"
load "create, 1 connection" 1 -s bench/load/create.lua "$base"
fresh_register; load "create, 16" 16 -s bench/load/create.lua "$base"
fresh_register; sample_waits >"$work/waits" & sampler=$!
load "create, 64" 64 -s bench/load/create.lua "$base"
kill $sampler; wait $sampler 2>/dev/null || true

echo "wait events of active service connections during create, 64 (share of samples):"
sort "$work/waits" | uniq -c | sort -rn | head -8 | awk -v total="$(wc -l <"$work/waits")" \
  '{printf "  %5.1f %%  %s\n", 100 * $1 / total, $2}'

# The database's own floor: one-row durable inserts, pgbench, same server, same run.
psql -q "$url" -c "CREATE TABLE pgbench_rows (id BIGSERIAL PRIMARY KEY, workspace_id TEXT, body TEXT)"
echo "INSERT INTO pgbench_rows (workspace_id, body) VALUES ('bench', repeat('x', 200));" >"$work/insert.sql"
for clients in 1 16; do
  tps=$(pgbench -n -c "$clients" -j "$(( clients < 2 ? 1 : 2 ))" -T "$duration" -f "$work/insert.sql" "$url" 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  printf '%-22s %10.0f\n' "pgbench insert, $clients" "$tps"
done
