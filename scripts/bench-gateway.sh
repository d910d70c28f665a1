#!/usr/bin/env bash
# Gateway benchmark (docs/benchmarks.md): an OpenAI-shaped upstream stand-in, `jouletrace serve --upstream` in front of
# it, and the HttpLoad generator in a third process, first against the stand-in directly, then through the gateway.
#   scripts/bench-gateway.sh [rate] [seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
rate=${1:-2000}
seconds=${2:-20}
./mvnw -q -B -ntp -DskipTests package -pl jouletrace-cli,jouletrace-bench -am
data=$(mktemp -d)
upstream_port=18282
gateway_port=18283
export JOULETRACE_ADMIN_KEY="bench-$(date +%s)"
"$JAVA_HOME/bin/java" -Dsun.net.httpserver.nodelay=true -Dsun.net.httpserver.maxIdleConnections=2000 -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.UpstreamStandIn \
  "$upstream_port" > "$data/upstream.log" 2>&1 &
upstream=$!
./jouletrace serve --data "$data" --port "$gateway_port" --upstream "http://127.0.0.1:$upstream_port/v1" > "$data/serve.log" 2>&1 &
server=$!
trap 'kill $server $upstream 2>/dev/null; wait $server $upstream 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$gateway_port/health" >/dev/null && break; sleep 0.5; done
load() { "$JAVA_HOME/bin/java" -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.HttpLoad "$@" --key "$JOULETRACE_ADMIN_KEY" \
  --seconds "$seconds"; }
for mode in chat stream; do
  echo "== $mode, direct to the stand-in"; load --mode "$mode" --rate "$rate" --url "http://127.0.0.1:$upstream_port"
  echo "== $mode, through the gateway";    load --mode "$mode" --rate "$rate" --url "http://127.0.0.1:$gateway_port"
done
