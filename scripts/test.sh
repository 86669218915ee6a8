#!/usr/bin/env bash
# Runs every test: unit tests of each crate, and the end-to-end tests that drive the
# built components through the host against the real PostgreSQL and Redis.
# Extra arguments go to `cargo test` (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
export TALLY_TEST_POSTGRES="${TALLY_TEST_POSTGRES:-postgres://tally:tally@127.0.0.1:5432/tally}"
export TALLY_TEST_REDIS="${TALLY_TEST_REDIS:-redis://127.0.0.1:6379}"
echo "==> unit tests of the dashboard's scripts"
npm test --prefix components/dashboard/web
echo "==> building the host (the first build takes several minutes)"
# The same features as the test harness (tests/src/build.rs), so one build serves all.
cargo build --release -p tally-host --features lambda
cargo test --release --workspace --features tally-host/lambda "$@"
