#!/usr/bin/env bash
# Points benchmark: write throughput and query latency (1-minute, 1-day, 1-year windows;
# 1 and 100 users) through `tally up`, beside the same Lua scripts with the same arguments
# called directly from a native Redis client, in one run.
#
#   bench/points.sh [seconds per write phase, default 5] [calls per query, default 200]
#
# Needs Redis on 127.0.0.1:6379; the data goes to database 15 (POINTS_BENCH_REDIS to
# change) under a per-run prefix and is deleted afterwards. Prints a Markdown report.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tally-host --features lambda
cargo build --release -q --target wasm32-wasip2 -p tally-points
echo "bench/points.sh $*: $(nproc) cores, $(date -u +%Y-%m-%d), Redis $(redis-cli info server | awk -F: '/^redis_version/ {print $2}' | tr -d '\r')"
echo
cargo run --release -q -p tally-points --example bench -- "$@"
