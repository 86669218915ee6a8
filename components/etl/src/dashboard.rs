//! The dashboard queries: hourly series from `ad_metrics`; daily series with distinct
//! counts over the day, exactly, from the fact tables; top ads over a range.

use std::collections::HashMap;

use serde::Serialize;
use spin_sdk::pg::{Connection, DbValue, ParameterValue};
use tally_common::problem::Problem;

use crate::query::{By, Granularity, Range};
use crate::series::{self, Counts, Point};

/// `$2`/`$3` (microseconds since the epoch) as instants.
const FROM: &str = "(timestamptz 'epoch' + $2::int8 * interval '1 microsecond')";
const TO: &str = "(timestamptz 'epoch' + $3::int8 * interval '1 microsecond')";

/// Rows (ad, bucket micros, impressions, clicks, sessions, users) of the hours of `$1`
/// (ads) in `[$2, $3)`.
fn hourly_sql() -> String {
    format!(
        "SELECT ad_id, (extract(epoch FROM hour) * 1000000)::int8, total_impressions, \
            total_clicks, total_sessions, total_users \
         FROM ad_metrics WHERE ad_id = ANY($1::int8[]) AND hour >= {FROM} AND hour < {TO}"
    )
}

/// The same per UTC day: impressions, sessions and users distinct over the day.
fn daily_sql() -> String {
    let distinct = |table: &str, column: &str| {
        format!(
            "SELECT ad_id, date_trunc('day', hour, 'UTC') AS day, count(DISTINCT {column}) AS n \
             FROM {table} WHERE ad_id = ANY($1::int8[]) AND hour >= {FROM} AND hour < {TO} \
             GROUP BY 1, 2"
        )
    };
    format!(
        "WITH i AS ({}), s AS ({}), u AS ({}), \
         c AS (SELECT ad_id, date_trunc('day', hour, 'UTC') AS day, sum(total_clicks)::int8 AS n \
             FROM ad_metrics WHERE ad_id = ANY($1::int8[]) AND hour >= {FROM} AND hour < {TO} \
             GROUP BY 1, 2) \
         SELECT ad_id, (extract(epoch FROM day) * 1000000)::int8, coalesce(i.n, 0), \
            coalesce(c.n, 0), coalesce(s.n, 0), coalesce(u.n, 0) \
         FROM i FULL JOIN c USING (ad_id, day) FULL JOIN s USING (ad_id, day) \
            FULL JOIN u USING (ad_id, day)",
        distinct("ad_impressions", "impression_id"),
        distinct("ad_sessions", "ip"),
        distinct("users", "user_id"),
    )
}

fn int(v: &DbValue) -> i64 {
    match v {
        DbValue::Int64(n) => *n,
        DbValue::Int32(n) => (*n).into(),
        _ => 0,
    }
}

fn counts(r: &spin_sdk::pg::Row, first: usize) -> Counts {
    Counts {
        impressions: int(&r[first]),
        clicks: int(&r[first + 1]),
        sessions: int(&r[first + 2]),
        users: int(&r[first + 3]),
    }
}

/// The series of each of `ad_ids` over `range`, a point per bucket.
pub async fn series(
    postgres_url: &str,
    ad_ids: &[i64],
    range: Range,
    granularity: Granularity,
) -> Result<Vec<(i64, Vec<Point>)>, Problem> {
    let sql = match granularity {
        Granularity::Hour => hourly_sql(),
        Granularity::Day => daily_sql(),
    };
    let params = vec![
        ParameterValue::ArrayInt64(ad_ids.iter().map(|a| Some(*a)).collect()),
        ParameterValue::Int64(range.from),
        ParameterValue::Int64(range.to),
    ];
    let conn = Connection::open(postgres_url).await?;
    let rows = conn.query(sql, params).await?.collect().await?;
    let mut found: HashMap<i64, HashMap<i64, Counts>> = HashMap::new();
    for r in &rows {
        found
            .entry(int(&r[0]))
            .or_default()
            .insert(int(&r[1]), counts(r, 2));
    }
    let buckets = range.buckets(granularity);
    Ok(ad_ids
        .iter()
        .map(|ad| {
            (
                *ad,
                series::fill(&buckets, found.get(ad).unwrap_or(&HashMap::new())),
            )
        })
        .collect())
}

/// One ad of the top list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// The ad.
    pub ad_id: i64,
    /// Sum of the hourly distinct impressions.
    pub impressions: i64,
    /// Clicks.
    pub clicks: i64,
    /// Sum of the hourly distinct IPs.
    pub sessions: i64,
    /// Sum of the hourly distinct users.
    pub users: i64,
    /// Clicks per impression.
    pub ctr: Option<f64>,
}

/// The `limit` ads with the most `by` over `range` (ties: lower ad id first).
pub async fn top(
    postgres_url: &str,
    range: Range,
    by: By,
    limit: i64,
) -> Result<Vec<Ranked>, Problem> {
    let order = match by {
        By::Clicks => "clicks DESC",
        By::Impressions => "impressions DESC",
        By::Ctr => "clicks::float8 / NULLIF(impressions, 0) DESC NULLS LAST",
    };
    let sql = format!(
        "SELECT ad_id, impressions, clicks, sessions, users FROM ( \
            SELECT ad_id, sum(total_impressions)::int8 AS impressions, \
                sum(total_clicks)::int8 AS clicks, sum(total_sessions)::int8 AS sessions, \
                sum(total_users)::int8 AS users \
            FROM ad_metrics WHERE hour >= {FROM} AND hour < {TO} GROUP BY ad_id) t \
         ORDER BY {order}, ad_id LIMIT $1::int8"
    );
    let params = vec![
        ParameterValue::Int64(limit),
        ParameterValue::Int64(range.from),
        ParameterValue::Int64(range.to),
    ];
    let conn = Connection::open(postgres_url).await?;
    let rows = conn.query(sql, params).await?.collect().await?;
    Ok(rows
        .iter()
        .map(|r| {
            let c = counts(r, 1);
            Ranked {
                ad_id: int(&r[0]),
                impressions: c.impressions,
                clicks: c.clicks,
                sessions: c.sessions,
                users: c.users,
                ctr: series::ctr(&c),
            }
        })
        .collect())
}
