#!/usr/bin/env bash
# Server benchmark (docs/benchmarks.md): `jouletrace serve` on loopback in one process, the HttpLoad generator in another.
#   scripts/bench-server.sh [connections] [seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
connections=${1:-32}
seconds=${2:-20}
./mvnw -q -B -ntp -DskipTests package -pl jouletrace-cli,jouletrace-bench -am
data=$(mktemp -d)
port=18181
export JOULETRACE_ADMIN_KEY="bench-$(date +%s)"
./jouletrace serve --data "$data" --port "$port" > "$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
# Arguments given to load() come first, so they win over the defaults after them.
load() { "$JAVA_HOME/bin/java" -cp jouletrace-bench/target/benchmarks.jar io.jouletrace.bench.HttpLoad "$@" --url "http://127.0.0.1:$port" \
  --key "$JOULETRACE_ADMIN_KEY" --connections "$connections" --seconds "$seconds"; }
load --mode estimate
load --mode otlp --connections 4 --spans-per-request 500
