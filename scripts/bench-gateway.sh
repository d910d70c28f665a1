#!/usr/bin/env bash
# Gateway benchmark (docs/benchmarks.md, issue 23): the same wrk load (one thread, closed loop, a chat completion) at 1
# and 8 connections against an OpenAI-shaped stand-in directly (scripts/upstream-stand-in.mjs, Node), nginx as a plain
# reverse proxy (Debian's package), Portkey's open-source AI gateway (@portkey-ai/gateway from npm, routed to the
# stand-in by its x-portkey-provider and x-portkey-custom-host headers) and `jouletrace serve --upstream` (eco block and
# ledger record). Prints one table: latency added over the direct run, each proxy's CPU per call from the kernel's
# process accounting (/proc/PID/stat utime + stime, before and after, over the calls answered), req/s, and the ratios.
# All of it shares the machine, so read the ratios of one run, not absolute figures across runs.
#   scripts/bench-gateway.sh [seconds per run] [jouletrace warm-up seconds]
# Needs wrk, nginx, node and npm (apt-get install wrk nginx-light nodejs npm); Portkey is installed on first use under
# $PORTKEY_DIR (default ~/.cache/jouletrace-bench/portkey).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
seconds=${1:-15}
warmup=${2:-40}
portkey_version=1.15.2
portkey_dir=${PORTKEY_DIR:-$HOME/.cache/jouletrace-bench/portkey}
for tool in wrk nginx node npm; do
  command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null 2>&1 \
    || { echo "bench-gateway: $tool is missing (apt-get install wrk nginx-light nodejs npm)" >&2; exit 2; }
done
export PATH=$PATH:/usr/sbin
portkey_server=$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js
[ -f "$portkey_server" ] || npm install --silent --prefix "$portkey_dir" "@portkey-ai/gateway@$portkey_version" >&2
./mvnw -q -B -ntp -DskipTests package -pl jouletrace-cli -am

work=$(mktemp -d)
upstream_port=18282 nginx_port=18284 portkey_port=18285 jouletrace_port=18283
export JOULETRACE_ADMIN_KEY="bench-$(date +%s)-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

node scripts/upstream-stand-in.mjs "$upstream_port" > "$work/upstream.log" 2>&1 &
pids+=($!); upstream=$!
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream standin { server 127.0.0.1:$upstream_port; keepalive 32; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://standin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g "daemon off;" > "$work/nginx/out.log" 2>&1 &
pids+=($!); nginx=$!
node "$portkey_server" --port="$portkey_port" --headless > "$work/portkey.log" 2>&1 &
pids+=($!); portkey=$!
# JOULETRACE_JAVA_OPTS reaches the gateway's JVM (e.g. a JFR recording for the profile in docs/benchmarks.md).
./jouletrace serve --data "$work/data" --port "$jouletrace_port" --upstream "http://127.0.0.1:$upstream_port/v1" > "$work/serve.log" 2>&1 &
pids+=($!); jouletrace=$!
for port in $upstream_port $nginx_port $portkey_port $jouletrace_port; do
  for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
done

# CPU ticks of a process and its children (nginx's worker); the launcher execs java, so $jouletrace is the JVM.
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
# One wrk run; prints "p50_ms p99_ms requests req_per_s cpu_us_per_call".
measure() { # name url connections cpu_pid extra_env...
  local url=$2 connections=$3 pid=$4 before after out
  before=$(cpu_ticks "$pid")
  out=$(env "${@:5}" wrk -t1 -c"$connections" -d"${seconds}s" --latency -s scripts/wrk-chat.lua "$url")
  after=$(cpu_ticks "$pid")
  echo "$out" > "$work/wrk-$1-$connections.txt"
  grep -q "Non-2xx" <<<"$out" && { echo "bench-gateway: $1 answered errors:" >&2; echo "$out" >&2; exit 1; }
  echo "$out" | awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    / requests in / { requests = $1 } /^Requests\/sec:/ { rps = $2 }
    END { printf "%.3f %.3f %d %.0f %.0f\n", p50, p99, requests, rps, ticks / hz * 1e6 / requests }'
}

targets=(direct nginx portkey jouletrace)
declare -A url=([direct]="http://127.0.0.1:$upstream_port" [nginx]="http://127.0.0.1:$nginx_port"
  [portkey]="http://127.0.0.1:$portkey_port" [jouletrace]="http://127.0.0.1:$jouletrace_port")
declare -A pid=([direct]=$upstream [nginx]=$nginx [portkey]=$portkey [jouletrace]=$jouletrace)
declare -A env=([direct]="X=" [nginx]="X=" [portkey]="PORTKEY_CUSTOM_HOST=http://127.0.0.1:$upstream_port/v1"
  [jouletrace]="JOULETRACE_BENCH_KEY=$JOULETRACE_ADMIN_KEY")
declare -A result
for target in "${targets[@]}"; do
  warm=$([ "$target" = jouletrace ] && echo "$warmup" || echo 5)
  echo "== $target: warming $warm s, then $seconds s at 1 and at 8 connections" >&2
  env "${env[$target]}" wrk -t1 -c8 -d"${warm}s" -s scripts/wrk-chat.lua "${url[$target]}" > "$work/wrk-$target-warm.txt"
  for connections in 1 8; do
    result[$target,$connections]=$(measure "$target" "${url[$target]}" "$connections" "${pid[$target]}" "${env[$target]}")
  done
done

sleep 2 # the recorder's last batch
recorded=$(curl -s -H "Authorization: Bearer $JOULETRACE_ADMIN_KEY" "http://127.0.0.1:$jouletrace_port/metrics" \
  | awk '/^jouletrace_ingest_records_total/ && /source="gateway"/ && /outcome="accepted"/ { print $2 + 0 }')
unrecorded=$(curl -s -H "Authorization: Bearer $JOULETRACE_ADMIN_KEY" "http://127.0.0.1:$jouletrace_port/metrics" \
  | awk '/^jouletrace_gateway_unrecorded_calls_total/ { sum += $2 } END { print sum + 0 }')

echo
echo "wrk -t1 closed loop, ${seconds} s per row; jouletrace warmed ${warmup} s, the others 5 s; $(nproc) cores shared by all"
echo "processes (stand-in, proxies and wrk), $(uptime | sed 's/.*load average/load average/')"
echo "| | p50 ms, 1 conn. | added p50 | p99 ms | added p99 | CPU µs per call | req/s | added p50, 8 conn. | added p99 | CPU µs per call | req/s | CPU per call ÷ nginx's, ÷ Portkey's (8 conn.) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
read -r d50 d99 _ <<<"${result[direct,1]}"
read -r d50_8 d99_8 _ <<<"${result[direct,8]}"
read -r _ _ _ _ nginx_cpu <<<"${result[nginx,8]}"
read -r _ _ _ _ portkey_cpu <<<"${result[portkey,8]}"
for target in "${targets[@]}"; do
  read -r p50 p99 _ rps cpu <<<"${result[$target,1]}"
  read -r p50_8 p99_8 _ rps_8 cpu_8 <<<"${result[$target,8]}"
  awk -v t="$target" -v p50="$p50" -v p99="$p99" -v d50="$d50" -v d99="$d99" -v cpu="$cpu" -v rps="$rps" -v p50_8="$p50_8" \
    -v d50_8="$d50_8" -v p99_8="$p99_8" -v d99_8="$d99_8" -v cpu_8="$cpu_8" -v rps_8="$rps_8" -v nginx="$nginx_cpu" -v portkey="$portkey_cpu" 'BEGIN {
      printf "| %s | %.3f | %+.3f | %.3f | %+.3f | %.0f | %.0f | %+.3f | %+.3f | %.0f | %.0f | %.2f×, %.2f× |\n", t, p50, p50 - d50, p99,
        p99 - d99, cpu, rps, p50_8 - d50_8, p99_8 - d99_8, cpu_8, rps_8, cpu_8 / nginx, cpu_8 / portkey }'
done
echo "(direct's CPU is the stand-in's own.) jouletrace recorded $recorded calls, $unrecorded unrecorded; wrk counted" \
  "$(cat "$work"/wrk-jouletrace-*.txt | awk '/ requests in / { sum += $1 } END { print sum }') answers (warm-up included;" \
  "a call in flight when a wrk run stops is recorded but not counted by wrk)"
