//! The statements of a load, in the order they run (see `README.md`, "why not COPY"):
//! one transaction, a temporary staging table filled by multi-row `unnest` inserts, then
//! set-based inserts of the distinct facts whose newly inserted rows move `ad_metrics`:
//! `ON CONFLICT DO NOTHING` into the days that exist, and in bulk for the days the file
//! creates (migration `0002_etl_bulk_days.sql`).

use spin_sdk::pg::ParameterValue;

use crate::row::Chunk;

/// Rows per staging insert.
pub const STAGE_ROWS: usize = 10_000;

/// Memory for the sorts of the fact inserts (for this transaction only).
pub const WORK_MEM: &str = "SET LOCAL work_mem = '128MB'";

/// No JIT compilation for this transaction: the fact statement's estimated cost is far
/// above `jit_above_cost`, and LLVM then spends seconds compiling expressions for a
/// statement that runs once (`EXPLAIN ANALYZE` for 1,000,000 rows: 2.25 s of JIT, of
/// which 1.09 s optimising, in sorts and index probes that it barely speeds up).
pub const NO_JIT: &str = "SET LOCAL jit = off";

/// The staging table of one load, dropped at the end of its transaction.
pub const CREATE_STAGING: &str = "CREATE TEMP TABLE etl_staging (\
    ad_id bigint NOT NULL, \
    hour timestamptz NOT NULL, \
    click_ts timestamptz, \
    impression_id text COLLATE \"C\" NOT NULL, \
    user_id text COLLATE \"C\" NOT NULL, \
    ip text COLLATE \"C\" NOT NULL) ON COMMIT DROP";

/// One chunk into staging; the parameters are [`stage_params`].
pub const STAGE: &str = "INSERT INTO etl_staging \
    SELECT a, to_timestamp(h), timestamptz 'epoch' + c * interval '1 microsecond', i, u, p \
    FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[]) \
    AS t(a, h, c, i, u, p)";

/// The parameters of [`STAGE`] for `chunk`.
pub fn stage_params(chunk: Chunk) -> Vec<ParameterValue> {
    vec![
        ParameterValue::ArrayInt64(chunk.ad_ids),
        ParameterValue::ArrayInt64(chunk.hours),
        ParameterValue::ArrayInt64(chunk.clicks),
        ParameterValue::ArrayStr(chunk.impression_ids),
        ParameterValue::ArrayStr(chunk.user_ids),
        ParameterValue::ArrayStr(chunk.ips),
    ]
}

/// Locks the file's days for the transaction (`$1`: days since the epoch, `int4[]`) and
/// returns those that no fact table has a partition for yet (`int4[]`): the days this
/// load creates, in bulk. A concurrent load of one of them waits here for this one.
pub const LOCK_DAYS: &str = "SELECT etl_lock_days($1::int4[])";

/// Creates the missing day partitions of days that exist (`$1`: days, `int4[]`).
pub const ENSURE_PARTITIONS: &str = "SELECT etl_ensure_partitions($1::int4[])";

/// Lets the planner see the staging table's size and spread (for [`FACTS`]).
pub const ANALYZE_STAGING: &str = "ANALYZE etl_staging";

/// Inserts the distinct facts of staging outside the days `$1` (`int4[]`, the days
/// [`BULK_FACTS`] creates), skipping stored ones, and adds what was newly inserted to
/// `ad_metrics`. Inputs are sorted by key (`DISTINCT ON`: a sort, never a hash of ~1M
/// groups), so concurrent loads take row locks in one order. Returns one row: new
/// impressions, clicks, sessions, users, and the `ad_metrics` rows touched.
pub const FACTS: &str = "WITH \
    old AS NOT MATERIALIZED (SELECT * FROM etl_staging \
        WHERE NOT hour <@ (SELECT etl_days_range($1::int4[]))), \
    imp AS (INSERT INTO ad_impressions (ad_id, hour, impression_id) \
        SELECT DISTINCT ON (ad_id, hour, impression_id) ad_id, hour, impression_id FROM old \
        ORDER BY ad_id, hour, impression_id \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    clk AS (INSERT INTO ad_clicks (ad_id, hour, impression_id, user_id, ts) \
        SELECT DISTINCT ON (ad_id, hour, impression_id, user_id, click_ts) \
            ad_id, hour, impression_id, user_id, click_ts FROM old WHERE click_ts IS NOT NULL \
        ORDER BY ad_id, hour, impression_id, user_id, click_ts \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    ses AS (INSERT INTO ad_sessions (ad_id, hour, ip) \
        SELECT DISTINCT ON (ad_id, hour, ip) ad_id, hour, ip FROM old ORDER BY ad_id, hour, ip \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    usr AS (INSERT INTO users (ad_id, hour, user_id) \
        SELECT DISTINCT ON (ad_id, hour, user_id) ad_id, hour, user_id FROM old \
        ORDER BY ad_id, hour, user_id \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    delta AS (SELECT ad_id, hour, count(*) FILTER (WHERE t = 1) AS i, \
            count(*) FILTER (WHERE t = 2) AS c, count(*) FILTER (WHERE t = 3) AS s, \
            count(*) FILTER (WHERE t = 4) AS u \
        FROM (SELECT ad_id, hour, 1 AS t FROM imp UNION ALL SELECT ad_id, hour, 2 FROM clk \
            UNION ALL SELECT ad_id, hour, 3 FROM ses UNION ALL SELECT ad_id, hour, 4 FROM usr) d \
        GROUP BY ad_id, hour), \
    up AS (INSERT INTO ad_metrics AS m \
            (ad_id, hour, total_impressions, total_clicks, total_sessions, total_users) \
        SELECT ad_id, hour, i, c, s, u FROM delta ORDER BY ad_id, hour \
        ON CONFLICT (ad_id, hour) DO UPDATE SET \
            total_impressions = m.total_impressions + EXCLUDED.total_impressions, \
            total_clicks = m.total_clicks + EXCLUDED.total_clicks, \
            total_sessions = m.total_sessions + EXCLUDED.total_sessions, \
            total_users = m.total_users + EXCLUDED.total_users \
        RETURNING 1) \
    SELECT (SELECT count(*) FROM imp), (SELECT count(*) FROM clk), \
        (SELECT count(*) FROM ses), (SELECT count(*) FROM usr), (SELECT count(*) FROM up)";

/// Builds the partitions of the new days `$1` (`int4[]`, locked by [`LOCK_DAYS`]) from
/// staging (`$2`: whether all of staging falls on them): fresh tables filled with the
/// days' distinct facts, primary keys built once, then attached; every fact is new, so
/// all of them move `ad_metrics`. Returns the same row as [`FACTS`]. Runs after it: the
/// attach locks the fact tables (SHARE UPDATE EXCLUSIVE) until the commit.
pub const BULK_FACTS: &str = "SELECT * FROM etl_bulk_facts($1::int4[], $2::bool)";

/// The parameter of [`LOCK_DAYS`], [`ENSURE_PARTITIONS`], [`FACTS`] and [`BULK_FACTS`].
pub fn days_param(days: &[i32]) -> ParameterValue {
    ParameterValue::ArrayInt32(days.iter().map(|d| Some(*d)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_parameters_follow_the_statement() {
        let chunk = Chunk {
            ad_ids: vec![Some(1)],
            hours: vec![Some(3600)],
            clicks: vec![None],
            impression_ids: vec![Some("i".into())],
            user_ids: vec![Some("u".into())],
            ips: vec![Some("10.0.0.1".into())],
        };
        let params = stage_params(chunk);
        assert_eq!(params.len(), STAGE.matches("[]").count());
        assert!(matches!(&params[2], ParameterValue::ArrayInt64(c) if c == &[None]));
        assert!(
            matches!(&params[5], ParameterValue::ArrayStr(p) if p[0].as_deref() == Some("10.0.0.1"))
        );
    }

    #[test]
    fn every_fact_table_feeds_the_metrics() {
        for table in [
            "ad_impressions",
            "ad_clicks",
            "ad_sessions",
            "users",
            "ad_metrics",
        ] {
            assert!(FACTS.contains(&format!("INSERT INTO {table} ")), "{table}");
        }
        assert_eq!(FACTS.matches("ON CONFLICT DO NOTHING").count(), 4);
    }

    #[test]
    fn the_on_conflict_path_leaves_out_the_days_built_in_bulk() {
        // Every fact insert reads the staging rows outside the new days `$1`.
        assert_eq!(FACTS.matches("FROM old").count(), 4);
        assert!(FACTS.contains("NOT hour <@ (SELECT etl_days_range($1::int4[]))"));
        let days = days_param(&[19844, 19845]);
        assert!(matches!(days, ParameterValue::ArrayInt32(d) if d == [Some(19844), Some(19845)]));
    }
}
