#!/usr/bin/env bash
# Gateway soak (docs/benchmarks.md, issue 23): `jouletrace serve --upstream` in front of the Node stand-in
# (scripts/upstream-stand-in.mjs) under steady closed-loop wrk load for N minutes, printing the server's RSS, its CPU
# and the calls recorded every minute, then wrk's latency and whether every answered call was recorded.
#   scripts/soak-gateway.sh [minutes] [connections]       (extra serve flags: SERVE_ARGS, e.g. "--store-memory-limit 256MB")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
minutes=${1:-10}
connections=${2:-2}
command -v wrk >/dev/null && command -v node >/dev/null || { echo "soak-gateway: needs wrk and node (apt-get install wrk nodejs)" >&2; exit 2; }
./mvnw -q -B -ntp -DskipTests package -pl jouletrace-cli -am
work=$(mktemp -d)
upstream_port=18292 port=18293
export JOULETRACE_ADMIN_KEY="soak-$(date +%s)-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"
node scripts/upstream-stand-in.mjs "$upstream_port" > "$work/upstream.log" 2>&1 &
upstream=$!
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
./jouletrace serve --data "$work/data" --port "$port" --upstream "http://127.0.0.1:$upstream_port/v1" ${SERVE_ARGS:-} > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server $upstream 2>/dev/null; wait $server $upstream 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
metric() {
  curl -s -H "Authorization: Bearer $JOULETRACE_ADMIN_KEY" "http://127.0.0.1:$port/metrics" | awk -v name="$1" -v match_="$2" \
    '$1 ~ "^" name && $1 ~ match_ { sum += $2 } END { printf "%.0f", sum }'
}
JOULETRACE_BENCH_KEY="$JOULETRACE_ADMIN_KEY" wrk -t1 -c"$connections" -d"$((minutes * 60))s" --latency -s scripts/wrk-chat.lua \
  "http://127.0.0.1:$port" > "$work/wrk.txt" &
load=$!
hz=$(getconf CLK_TCK)
echo "minute | serve RSS MB | serve CPU s (cumulative) | calls recorded | ledger file and WAL MB"
for minute in $(seq 0 "$minutes"); do
  [ "$minute" -gt 0 ] && sleep 60
  rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$server/status")
  cpu=$(awk -v hz="$hz" '{ printf "%.0f", ($14 + $15) / hz }' "/proc/$server/stat")
  file_mb=$(du -cm "$work/data"/ledger.duckdb* 2>/dev/null | tail -1 | cut -f1)
  echo "$minute | $((rss_kb / 1024)) | $cpu | $(metric jouletrace_ingest_records_total 'source="gateway".*outcome="accepted"|outcome="accepted".*source="gateway"') | ${file_mb:-0}"
done
wait $load
sleep 2 # the recorder's last batch
echo "wrk, $connections connections, $minutes min:"
grep -E "requests in|Requests/sec| 50%| 99%|Non-2xx|Socket errors" "$work/wrk.txt"
echo "recorded: $(metric jouletrace_ingest_records_total 'source="gateway".*outcome="accepted"|outcome="accepted".*source="gateway"');" \
  "unrecorded: $(metric jouletrace_gateway_unrecorded_calls_total '')"
