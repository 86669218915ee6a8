#!/usr/bin/env bash
# Host benchmark: the trivial `hello` component served by `tally up` and by
# `wasmtime serve` (wasmtime-cli 48.0.8), same machine, same load generator (wrk), one
# run, with the CPU time `tally` spends per request; then cold `tally up` start-up time
# with and without the compile cache.
#
#   bench/host.sh [seconds per run, default 10] [connections, default 32]
#
# Needs wrk (apt-get install wrk) and wasmtime-cli 48.0.8
# (cargo install wasmtime-cli@48.0.8 --locked --root /tmp/wasmtime-cli, or set WASMTIME;
# without it that row is skipped). TALLY=path/to/tally measures that binary instead of
# building this checkout's; bench/instructions.sh counts its instructions per request.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS="${2:-32}"
WASMTIME="${WASMTIME:-$(command -v wasmtime || echo /tmp/wasmtime-cli/bin/wasmtime)}"
[ -x "$WASMTIME" ] || echo "wasmtime 48.0.8 not found (cargo install wasmtime-cli@48.0.8 --locked): its row is skipped" >&2
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }

[ -n "${TALLY:-}" ] || cargo build --release -q -p tally-host --features lambda
cargo build --release -q --target wasm32-wasip2 -p tally-bench-hello
WASM=target/wasm32-wasip2/release/tally_bench_hello.wasm
TALLY="${TALLY:-target/release/tally}"
CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"; kill $(jobs -p) 2>/dev/null || true' EXIT

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, clock ticks
wait_up() { for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/" >/dev/null && return 0; sleep 0.05; done; return 1; }
load() {
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$1/" > /tmp/tally-bench-wrk.txt
    local rps p50 p99
    rps=$(awk '/Requests\/sec/ {print $2}' /tmp/tally-bench-wrk.txt)
    p50=$(awk '$1=="50%" {print $2}' /tmp/tally-bench-wrk.txt)
    p99=$(awk '$1=="99%" {print $2}' /tmp/tally-bench-wrk.txt)
    printf '| %-32s | %10s | %8s | %8s |\n' "$2" "$rps" "$p50" "$p99"
}

echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-32s | %10s | %8s | %8s |\n' "server" "requests/s" "p50" "p99"
printf '|%s|%s|%s|%s|\n' "----------------------------------" "------------" "----------" "----------"

"$TALLY" up -f bench/hello/spin.toml --listen 127.0.0.1:3101 --cache-dir "$CACHE" >/dev/null 2>&1 &
TALLY_PID=$!
wait_up 3101
C0=$(cpu $TALLY_PID)
load 3101 "tally up (instance reuse)"
C1=$(cpu $TALLY_PID)
REQUESTS=$(awk '/requests in/ {print $1}' /tmp/tally-bench-wrk.txt)
kill -INT $TALLY_PID; wait $TALLY_PID || true

if [ -x "$WASMTIME" ]; then
    "$WASMTIME" serve -Scli --addr 127.0.0.1:3102 "$WASM" >/dev/null 2>&1 &
    WT_PID=$!
    wait_up 3102
    load 3102 "wasmtime serve 48.0.8"
    kill -INT $WT_PID; wait $WT_PID 2>/dev/null || true
else
    printf '| %-32s | %10s | %8s | %8s |\n' "wasmtime serve 48.0.8" "skipped" "" ""
fi

"$TALLY" up -f bench/hello/spin.toml --listen 127.0.0.1:3103 --cache-dir "$CACHE" \
    --max-instance-reuse-count 1 --max-instance-concurrent-reuse-count 1 >/dev/null 2>&1 &
TALLY_PID=$!
wait_up 3103
load 3103 "tally up (fresh instance/request)"
kill -INT $TALLY_PID; wait $TALLY_PID || true

echo
echo "CPU per request in tally up (instance reuse): $(echo "scale=1; ($C1 - $C0) * 1000000 / $(getconf CLK_TCK) / $REQUESTS" | bc -l) us"
echo
cold_start() {
    local start end
    start=$(date +%s%N)
    "$TALLY" up -f bench/hello/spin.toml --listen 127.0.0.1:3104 "$@" >/dev/null 2>&1 &
    local pid=$!
    wait_up 3104
    end=$(date +%s%N)
    kill -INT $pid; wait $pid || true
    echo $(( (end - start) / 1000000 ))
}
rm -rf "$CACHE"/*
echo "| cold \`tally up\` until the first response | ms |"
echo "|---|---|"
echo "| no cache (--no-cache: compile every start) | $(cold_start --no-cache) |"
cold_start --cache-dir "$CACHE" >/dev/null
echo "| warm cache (precompiled component loaded) | $(cold_start --cache-dir "$CACHE") |"
