#!/usr/bin/env bash
# Fills a running bundle (scripts/run.sh, in another terminal) with realistic demo data
# through its own HTTP APIs, so the dashboard at http://127.0.0.1:3000/ shows something:
# two weeks of impressions, the last 24 hours of slice events, points activities, stream
# items and a week of ad events. Deterministic: the same seed in the same hour sends the
# same data. Arguments go to tally-seed (`scripts/seed.sh --help`), e.g. `--url`, `--only`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release -p tally-seed -- "$@"
