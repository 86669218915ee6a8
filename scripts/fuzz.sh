#!/usr/bin/env bash
# The long runs, separate from `scripts/test.sh` (and so from `.ci/run`):
#
# 1. every parser's property tests (the same properties `cargo test` runs with 256 cases
#    each) with PROPTEST_CASES large, bounded by time;
# 2. the cargo-fuzz targets of fuzz/ (libFuzzer, coverage-guided), each bounded by time.
#
#   scripts/fuzz.sh [seconds per crate and per target, default 60] [cases, default 1000000] [all|proptest|targets]
#
# Each crate's properties run until they reach the case count or the time is up
# (timeout stops them; that is a pass). Each fuzz target runs for `seconds`
# (-max_total_time) from its corpus (fuzz/corpus/<target>, kept between runs) and seeds
# (fuzz/seeds/<target>). A failure prints the minimal input (proptest) or writes it to
# fuzz/artifacts/<target>/ (libFuzzer) and exits non-zero: turn it into a plain
# regression unit test beside the parser, and fix the parser.
#
# cargo-fuzz needs nightly-only rustc flags (-Z sanitizer coverage options, sancov
# passes); RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them, for the fuzz build
# only. `--sanitizer none`: the parsers are safe Rust, so panics (and overflow checks,
# which cargo-fuzz turns on) are what is looked for, at full speed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cases="${2:-1000000}"
what="${3:-all}"
export PROPTEST_CASES="$cases"
# run <crate> <its directory> <test name filter> <cargo test target selection>: builds the
# crate's tests, then runs the test binary itself (not `cargo test`, which could spend the
# time limit waiting for cargo's lock while others build) on the property tests.
run() {
    local crate="$1" dir="$2" filter="$3"; shift 3
    local out exe rc
    out=$(cargo test --release --no-run -p "$crate" "$@" 2>&1) || { echo "$out"; exit 1; }
    exe=$(printf '%s\n' "$out" | sed -n 's/^ *Executable .*(\(.*\))$/\1/p' | tail -1)
    [[ "$exe" = /* ]] || exe="$PWD/$exe"
    echo "== $crate: up to ${seconds}s, PROPTEST_CASES=$cases"
    set +e
    (cd "$dir" && timeout --signal=INT "$seconds" "$exe" ${filter:+"$filter"} -q --test-threads=2)
    rc=$?
    set -e
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 130 ]; then
        echo "   (time limit reached before the case count: no failure so far)"
    elif [ "$rc" -ne 0 ]; then
        echo "!! $crate failed (exit $rc)"; exit "$rc"
    else
        echo "   $crate: every property passed all $cases cases"
    fi
}
if [ "$what" != targets ]; then
    run tally-common   components/common  properties --lib
    run tally-ingest   components/ingest  properties --lib
    run tally-slices   components/slices  properties --lib
    run tally-points   components/points  properties --lib
    run tally-streams  components/streams properties --lib
    run tally-manifest host/manifest      ""         --test properties
    run tally-etl      components/etl     properties --lib
    echo "fuzz: no property failed"
fi
[ "$what" = proptest ] && exit 0

if ! command -v cargo-fuzz >/dev/null; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$1" --sanitizer none "${@:2}"; }
fuzz build
targets=(tsv cursor params json_bodies manifest host_paths)
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    seeds=()
    [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
    # The manifest target starts from the bundle's real manifests.
    [ "$target" = manifest ] && cp spin.toml "$corpus/spin.toml" && cp bench/hello/spin.toml "$corpus/hello.toml"
    echo "== fuzz target $target: ${seconds}s"
    log="fuzz/target/$target.log"
    set +e
    fuzz run "$target" "$corpus" "${seeds[@]}" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if [ "$rc" -ne 0 ]; then
        grep -E "panicked|SUMMARY|Test unit written|left:|right:" "$log" || tail -30 "$log"
        echo "!! fuzz target $target failed after ${runs:-?} executions (log: $log)"; exit "$rc"
    fi
    echo "   $target: ${runs:-?} executions, no crash; corpus $(ls "$corpus" | wc -l) inputs"
done
echo "fuzz: no target crashed"
