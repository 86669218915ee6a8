#!/usr/bin/env bash
# Instructions `tally` spends per request, counted by valgrind's callgrind: unlike
# requests/s and CPU time this does not move with the machine's other load, so it compares
# two builds on a busy machine. User-space instructions only (the kernel's share of each
# request, sockets and wake-ups, is not counted), under valgrind (one thread at a time)
# and with `--no-pooling` (valgrind cannot reserve the pooling allocator's address space).
#
#   bench/instructions.sh [seconds per run, default 15]
#
# Needs valgrind, wrk, and Redis on 127.0.0.1:6379 (database 15, a bench prefix, deleted
# at the end). TALLY=path/to/tally measures that binary instead of building this
# checkout's.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
REDIS_DB=15
PREFIX="bench_instructions_$$"
PORT=3131
for tool in valgrind callgrind_control wrk redis-cli; do
    command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install valgrind wrk redis-tools" >&2; exit 1; }
done
[ -n "${TALLY:-}" ] || cargo build --release -q -p tally-host --features lambda
cargo build --release -q --target wasm32-wasip2 -p tally-slices -p tally-bench-hello
TALLY="${TALLY:-target/release/tally}"
DIR=$(mktemp -d)
cleanup() {
    kill "${VALGRIND_PID:-0}" 2>/dev/null || true
    redis-cli -n "$REDIS_DB" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -n "$REDIS_DB" del >/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

source bench/slices/manifest.sh
{
    slices_manifest bench-instructions "$REDIS_DB" "$PREFIX"
    cat <<TOML
[[trigger.http]]
route = "/hello"
component = "hello"
[component.hello]
source = "$PWD/target/wasm32-wasip2/release/tally_bench_hello.wasm"
TOML
} > "$DIR/spin.toml"

valgrind --tool=callgrind --callgrind-out-file="$DIR/callgrind.out" \
    "$TALLY" up -f "$DIR/spin.toml" --listen "127.0.0.1:$PORT" --no-pooling --cache-dir "$DIR/cache" \
    >"$DIR/tally.log" 2>&1 &
VALGRIND_PID=$!
for _ in $(seq 1200); do curl -sf "http://127.0.0.1:$PORT/analytics/health" >/dev/null && break; sleep 0.1; done
TS=$(date +%s)
export TS

# per_request LABEL WRK-ARGS...: warm up, zero the counters, run wrk, dump, divide.
DUMP=0
per_request() {
    local label=$1
    shift
    wrk -t1 -c8 -d3s "$@" >/dev/null
    callgrind_control -z "$VALGRIND_PID" >/dev/null 2>&1
    wrk -t1 -c8 -d"${DURATION}s" "$@" >"$DIR/wrk.txt"
    callgrind_control -d "$VALGRIND_PID" >/dev/null 2>&1
    DUMP=$((DUMP + 1))
    local file="$DIR/callgrind.out.$DUMP" total requests
    for _ in $(seq 100); do grep -qs '^totals:' "$file" && break; sleep 0.1; done
    total=$(awk '/^totals:/ {print $2}' "$file")
    requests=$(awk '/requests in/ {print $1}' "$DIR/wrk.txt")
    printf '| %-36s | %12s | %8s |\n' "$label" "$((total / requests))" "$requests"
}

echo "callgrind, wrk -t1 -c8 -d${DURATION}s, $(date -u +%Y-%m-%d), $TALLY"
echo
printf '| %-36s | %12s | %8s |\n' "request" "instructions" "requests"
printf '|%s|%s|%s|\n' "--------------------------------------" "--------------" "----------"
per_request "GET /hello (hello component)" "http://127.0.0.1:$PORT/hello"
per_request "POST /analytics (slices event)" -s bench/slices/post.lua "http://127.0.0.1:$PORT"
per_request "GET /analytics/none (slices 404)" "http://127.0.0.1:$PORT/analytics/none"
