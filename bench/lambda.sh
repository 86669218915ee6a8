#!/usr/bin/env bash
# Lambda cold start: how long `bootstrap` (tally lambda) takes from process start to
# "ready" (manifest, variables, component loaded and linked, migrations checked), with
# the packaged precompiled component and with an empty cache (compiling the .wasm).
# Packages ingest into dist/, unpacks it, and points the runtime API at a closed port
# (the function stops right after "ready": its exit status is ignored). Needs the local
# PostgreSQL (scripts/setup.sh): the package's default postgres_url.
# Usage: bench/lambda.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
cargo build --release -p tally-host --features lambda
cargo build --release --target wasm32-wasip2 -p tally-ingest
target/release/tally package-lambda --component ingest --out dist >/dev/null
task="$(mktemp -d)"; empty="$(mktemp -d)"
trap 'rm -rf "$task" "$empty"' EXIT
python3 -c "import sys, zipfile; zipfile.ZipFile('dist/ingest.zip').extractall(sys.argv[1])" "$task"
chmod +x "$task/bootstrap"
start() {
  env -i PATH=/usr/bin:/bin NO_COLOR=1 LAMBDA_TASK_ROOT="$task" "$@" \
    AWS_LAMBDA_RUNTIME_API=127.0.0.1:1 AWS_LAMBDA_FUNCTION_NAME=bench \
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 AWS_LAMBDA_FUNCTION_VERSION=1 \
    timeout 120 "$task/bootstrap" 2>&1 | grep -o 'ready_ms=[0-9]*' | cut -d= -f2 || true
}
echo "ready (ms) with the packaged precompiled component:"
for _ in $(seq "$runs"); do start; done | paste -sd' '
echo "ready (ms) compiling the .wasm (empty cache):"
for _ in $(seq "$runs"); do rm -rf "${empty:?}"/*; start TALLY_CACHE_DIR="$empty"; done | paste -sd' '
