# Shared by the live checks: starts the service on a free port.
# Needs: $bin (the stakemap binary) and $work (a scratch directory); keeps $pids.
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
  # The abuse limits have their own tests; property tests make thousands of calls, many without a token.
  export STAKEMAP_DATABASE_URL=$2 STAKEMAP_RATE_LIMIT=0 STAKEMAP_AUTH_RATE_LIMIT=0 STAKEMAP_WEBHOOK_WORKER=false STAKEMAP_LOG_FORMAT=json
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

