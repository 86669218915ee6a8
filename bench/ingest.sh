#!/usr/bin/env bash
# Ingest benchmark: impressions/s for 1,000-event batches through `tally up`
# (POST /impressions) beside the same multi-row INSERT + counter script from native
# clients and COPY of the same rows, in one run; then view_counts latency for 25 posts.
#
#   bench/ingest.sh [batches per path, default 200] [client threads, default 4] [view-count calls, default 2000]
#
# Needs Postgres and Redis on 127.0.0.1 (scripts/run.sh sets them up). Data goes to
# per-run schemas and key prefixes, removed afterwards. Prints a Markdown report.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p tally-host
cargo build --release -q --target wasm32-wasip2 -p tally-ingest
echo "bench/ingest.sh $*: $(nproc) cores, $(date -u +%Y-%m-%d), $(psql --version 2>/dev/null | head -1), Redis $(redis-cli info server 2>/dev/null | awk -F: '/^redis_version/ {print $2}' | tr -d '\r')"
echo
cargo run --release -q -p tally-ingest --example bench -- "$@"
