#!/usr/bin/env bash
# Streams benchmark: coalesce of 10, 100 and 500 streams (limit 20) and insert throughput
# through `tally up`, beside the same Redis work from a native client, in one run.
#
#   bench/streams.sh [timed requests per coalesce case, default 200]
#
# STREAMS_METRICS=false turns the component's latency recording off.
#
# Needs a local Redis on 127.0.0.1:6379 (scripts/run.sh sets one up). Keys live under a
# prefix of their own and are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ITERATIONS="${1:-200}"
REDIS="${TALLY_BENCH_REDIS:-redis://127.0.0.1:6379}"
PORT=3111
PREFIX="bench:streams:$$:"

cargo build --release -q -p tally-host
cargo build --release -q --target wasm32-wasip2 -p tally-streams
# The native client: a workspace member once added there, otherwise built on its own.
if cargo metadata --no-deps --format-version 1 2>/dev/null | grep -q '"name":"tally-bench-streams"'; then
    cargo build --release -q -p tally-bench-streams
    BENCH=target/release/tally-bench-streams
else
    WORK=$(mktemp -d)
    cp -r bench/streams "$WORK/"
    printf '\n[workspace]\n' >> "$WORK/streams/Cargo.toml"
    CARGO_TARGET_DIR="${TMPDIR:-/tmp}/tally-bench-streams-target" cargo build --release -q --manifest-path "$WORK/streams/Cargo.toml"
    BENCH="${TMPDIR:-/tmp}/tally-bench-streams-target/release/tally-bench-streams"
    rm -rf "$WORK"
fi

DIR=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$DIR"' EXIT
cat > "$DIR/spin.toml" <<TOML
spin_manifest_version = 2
[application]
name = "bench-streams"
[variables]
redis_url = { default = "$REDIS" }
streams_prefix = { default = "$PREFIX" }
streams_metrics = { default = "${STREAMS_METRICS:-true}" }
[[trigger.http]]
route = "/streams/..."
component = "streams"
[component.streams]
source = "$PWD/target/wasm32-wasip2/release/tally_streams.wasm"
allowed_outbound_hosts = ["$REDIS"]
[component.streams.variables]
redis_url = "{{ redis_url }}"
streams_prefix = "{{ streams_prefix }}"
streams_metrics = "{{ streams_metrics }}"
TOML
target/release/tally up -f "$DIR/spin.toml" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/streams/health" >/dev/null && break; sleep 0.05; done

echo "$(nproc) cores, $(date -u +%Y-%m-%d), redis $(redis-cli INFO server 2>/dev/null | awk -F: '/redis_version/ {print $2}' | tr -d '\r')"
"$BENCH" "http://127.0.0.1:$PORT" "$REDIS" "$PREFIX" "$ITERATIONS"
