# Sourced by bench/etl.sh and bench/etl-floor.sh.

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# plain_copy TABLE FILE: creates TABLE (schema-qualified) with the columns of the
# generated TSV (no index, no dedup), `psql \copy`s FILE into it over $PG and prints the
# seconds the copy took: the COPY the loads are compared with.
plain_copy() {
    psql "$PG" -v ON_ERROR_STOP=1 -qc "CREATE TABLE $1 (ad_id bigint, ts timestamptz,
        event text, impression_id text, user_id text, ip inet, user_agent_string text)"
    local t0
    t0=$(now)
    psql "$PG" -v ON_ERROR_STOP=1 -qc "\\copy $1 FROM '$2' WITH (FORMAT text, HEADER true)"
    echo "$(now) - $t0" | bc -l
}
