#!/usr/bin/env bash
# etl benchmark: a generated ad-event TSV loaded end to end through `tally up`
# (POST /etl/batches, streamed), interleaved in one run with plain COPYs of the same file
# (psql \copy into a table of the same columns):
#   1. COPY;
#   2. the file into schema A, where its days are new: the bulk path;
#   3. COPY;
#   4. the same file into schema B, whose day partitions exist (created empty first): the
#      ON CONFLICT path, as every load took it before the bulk path;
#   5. COPY;
#   6. a second file (another seed) on the same days into schema A: the ON CONFLICT path
#      into partitions holding a file;
#   7. the file with its `ip` column renamed: refused at the header, then only read and
#      hashed (what every load pays before parsing);
# then the latency of the 30-day dashboard query for one ad in schema A, hourly (and
# daily), from a keep-alive client.
#
#   bench/etl.sh [rows, default 1000000] [days, default 30] [query requests, default 2000]
#
# Needs Postgres on 127.0.0.1 (scripts/run.sh sets it up), psql and curl. The files are
# generated once into $TALLY_BENCH_DIR (default /tmp/tally-etl-bench) and reused; the
# data goes to schemas of the run's own, dropped afterwards. Prints a Markdown report.
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
SECOND=$WORK/events-$ROWS-$DAYS-seed8.tsv
[ -s "$FILE" ] || "$TARGET/release/examples/gen" --rows "$ROWS" --days "$DAYS" --start "$FIRST_DAY" --out "$FILE"
[ -s "$SECOND" ] || "$TARGET/release/examples/gen" --rows "$ROWS" --days "$DAYS" --start "$FIRST_DAY" --seed 8 --out "$SECOND"

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    for s in a b; do psql "$PG" -qc "DROP SCHEMA IF EXISTS ${SCHEMA}_$s CASCADE" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# An app of the component alone on schema ${SCHEMA}_$1 (migrations applied); sets URL.
start() {
    local app=$WORK/app-$$-$1 schema=${SCHEMA}_$1
    psql "$PG" -qc "CREATE SCHEMA $schema"
    mkdir -p "$app/components/etl/migrations"
    cp components/etl/migrations/*.sql "$app/components/etl/migrations/"
    cat > "$app/spin.toml" <<EOF
spin_manifest_version = 2
[application]
name = "etl-bench"
[variables]
postgres_url = { default = "$PG?options=-csearch_path%3D$schema" }
[[trigger.http]]
route = "/..."
component = "etl"
[component.etl]
source = "$PWD/$TARGET/wasm32-wasip2/release/tally_etl.wasm"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
[component.etl.variables]
postgres_url = "{{ postgres_url }}"
EOF
    "$TARGET/release/tally" up -f "$app/spin.toml" --listen 127.0.0.1:0 --request-timeout 600s \
        > "$app/host.out" 2> "$app/host.log" &
    PIDS+=($!)
    URL=
    for _ in $(seq 1 600); do
        URL=$(sed -n 's/^Listening on //p' "$app/host.out" | head -1)
        [ -n "$URL" ] && return
        sleep 0.1
    done
    cat "$app/host.log"
    exit 1
}
start b
URL_B=$URL
start a
URL_A=$URL
APP=$WORK/app-$$-a
# Schema B: every day of the files exists (empty) before its load.
psql "$PG" -q -c "SET search_path = ${SCHEMA}_b" -c "SELECT etl_ensure_partitions(ARRAY(SELECT
    generate_series(date '$FIRST_DAY' - date '1970-01-01', date '$FIRST_DAY' - date '1970-01-01' + $DAYS)))" >/dev/null

source bench/etl/copy.sh
BYTES=$(stat -c %s "$FILE")
echo "bench/etl.sh $ROWS $DAYS $REQUESTS: $(nproc) cores, $(date -u +%Y-%m-%d), $(psql --version | head -1), file $((BYTES / 1000000)) MB"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# `tally up` at $1 loading $2 as batch $3, streamed; seconds (the response in $APP/$3.json).
load() {
    local t0 status
    t0=$(now)
    status=$(curl -sS -o "$APP/$3.json" -w '%{http_code}' -X POST -T "$2" -H 'Expect:' \
        -H 'content-type: text/tab-separated-values' "$1/etl/batches?name=$3")
    [ "$status" = 200 ] || { echo "load answered $status:" >&2; cat "$APP/$3.json" >&2; exit 1; }
    echo "$(now) - $t0" | bc -l
}

COPY1_S=$(plain_copy "${SCHEMA}_a.copy_plain" "$FILE")
BULK_S=$(load "$URL_A" "$FILE" bulk)
COPY2_S=$(plain_copy "${SCHEMA}_a.copy_plain2" "$FILE")
EXISTING_S=$(load "$URL_B" "$FILE" existing)
grep -q '"days":0' "$APP/existing.json" || { echo "schema B's days were not created first" >&2; exit 1; }
COPY3_S=$(plain_copy "${SCHEMA}_a.copy_plain3" "$FILE")
SECOND_S=$(load "$URL_A" "$SECOND" second)
COPY_S=$(echo "($COPY1_S + $COPY2_S + $COPY3_S) / 3" | bc -l)
# The file with a header lacking `ip`: the component refuses it at the header, then only
# reads and hashes the rest (the ledger records the version): what any load of the file
# pays before parsing. 422 expected.
HEADERLESS=$WORK/events-$ROWS-$DAYS-no-ip.tsv
[ -s "$HEADERLESS" ] || sed '1s/\tip\t/\tno_ip\t/' "$FILE" > "$HEADERLESS"
T0=$(now)
STATUS=$(curl -sS -o "$APP/read.json" -w '%{http_code}' -X POST -T "$HEADERLESS" -H 'Expect:' \
    "$URL_A/etl/batches?name=read")
READ_S=$(echo "$(now) - $T0" | bc -l)
[ "$STATUS" = 422 ] || { echo "the header-less file answered $STATUS" >&2; exit 1; }

count() { psql "$PG" -Atc "SELECT count(*) FROM ${SCHEMA}_a.$1"; }
row() { printf '| %s | %.2f | %.0f | %.2f |\n' "$1" "$2" "$(echo "$ROWS / $2" | bc -l)" "$(echo "$COPY_S / $2" | bc -l)"; }
printf '| path (in run order) | seconds | rows/s | vs COPY (mean of the three) |\n|---|---:|---:|---:|\n'
row 'psql `\copy` into a plain table (same columns, no dedup)' "$COPY1_S"
row 'host: `POST /etl/batches`, new days: bulk path (parse, staging, facts, metrics, ledger; one transaction)' "$BULK_S"
row 'psql `\copy` again' "$COPY2_S"
row 'host: the same file, days existing (empty): ON CONFLICT path' "$EXISTING_S"
row 'psql `\copy` once more' "$COPY3_S"
row 'host: a second file (seed 8) on the days of the first: ON CONFLICT path' "$SECOND_S"
row 'host: reading and hashing the file only (refused at its header: no parsing, no facts)' "$READ_S"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in bulk existing second; do echo "$f: $(head -c 700 "$APP/$f.json")"; echo; done
echo "schema A rows: copy_plain $(count copy_plain), ad_impressions $(count ad_impressions), ad_clicks $(count ad_clicks), ad_sessions $(count ad_sessions), users $(count users), ad_metrics $(count ad_metrics)"
echo

# The 30-day dashboard query for the busiest ad (1000), hourly and daily, on schema A.
TO=$(date -u -d "$FIRST_DAY + 30 days" +%Y-%m-%d)
# (Daily points count distinct ids over the ad's fact rows of each day: a heavier query,
# measured with a twentieth of the requests.)
for G in hour day; do
    N=$REQUESTS
    [ "$G" = day ] && N=$(( REQUESTS / 20 > 10 ? REQUESTS / 20 : 10 ))
    Q="$URL_A/ads/1000/metrics?from=$FIRST_DAY&to=$TO&granularity=$G"
    echo "30 days, granularity=$G: $("$TARGET/release/examples/latency" --requests "$N" "$Q")"
done
