#!/usr/bin/env bash
# Gateway benchmark (docs/benchmarks.md): an OpenAI-shaped upstream stand-in, `jouletrace serve --upstream` in front of
# it, and the HttpLoad generator in a third process, first against the stand-in directly, then through the gateway.
# The gateway is warmed first (closed loop, chat and stream), so the runs measure its steady state, not the JIT's
# work; each run through it also prints the gateway's CPU time per answered call.
#   scripts/bench-gateway.sh [rate] [seconds] [warm-up seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
rate=${1:-2000}
seconds=${2:-20}
warmup=${3:-40}
./mvnw -q -B -ntp -DskipTests package -pl jouletrace-cli,jouletrace-bench -am
data=$(mktemp -d)
upstream_port=18282
gateway_port=18283
export JOULETRACE_ADMIN_KEY="bench-$(date +%s)-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"
"$JAVA_HOME/bin/java" -Dsun.net.httpserver.nodelay=true -Dsun.net.httpserver.maxIdleConnections=2000 -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.UpstreamStandIn \
  "$upstream_port" > "$data/upstream.log" 2>&1 &
upstream=$!
./jouletrace serve --data "$data" --port "$gateway_port" --upstream "http://127.0.0.1:$upstream_port/v1" > "$data/serve.log" 2>&1 &
server=$!
trap 'kill $server $upstream 2>/dev/null; wait $server $upstream 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$gateway_port/health" >/dev/null && break; sleep 0.5; done
load() { "$JAVA_HOME/bin/java" -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.HttpLoad "$@" --key "$JOULETRACE_ADMIN_KEY" \
  --seconds "$seconds"; }
# The launcher execs java, so $server is the gateway's JVM; fields 14 and 15 of its stat are user and system CPU ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
echo "== warming the gateway: $warmup s, closed loop, chat then stream"
for mode in chat stream; do
  load --mode "$mode" --connections 8 --url "http://127.0.0.1:$gateway_port" --seconds $((warmup / 2)) --warmup 0 > /dev/null
done
for mode in chat stream; do
  echo "== $mode, direct to the stand-in"; load --mode "$mode" --rate "$rate" --url "http://127.0.0.1:$upstream_port"
  echo "== $mode, through the gateway"
  before=$(cpu_ticks); began=$(date +%s%N)
  result=$(load --mode "$mode" --rate "$rate" --url "http://127.0.0.1:$gateway_port")
  after=$(cpu_ticks); ended=$(date +%s%N)
  echo "$result"
  # The load's own warm-up (5 s at the same rate) runs inside the CPU window too: divide by both phases' calls. Once
  # the gateway saturates, answers trail past the window and the per-call figure overstates; the cores stay right.
  answered=$(echo "$result" | head -1 | sed -E 's/.*: ([0-9]+) requests\/s.*/\1/')
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v rps="$answered" -v s="$seconds" -v wall=$(( (ended - began) / 1000000 )) \
    'BEGIN { printf "gateway CPU: %.0f us per call, %.2f cores over %.1f s\n", t / hz * 1e6 / (rps * (s + 5)), t / hz / (wall / 1000), wall / 1000 }'
done
