//! The hourly rollups: one upsert per table over a range of whole hours, in one
//! transaction. Re-running any hour changes nothing: raw impressions are append-only, so
//! a rollup value only ever grows (late events), and an upsert keeps the larger value —
//! which also keeps the rollups of hours whose partitions were archived and dropped.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;
use spin_sdk::pg::{Connection, ParameterValue};
use tally_common::problem::Problem;

use crate::{store, time};

/// The longest range one rollup call may cover.
pub const MAX_RANGE_HOURS: i64 = 366 * 24;

/// An hour: `[t, t + 1h)`, bins aligned on the epoch (UTC).
const HOUR: &str = "date_bin('1 hour', created_at, timestamptz 'epoch')";

/// `hourly_impressions` for `[$1, $2)`.
pub fn hourly_sql() -> String {
    format!(
        "INSERT INTO hourly_impressions AS h \
           (starting_at, stream_kind, stream_id, logged_in_views, logged_out_views) \
         SELECT {HOUR}, coalesce(stream_kind, 'unknown'), \
                CASE WHEN stream_kind = 'category' THEN stream_id END, \
                count(*) FILTER (WHERE viewer_id IS NOT NULL), \
                count(*) FILTER (WHERE viewer_id IS NULL) \
           FROM impressions WHERE created_at >= $1 AND created_at < $2 \
          GROUP BY 1, 2, 3 \
         ON CONFLICT ON CONSTRAINT hourly_impressions_key DO UPDATE SET \
           logged_in_views = greatest(h.logged_in_views, excluded.logged_in_views), \
           logged_out_views = greatest(h.logged_out_views, excluded.logged_out_views) \
         WHERE excluded.logged_in_views > h.logged_in_views \
            OR excluded.logged_out_views > h.logged_out_views"
    )
}

/// `user_hourly_impressions` for `[$1, $2)`: every hour of every tracked author, zeros
/// included.
pub fn user_sql() -> String {
    format!(
        "INSERT INTO user_hourly_impressions AS u (author_id, starting_at, views) \
         SELECT t.author_id, hs.h, coalesce(c.n, 0) \
           FROM tracked_authors t \
          CROSS JOIN generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', \
                                     interval '1 hour') AS hs(h) \
           LEFT JOIN (SELECT i.author_id, {HOUR} AS h, count(*) AS n \
                        FROM impressions i JOIN tracked_authors ta USING (author_id) \
                       WHERE i.created_at >= $1 AND i.created_at < $2 \
                       GROUP BY 1, 2) c \
             ON c.author_id = t.author_id AND c.h = hs.h \
         ON CONFLICT (author_id, starting_at) DO UPDATE SET views = excluded.views \
         WHERE excluded.views > u.views"
    )
}

/// `artist_invite_hourly_impressions` for `[$1, $2)`.
pub fn artist_invite_sql() -> String {
    format!(
        "INSERT INTO artist_invite_hourly_impressions AS a \
           (starting_at, artist_invite_id, stream_kind, logged_in_views, logged_out_views) \
         SELECT {HOUR}, artist_invite_id, coalesce(stream_kind, 'unknown'), \
                count(*) FILTER (WHERE viewer_id IS NOT NULL), \
                count(*) FILTER (WHERE viewer_id IS NULL) \
           FROM impressions \
          WHERE created_at >= $1 AND created_at < $2 AND artist_invite_id IS NOT NULL \
          GROUP BY 1, 2, 3 \
         ON CONFLICT (artist_invite_id, starting_at, stream_kind) DO UPDATE SET \
           logged_in_views = greatest(a.logged_in_views, excluded.logged_in_views), \
           logged_out_views = greatest(a.logged_out_views, excluded.logged_out_views) \
         WHERE excluded.logged_in_views > a.logged_in_views \
            OR excluded.logged_out_views > a.logged_out_views"
    )
}

/// `email_active_user_rollups` for the days `$1..=$2` (dates): distinct viewers of
/// `email` impressions that day, and over the 31 days ending that day.
pub const EMAIL_SQL: &str = "WITH days AS ( \
       SELECT $1::date + n AS day, ($1::date + n)::timestamp AT TIME ZONE 'UTC' AS starts \
         FROM generate_series(0, $2::date - $1::date) AS n) \
     INSERT INTO email_active_user_rollups AS e (day, day_total, thirty_day_total) \
     SELECT day, \
            (SELECT count(DISTINCT viewer_id) FROM impressions \
              WHERE stream_kind = 'email' \
                AND created_at >= starts AND created_at < starts + interval '24 hours'), \
            (SELECT count(DISTINCT viewer_id) FROM impressions \
              WHERE stream_kind = 'email' \
                AND created_at >= starts - interval '720 hours' \
                AND created_at < starts + interval '24 hours') \
       FROM days \
     ON CONFLICT (day) DO UPDATE SET \
       day_total = greatest(e.day_total, excluded.day_total), \
       thirty_day_total = greatest(e.thirty_day_total, excluded.thirty_day_total) \
     WHERE excluded.day_total > e.day_total OR excluded.thirty_day_total > e.thirty_day_total";

/// A range of whole hours `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    /// The first hour's start.
    pub from: DateTime<Utc>,
    /// The end of the last hour.
    pub to: DateTime<Utc>,
}

impl Hours {
    /// The whole hours covering `[from, to)` (`from` rounded down, `to` up).
    pub fn covering(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Hours, String> {
        let (from, to) = (time::hour_floor(from), time::hour_ceil(to));
        if to <= from {
            return Err("parameter `to` must be after `from`".into());
        }
        if (to - from).num_hours() > MAX_RANGE_HOURS {
            return Err(format!(
                "the range covers more than {MAX_RANGE_HOURS} hours; split it"
            ));
        }
        Ok(Hours { from, to })
    }

    /// The cron job's range: the previous and the current hour at `now`.
    pub fn around(now: DateTime<Utc>) -> Hours {
        let current = time::hour_floor(now);
        Hours {
            from: current - TimeDelta::hours(1),
            to: current + TimeDelta::hours(1),
        }
    }

    /// The first and last day the range touches.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        (
            self.from.date_naive(),
            (self.to - TimeDelta::microseconds(1)).date_naive(),
        )
    }
}

/// Rows each table gained or changed.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The hours rolled up.
    pub from: String,
    /// End of the range (exclusive).
    pub to: String,
    /// Upserted `hourly_impressions` rows.
    pub hourly_impressions: u64,
    /// Upserted `user_hourly_impressions` rows.
    pub user_hourly_impressions: u64,
    /// Upserted `artist_invite_hourly_impressions` rows.
    pub artist_invite_hourly_impressions: u64,
    /// Upserted `email_active_user_rollups` rows.
    pub email_active_user_rollups: u64,
}

fn date(d: NaiveDate) -> ParameterValue {
    use chrono::Datelike;
    ParameterValue::Date((d.year(), d.month() as u8, d.day() as u8))
}

/// Rolls up `hours` in one transaction.
pub async fn run(conn: &Connection, hours: Hours) -> Result<Report, Problem> {
    let range = || vec![time::param(hours.from), time::param(hours.to)];
    let (first, last) = hours.days();
    let n = store::transaction(
        conn,
        vec![
            (hourly_sql(), range()),
            (user_sql(), range()),
            (artist_invite_sql(), range()),
            (EMAIL_SQL.to_string(), vec![date(first), date(last)]),
        ],
    )
    .await?;
    Ok(Report {
        from: time::format(hours.from),
        to: time::format(hours.to),
        hourly_impressions: n[0],
        user_hourly_impressions: n[1],
        artist_invite_hourly_impressions: n[2],
        email_active_user_rollups: n[3],
    })
}

/// Refreshes the daily reporting views (concurrently: readers are never blocked).
pub async fn refresh_views(conn: &Connection) -> Result<Vec<&'static str>, Problem> {
    const VIEWS: [&str; 3] = [
        "impressions_by_day",
        "impressions_by_stream_by_day",
        "impressions_by_logged_in_by_day",
    ];
    for view in VIEWS {
        conn.execute(
            format!("REFRESH MATERIALIZED VIEW CONCURRENTLY {view}"),
            vec![],
        )
        .await?;
    }
    Ok(VIEWS.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn ranges_cover_whole_hours() {
        let h = Hours::covering(at("2017-01-01T05:30:00Z"), at("2017-01-01T07:00:00Z")).unwrap();
        assert_eq!(
            (h.from, h.to),
            (at("2017-01-01T05:00:00Z"), at("2017-01-01T07:00:00Z"))
        );
        assert!(Hours::covering(at("2017-01-02T00:00:00Z"), at("2017-01-01T00:00:00Z")).is_err());
        assert!(Hours::covering(at("2017-01-01T00:00:00Z"), at("2019-01-01T00:00:00Z")).is_err());
    }

    #[test]
    fn the_cron_range_is_the_previous_and_current_hour() {
        let h = Hours::around(at("2017-01-01T00:04:59Z"));
        assert_eq!(
            (h.from, h.to),
            (at("2016-12-31T23:00:00Z"), at("2017-01-01T01:00:00Z"))
        );
        let (first, last) = h.days();
        assert_eq!(first.to_string(), "2016-12-31");
        assert_eq!(last.to_string(), "2017-01-01");
    }

    #[test]
    fn days_of_a_range_ending_at_midnight() {
        let h = Hours::covering(at("2017-01-01T00:00:00Z"), at("2017-01-02T00:00:00Z")).unwrap();
        let (first, last) = h.days();
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2017-01-01".into(), "2017-01-01".into())
        );
    }
}
