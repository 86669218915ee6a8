#!/usr/bin/env bash
# slices benchmark: events/s and GET latency through `tally up`, beside the same Redis
# script calls issued directly by a native client (redis-benchmark), same machine, one run.
#
#   bench/slices.sh [seconds per run, default 10] [connections, default 32]
#
# Needs wrk (apt-get install wrk), redis-benchmark (package redis-tools / redis-server)
# and a Redis on 127.0.0.1:6379. Keys go to database 15 under a bench prefix and are
# deleted at the end. TALLY=path/to/tally measures that binary instead of building this
# checkout's; bench/instructions.sh counts the instructions it spends per event and per 404.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS="${2:-32}"
REDIS_DB=15
PREFIX="bench_slices_$$"
PORT=3111
for tool in wrk redis-benchmark redis-cli; do
    command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install wrk redis-tools" >&2; exit 1; }
done

[ -n "${TALLY:-}" ] || cargo build --release -q -p tally-host --features lambda
cargo build --release -q --target wasm32-wasip2 -p tally-slices
TALLY="${TALLY:-target/release/tally}"
DIR=$(mktemp -d)
cleanup() {
    kill "${TALLY_PID:-0}" 2>/dev/null || true
    redis-cli -n "$REDIS_DB" --scan --pattern "$PREFIX*" | xargs -r -n 500 redis-cli -n "$REDIS_DB" del >/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

source bench/slices/manifest.sh
slices_manifest bench-slices "$REDIS_DB" "$PREFIX" > "$DIR/spin.toml"

"$TALLY" up -f "$DIR/spin.toml" --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
TALLY_PID=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/analytics/health" >/dev/null && break; sleep 0.05; done

TS=$(date +%s)
export TS
REDIS_PID=$(redis-cli info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, clock ticks
per_event() { echo "scale=1; ($2 - $1) * 1000000 / $TICK / $3" | bc -l; } # before, after, events -> us
wrk_line() { # label, wrk output file
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' "$2")
    p50=$(awk '$1=="50%" {print $2}' "$2")
    p99=$(awk '$1=="99%" {print $2}' "$2")
    errors=$(awk '/Non-2xx/ {print $NF}' "$2")
    printf '| %-44s | %10s | %8s | %8s |%s\n' "$1" "$rps" "$p50" "$p99" "${errors:+ non-2xx: $errors}"
}
bench_line() { # label, redis-benchmark csv output file
    # --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    awk -F'","' -v label="$1" 'NR==2 {printf "| %-44s | %10s | %6sms | %6sms |\n", label, $2, $5, $7}' "$2"
}

echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s / redis-benchmark -c$CONNECTIONS, $(nproc) cores, $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg), Redis $(redis-cli info server | awk -F: '/redis_version/ {print $2}' | tr -d '\r')"
echo
printf '| %-44s | %10s | %8s | %8s |\n' "what" "per second" "p50" "p99"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "------------" "----------" "----------"

# 1. Events through the host: one HTTP request, one HMAC, one EVALSHA each.
T0=$(cpu "$TALLY_PID"); R0=$(cpu "$REDIS_PID")
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/slices/post.lua "http://127.0.0.1:$PORT" > "$DIR/post.txt"
T1=$(cpu "$TALLY_PID"); R1=$(cpu "$REDIS_PID")
wrk_line "POST /analytics through tally up" "$DIR/post.txt"
HOST_RPS=$(awk '/Requests\/sec/ {print $2}' "$DIR/post.txt")
SENT=$(awk '/requests in/ {print $1}' "$DIR/post.txt")

# 2. The same script, called directly: EVALSHA with the same four keys and six arguments
#    as the component passes for these events (no retention, no HyperLogLog, no event id;
#    a 12-byte random user id in place of the 16-byte hash).
SCRIPT=$(awk '/^pub static EVENT/ {on=1; next} on && /^    r#"/ {sub(/^    r#"/, ""); print; next} on && /"#,$/ {sub(/"#,$/, ""); print; exit} on {print}' components/slices/src/scripts.rs)
SHA=$(redis-cli -n "$REDIS_DB" SCRIPT LOAD "$SCRIPT")
SLICE=$((TS / 3600))
N=$(printf '%.0f' "$(echo "$HOST_RPS * $DURATION" | bc -l)")
N=$(( N < 100000 ? 100000 : N ))
R2=$(cpu "$REDIS_PID")
redis-benchmark --dbnum "$REDIS_DB" -n "$N" -c "$CONNECTIONS" -r 100000 --csv \
    EVALSHA "$SHA" 4 "$PREFIX:direct:$SLICE:users" "$PREFIX:direct:$SLICE:counts" "$PREFIX:direct:$SLICE:hll" \
    "$PREFIX:direct:$SLICE:ids" "__rand_int__" impressions 0 0 "" "" > "$DIR/direct.csv" 2>&1 || { cat "$DIR/direct.csv"; exit 1; }
R3=$(cpu "$REDIS_PID")
bench_line "EVALSHA event script, redis-benchmark (direct)" "$DIR/direct.csv"
DIRECT_RPS=$(awk -F'","' 'NR==2 {print $2}' "$DIR/direct.csv")

# 3. The host's own ceiling on this machine: a path the component answers with a 404
#    problem at once, no Redis call.
F0=$(cpu "$TALLY_PID")
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/analytics/none" > "$DIR/floor.txt"
F1=$(cpu "$TALLY_PID")
wrk_line "GET unknown path (404, no Redis): host ceiling" "$DIR/floor.txt"
FLOOR_N=$(awk '/requests in/ {print $1}' "$DIR/floor.txt")

# 4. GET for the current hour on a warm host: one client (latency), then many (throughput).
curl -s "http://127.0.0.1:$PORT/analytics?timestamp=$TS" >/dev/null
wrk -t1 -c1 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/analytics?timestamp=$TS" > "$DIR/get1.txt"
wrk_line "GET /analytics (current hour), 1 connection" "$DIR/get1.txt"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/analytics?timestamp=$TS" > "$DIR/get.txt"
wrk_line "GET /analytics (current hour), $CONNECTIONS connections" "$DIR/get.txt"
redis-benchmark --dbnum "$REDIS_DB" -n 50000 -c 1 --csv HMGET "$PREFIX:$SLICE:counts" unique_users clicks impressions late > "$DIR/hmget.csv" 2>&1
bench_line "HMGET counters, redis-benchmark, 1 connection" "$DIR/hmget.csv"

# Exactness check: every event wrk saw accepted is in the counters.
COUNTED=$(curl -s "http://127.0.0.1:$PORT/analytics?timestamp=$TS&format=json" | sed 's/.*"clicks":\([0-9]*\).*"impressions":\([0-9]*\).*/\1 \2/' | awk '{print $1 + $2}')
echo
echo "events sent by wrk: $SENT, events counted: $COUNTED"
echo "host/direct event throughput: $(echo "scale=2; $HOST_RPS / $DIRECT_RPS" | bc -l) (acceptance: >= 0.5)"
echo "CPU per event through the host: tally $(per_event "$T0" "$T1" "$SENT") us, redis-server $(per_event "$R0" "$R1" "$SENT") us"
echo "CPU per event direct:           redis-server $(per_event "$R2" "$R3" "$N") us"
echo "CPU per request of the 404 path: tally $(per_event "$F0" "$F1" "$FLOOR_N") us"
