//! The statements of a load, in the order they run (see `README.md`, "why not COPY"):
//! one transaction, a temporary staging table filled by multi-row `unnest` inserts, then
//! set-based inserts of the distinct facts whose newly inserted rows move `ad_metrics`.

use spin_sdk::pg::ParameterValue;

use crate::row::Chunk;

/// Rows per staging insert.
pub const STAGE_ROWS: usize = 10_000;

/// Memory for the sorts of the fact inserts (for this transaction only).
pub const WORK_MEM: &str = "SET LOCAL work_mem = '128MB'";

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

/// Creates the day partitions the file needs (`$1`: days since the epoch, `int4[]`).
pub const ENSURE_PARTITIONS: &str = "SELECT etl_ensure_partitions($1::int4[])";

/// Lets the planner see the staging table's size and spread.
pub const ANALYZE_STAGING: &str = "ANALYZE etl_staging";

/// Inserts the distinct facts of staging, skipping stored ones, and adds what was newly
/// inserted to `ad_metrics`. Inputs are sorted by key, so concurrent loads take row locks
/// in one order. Returns one row: new impressions, clicks, sessions, users, and the
/// `ad_metrics` rows touched.
pub const FACTS: &str = "WITH \
    imp AS (INSERT INTO ad_impressions (ad_id, hour, impression_id) \
        SELECT DISTINCT ad_id, hour, impression_id FROM etl_staging ORDER BY 1, 2, 3 \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    clk AS (INSERT INTO ad_clicks (ad_id, hour, impression_id, user_id, ts) \
        SELECT DISTINCT ad_id, hour, impression_id, user_id, click_ts FROM etl_staging \
        WHERE click_ts IS NOT NULL ORDER BY 1, 2, 3, 4, 5 \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    ses AS (INSERT INTO ad_sessions (ad_id, hour, ip) \
        SELECT DISTINCT ad_id, hour, ip FROM etl_staging ORDER BY 1, 2, 3 \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    usr AS (INSERT INTO users (ad_id, hour, user_id) \
        SELECT DISTINCT ad_id, hour, user_id FROM etl_staging ORDER BY 1, 2, 3 \
        ON CONFLICT DO NOTHING RETURNING ad_id, hour), \
    delta AS (SELECT ad_id, hour, sum(i) AS i, sum(c) AS c, sum(s) AS s, sum(u) AS u FROM ( \
            SELECT ad_id, hour, 1 AS i, 0 AS c, 0 AS s, 0 AS u FROM imp \
            UNION ALL SELECT ad_id, hour, 0, 1, 0, 0 FROM clk \
            UNION ALL SELECT ad_id, hour, 0, 0, 1, 0 FROM ses \
            UNION ALL SELECT ad_id, hour, 0, 0, 0, 1 FROM usr) d \
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
}
