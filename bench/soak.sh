#!/usr/bin/env bash
# Soak benchmark (not a test): mixed traffic over slices, points, streams and ingest at a
# bounded rate through `tally up` with the bundle's spin.toml, reporting throughput,
# p50/p99 per operation, errors, host memory over time and whether any count drifted.
#
#   bench/soak.sh [seconds, default 600] [requests/s, default 200]
#
# Keys go under a run-specific prefix (deleted at the end); ingest rows go to the local
# `tally` database and are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL="${1:-600}"
RATE="${2:-200}"
PORT=3123
RUN="soak_$$"
scripts/setup.sh >/dev/null
cargo build --release -q -p tally-host -p tally-bench-soak
target/release/tally build -f spin.toml >/dev/null

cleanup() {
    kill "${TALLY_PID:-0}" 2>/dev/null || true
    # keys may be binary (streams hashes ids): delete them inside Redis
    redis-cli EVAL "local c = '0' repeat local r = redis.call('SCAN', c, 'MATCH', ARGV[1], 'COUNT', 1000) c = r[1] for _, k in ipairs(r[2]) do redis.call('DEL', k) end until c == '0' return 0" 0 "$RUN*" >/dev/null
    psql -q postgres://tally:tally@127.0.0.1:5432/tally \
        -c "DELETE FROM impressions WHERE author_id = 'soak-author'" >/dev/null 2>&1 || true
}
trap cleanup EXIT

SPIN_VARIABLE_SLICES_PREFIX="$RUN" \
SPIN_VARIABLE_POINTS_KEY_PREFIX="$RUN:" \
SPIN_VARIABLE_STREAMS_PREFIX="$RUN:" \
SPIN_VARIABLE_INGEST_PREFIX="$RUN:" \
RUST_LOG=warn \
    target/release/tally up -f spin.toml --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
TALLY_PID=$!
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$PORT/points/health/ping" >/dev/null && break
    sleep 0.1
done
target/release/tally-bench-soak --url "http://127.0.0.1:$PORT" \
    --seconds "$SECONDS_TOTAL" --rate "$RATE" --host-pid "$TALLY_PID"
