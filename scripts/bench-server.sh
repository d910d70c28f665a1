#!/usr/bin/env bash
# Server benchmark (docs/benchmarks.md): `jouletrace serve` on loopback in one process, the load generator in another:
# wrk (Debian's `wrk`, one thread) for the estimate route where it is installed, and the HttpLoad generator (JDK
# HttpClient) for both routes.
#   scripts/bench-server.sh [connections] [seconds]      (WRK_ONLY=1: the wrk run alone)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
connections=${1:-32}
seconds=${2:-20}
./mvnw -q -B -ntp -DskipTests package -pl jouletrace-cli,jouletrace-bench -am
data=$(mktemp -d)
port=18181
export JOULETRACE_ADMIN_KEY="bench-$(date +%s)-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"
./jouletrace serve --data "$data" --port "$port" > "$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
# Arguments given to load() come first, so they win over the defaults after them.
load() { "$JAVA_HOME/bin/java" -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.HttpLoad "$@" --url "http://127.0.0.1:$port" \
  --key "$JOULETRACE_ADMIN_KEY" --connections "$connections" --seconds "$seconds"; }
if command -v wrk >/dev/null 2>&1; then
  JOULETRACE_BENCH_KEY="$JOULETRACE_ADMIN_KEY" wrk -t1 -c"$connections" -d5s -s scripts/wrk-estimate.lua "http://127.0.0.1:$port" >/dev/null # warm-up
  out=$(JOULETRACE_BENCH_KEY="$JOULETRACE_ADMIN_KEY" wrk -t1 -c"$connections" -d"${seconds}s" --latency -s scripts/wrk-estimate.lua "http://127.0.0.1:$port")
  echo "wrk estimate, $connections connections:"; echo "$out"
  if grep -q "Non-2xx" <<<"$out"; then echo "the server answered errors under load" >&2; exit 1; fi
fi
[ -n "${WRK_ONLY:-}" ] && exit 0
load --mode estimate
load --mode otlp --connections 4 --spans-per-request 500
