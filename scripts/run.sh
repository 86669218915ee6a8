#!/usr/bin/env bash
# Runs the Tally bundle on 127.0.0.1:3000: sets up what is missing, builds the host and
# every component, applies migrations, and serves every route (Ctrl-C to stop).
# Extra arguments go to `tally up` (see `target/release/tally up --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "==> building the host (the first build takes several minutes)"
cargo build --release -p tally-host
target/release/tally build
exec target/release/tally up "$@"
