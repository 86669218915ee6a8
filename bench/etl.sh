#!/usr/bin/env bash
# etl benchmark: load a generated ad-event TSV end to end through `tally up`
# (POST /etl/batches, streamed) beside a plain COPY of the same file (psql \copy into a
# table of the same columns) in the same run; then the latency of the 30-day dashboard
# query for one ad, hourly (and daily), from a keep-alive client.
#
#   bench/etl.sh [rows, default 1000000] [days, default 30] [query requests, default 2000]
#
# Needs Postgres on 127.0.0.1 (scripts/run.sh sets it up), psql and curl. The file is
# generated once into $TALLY_BENCH_DIR (default /tmp/tally-etl-bench) and reused; the
# data goes to a schema of the run's own, dropped afterwards. Prints a Markdown report.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
DAYS=${2:-30}
REQUESTS=${3:-2000}
WORK=${TALLY_BENCH_DIR:-/tmp/tally-etl-bench}
PG=${TALLY_BENCH_POSTGRES:-postgres://tally:tally@127.0.0.1:5432/tally}
SCHEMA=etl_bench_$$
FIRST_DAY=2024-05-01
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release -q -p tally-host
cargo build --release -q --target wasm32-wasip2 -p tally-etl
cargo build --release -q -p tally-etl --example gen --example latency
mkdir -p "$WORK"
FILE=$WORK/events-$ROWS-$DAYS.tsv
if [ ! -s "$FILE" ]; then
    "$TARGET/release/examples/gen" --rows "$ROWS" --days "$DAYS" --start "$FIRST_DAY" --out "$FILE"
fi

HOST_PID=
cleanup() {
    [ -n "$HOST_PID" ] && kill "$HOST_PID" 2>/dev/null && wait "$HOST_PID" 2>/dev/null
    psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$PG" -qc "CREATE SCHEMA $SCHEMA"

# The app: the component alone, its migrations, Postgres on the run's schema.
APP=$WORK/app-$$
mkdir -p "$APP/components/etl/migrations"
cp components/etl/migrations/*.sql "$APP/components/etl/migrations/"
cat > "$APP/spin.toml" <<EOF
spin_manifest_version = 2
[application]
name = "etl-bench"
[variables]
postgres_url = { default = "$PG?options=-csearch_path%3D$SCHEMA" }
[[trigger.http]]
route = "/..."
component = "etl"
[component.etl]
source = "$PWD/$TARGET/wasm32-wasip2/release/tally_etl.wasm"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
[component.etl.variables]
postgres_url = "{{ postgres_url }}"
EOF
"$TARGET/release/tally" up -f "$APP/spin.toml" --listen 127.0.0.1:0 --request-timeout 600s \
    > "$APP/host.out" 2> "$APP/host.log" &
HOST_PID=$!
for _ in $(seq 1 600); do
    URL=$(sed -n 's/^Listening on //p' "$APP/host.out" | head -1)
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { cat "$APP/host.log"; exit 1; }

now() { date +%s.%N; }
BYTES=$(stat -c %s "$FILE")
echo "bench/etl.sh $ROWS $DAYS $REQUESTS: $(nproc) cores, $(date -u +%Y-%m-%d), $(psql --version | head -1), file $((BYTES / 1000000)) MB"
echo

# 1. A plain COPY of the same file into a table of the same columns (no dedup, no facts).
psql "$PG" -qc "CREATE TABLE $SCHEMA.copy_plain (ad_id bigint, ts timestamptz, event text,
    impression_id text, user_id text, ip inet, user_agent_string text)"
T0=$(now)
psql "$PG" -qc "\\copy $SCHEMA.copy_plain FROM '$FILE' WITH (FORMAT text, HEADER true)"
T1=$(now)
COPY_S=$(echo "$T1 - $T0" | bc -l)

# 2. The same file through the host, streamed.
T0=$(now)
STATUS=$(curl -sS -o "$APP/load.json" -w '%{http_code}' -X POST -T "$FILE" -H 'Expect:' \
    -H 'content-type: text/tab-separated-values' "$URL/etl/batches?name=bench-$$")
T1=$(now)
LOAD_S=$(echo "$T1 - $T0" | bc -l)
[ "$STATUS" = 200 ] || { echo "load answered $STATUS:"; cat "$APP/load.json"; exit 1; }

count() { psql "$PG" -Atc "SELECT count(*) FROM $SCHEMA.$1"; }
printf '| path | seconds | rows/s | vs COPY |\n|---|---:|---:|---:|\n'
printf '| psql `\\copy` into a plain table (same columns, no dedup) | %.2f | %.0f | 1.00 |\n' "$COPY_S" "$(echo "$ROWS / $COPY_S" | bc -l)"
printf '| host: `POST /etl/batches` (parse, staging, dedup facts, metrics, ledger; one transaction) | %.2f | %.0f | %.2f |\n' \
    "$LOAD_S" "$(echo "$ROWS / $LOAD_S" | bc -l)" "$(echo "$COPY_S / $LOAD_S" | bc -l)"
echo
echo "load response: $(cat "$APP/load.json" | head -c 400)"
echo "rows: copy_plain $(count copy_plain), ad_impressions $(count ad_impressions), ad_clicks $(count ad_clicks), ad_sessions $(count ad_sessions), users $(count users), ad_metrics $(count ad_metrics)"
echo

# 3. The 30-day dashboard query for the busiest ad (1000), hourly and daily.
TO=$(date -u -d "$FIRST_DAY + 30 days" +%Y-%m-%d)
# (Daily points count distinct ids over the ad's fact rows of each day: a heavier query,
# measured with a twentieth of the requests.)
for G in hour day; do
    N=$REQUESTS
    [ "$G" = day ] && N=$(( REQUESTS / 20 > 10 ? REQUESTS / 20 : 10 ))
    Q="$URL/ads/1000/metrics?from=$FIRST_DAY&to=$TO&granularity=$G"
    echo "30 days, granularity=$G: $("$TARGET/release/examples/latency" --requests "$N" "$Q")"
done
