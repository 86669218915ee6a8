#!/usr/bin/env bash
# The long run of every parser's property tests (the same properties `cargo test` runs
# with 256 cases each), with PROPTEST_CASES large, bounded by time.
#
#   scripts/fuzz.sh [seconds per crate, default 60] [cases, default 1000000]
#
# Each crate's properties run until they reach the case count or the time is up
# (timeout stops them; that is a pass). A failure prints the minimal input proptest found
# and exits non-zero: turn it into a plain regression unit test beside the parser.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cases="${2:-1000000}"
export PROPTEST_CASES="$cases"
run() {
    local what="$1"; shift
    # Build first (same arguments, so nothing is rebuilt), so the time limit is spent on
    # cases, not on compiling or waiting for cargo's lock.
    cargo test --release --no-run -q "$@"
    echo "== $what: up to ${seconds}s, PROPTEST_CASES=$cases"
    set +e
    timeout --signal=INT "$seconds" cargo test --release -q "$@" -- --test-threads=2
    local rc=$?
    set -e
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 130 ]; then
        echo "   (time limit reached before the case count: no failure so far)"
    elif [ "$rc" -ne 0 ]; then
        echo "!! $what failed (exit $rc)"; exit "$rc"
    fi
}
run tally-common   -p tally-common --lib properties
run tally-ingest   -p tally-ingest --lib properties
run tally-slices   -p tally-slices --lib properties
run tally-points   -p tally-points --lib properties
run tally-streams  -p tally-streams --lib properties
run tally-manifest -p tally-manifest --test properties
run tally-etl      -p tally-etl --lib properties
echo "fuzz: no property failed"
