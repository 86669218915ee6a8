#!/usr/bin/env bash
# etl floor: the least work Postgres must do to store one file in the spec's model, beside
# a plain COPY of the same file, in one run. Nothing of Tally runs here: the file's
# distinct facts and hourly metrics are computed beforehand (untimed) and written to
# files, then, alternated with COPYs of the TSV into a plain table:
#   sorted   - one transaction: per fact table, CREATE a fresh table without indexes,
#              COPY the distinct facts in key order, ADD PRIMARY KEY (one sorted build);
#              then COPY the metrics into an indexed table shaped like ad_metrics. This is
#              the bulk path with deduplication, sorting and aggregation for free, and
#              with COPY (which Spin's Postgres interface does not have);
#   unsorted - the same with the facts in random order (what a load could send while it
#              is still reading the file, out of time order, before it can sort);
#   indexed  - the sorted facts COPYed into empty tables that have their primary keys
#              (the least work of a load into days that exist: no dedup, no conflict).
#
#   bench/etl-floor.sh [rows, default 1000000] [days, default 30] [rounds, default 2]
#
# Needs Postgres on 127.0.0.1 (scripts/run.sh sets it up), psql, shuf and bc. Uses the
# files of bench/etl.sh ($TALLY_BENCH_DIR, default /tmp/tally-etl-bench) and a schema of
# its own, dropped afterwards. Prints a Markdown report.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
DAYS=${2:-30}
ROUNDS=${3:-2}
WORK=${TALLY_BENCH_DIR:-/tmp/tally-etl-bench}
PG=${TALLY_BENCH_POSTGRES:-postgres://tally:tally@127.0.0.1:5432/tally}
S=etl_floor_$$
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release -q -p tally-etl --example gen
mkdir -p "$WORK/floor-$$"
D=$WORK/floor-$$
FILE=$WORK/events-$ROWS-$DAYS.tsv
[ -s "$FILE" ] || "$TARGET/release/examples/gen" --rows "$ROWS" --days "$DAYS" --start 2024-05-01 --out "$FILE"
trap 'psql "$PG" -qc "DROP SCHEMA IF EXISTS $S CASCADE" >/dev/null 2>&1 || true; rm -rf "$D"' EXIT
q() { psql "$PG" -v ON_ERROR_STOP=1 -q "$@"; }
source bench/etl/copy.sh

# Untimed: the file in a table, its distinct facts and metrics out to files (facts sorted
# by key as the primary keys order them; a shuffled copy for the unsorted variant).
HOUR="date_trunc('hour', ts)"
q -c "CREATE SCHEMA $S"
plain_copy "$S.raw" "$FILE" >/dev/null
q <<SQL
SET work_mem = '256MB';
\copy (SELECT DISTINCT ad_id, $HOUR, impression_id COLLATE "C" FROM $S.raw ORDER BY 1, 2, 3) TO '$D/ad_impressions'
\copy (SELECT DISTINCT ad_id, $HOUR, host(ip) COLLATE "C" FROM $S.raw ORDER BY 1, 2, 3) TO '$D/ad_sessions'
\copy (SELECT DISTINCT ad_id, $HOUR, user_id COLLATE "C" FROM $S.raw ORDER BY 1, 2, 3) TO '$D/users'
\copy (SELECT DISTINCT ad_id, $HOUR, impression_id COLLATE "C", user_id COLLATE "C", ts FROM $S.raw WHERE event = 'click' ORDER BY 1, 2, 3, 4, 5) TO '$D/ad_clicks'
\copy (SELECT ad_id, $HOUR, count(DISTINCT impression_id), count(DISTINCT (impression_id, user_id, ts)) FILTER (WHERE event = 'click'), count(DISTINCT ip), count(DISTINCT user_id) FROM $S.raw GROUP BY 1, 2 ORDER BY 1, 2) TO '$D/ad_metrics'
SQL
mkdir -p "$D/shuffled"
for t in ad_impressions ad_sessions users ad_clicks ad_metrics; do
    shuf --random-source=<(yes) "$D/$t" > "$D/shuffled/$t"
done

# The model stored from the files in directory $2, tables suffixed $1, in one
# transaction, the primary keys built after the COPY, or before it if $3 is "indexed";
# prints the seconds, then each statement's milliseconds.
floor() {
    local n=$1 dir=$2 mode=${3:-} t0 t1 out
    q -c "CREATE TABLE $S.ad_metrics_$n (ad_id bigint NOT NULL, hour timestamptz NOT NULL,
        total_impressions bigint NOT NULL, total_clicks bigint NOT NULL,
        total_sessions bigint NOT NULL, total_users bigint NOT NULL, PRIMARY KEY (ad_id, hour));
        CREATE INDEX ON $S.ad_metrics_$n (hour)"
    local sql="\\timing on"$'\n' table cols key
    local text='text COLLATE "C" NOT NULL'
    while IFS='|' read -r table cols key; do
        local pk="PRIMARY KEY (ad_id, hour, $key)"
        if [ "$mode" = indexed ]; then
            sql+="CREATE TABLE $S.${table}_$n (ad_id bigint NOT NULL, hour timestamptz NOT NULL, $cols, $pk);"$'\n'
            sql+="\\copy $S.${table}_$n FROM '$dir/$table'"$'\n'
            sql+="SELECT;"$'\n'  # in place of the key build: statement times keep their places
        else
            sql+="CREATE TABLE $S.${table}_$n (ad_id bigint NOT NULL, hour timestamptz NOT NULL, $cols);"$'\n'
            sql+="\\copy $S.${table}_$n FROM '$dir/$table'"$'\n'
            sql+="ALTER TABLE $S.${table}_$n ADD $pk;"$'\n'
        fi
    done <<EOF
ad_impressions|impression_id $text|impression_id
ad_sessions|ip $text|ip
users|user_id $text|user_id
ad_clicks|impression_id $text, user_id $text, ts timestamptz NOT NULL|impression_id, user_id, ts
EOF
    sql+="\\copy $S.ad_metrics_$n FROM '$dir/ad_metrics'"$'\n'
    t0=$(now)
    out=$(q -1 <<< "$sql")
    t1=$(now)
    echo "$(echo "$t1 - $t0" | bc -l) $(grep -o '^Time: [0-9.]*' <<< "$out" | cut -d' ' -f2 | tr '\n' ' ')"
}

echo "bench/etl-floor.sh $ROWS $DAYS $ROUNDS: $(nproc) cores, $(date -u +%Y-%m-%d), $(psql --version | head -1)"
echo "facts: $(wc -l < "$D/ad_impressions") impressions, $(wc -l < "$D/ad_sessions") sessions, $(wc -l < "$D/users") users, $(wc -l < "$D/ad_clicks") clicks, $(wc -l < "$D/ad_metrics") metric rows"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| run | seconds | vs the COPY before it | impressions copy / key | sessions copy / key | users copy / key | clicks copy / key | metrics copy (ms) |\n|---|---:|---:|---|---|---|---|---:|\n'
ms() { printf '%.0f' "$1"; }
report() {
    local name=$1 copy_s=$2; shift 2
    local s=$1; shift
    # $@: the statements' ms (create, copy, key per fact table; then the metrics copy).
    local a=("$@")
    printf '| %s | %.2f | %.2f× | %s / %s | %s / %s | %s / %s | %s / %s | %s |\n' "$name" "$s" \
        "$(echo "$s / $copy_s" | bc -l)" "$(ms "${a[1]}")" "$(ms "${a[2]}")" "$(ms "${a[4]}")" \
        "$(ms "${a[5]}")" "$(ms "${a[7]}")" "$(ms "${a[8]}")" "$(ms "${a[10]}")" "$(ms "${a[11]}")" \
        "$(ms "${a[12]}")"
}
# Sums of seconds per run kind, for the means at the end.
declare -A SUM=([copy]=0 [sorted]=0 [unsorted]=0 [indexed]=0)
# A COPY, then the floor variant $1 (sorted, unsorted or indexed), round $2.
pair() {
    local kind=$1 r=$2 c out dir=$D mode=
    c=$(plain_copy "$S.plain_$kind$r" "$FILE")
    printf '| COPY of the file (%s rows, plain table) | %.2f | | | | | | |\n' "$ROWS" "$c"
    [ "$kind" = unsorted ] && dir=$D/shuffled
    [ "$kind" = indexed ] && mode=indexed
    out=$(floor "$kind$r" "$dir" "$mode")
    # shellcheck disable=SC2086
    report "$kind" "$c" $out
    SUM[copy]=$(echo "${SUM[copy]} + $c" | bc -l)
    SUM[$kind]=$(echo "${SUM[$kind]} + ${out%% *}" | bc -l)
}
for r in $(seq 1 "$ROUNDS"); do
    for kind in sorted unsorted indexed; do pair "$kind" "$r"; done
done
echo
COPY_S=$(echo "${SUM[copy]} / (3 * $ROUNDS)" | bc -l)
printf 'means: COPY %.2f s' "$COPY_S"
for kind in sorted unsorted indexed; do
    s=$(echo "${SUM[$kind]} / $ROUNDS" | bc -l)
    printf '; %s %.2f s (%.2f× COPY)' "$kind" "$s" "$(echo "$s / $COPY_S" | bc -l)"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
