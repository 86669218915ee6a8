//! The Grandstand-compatible artist-invite routes: daily impressions between inclusive
//! bounds (204 when there are none) and the all-time total (200 with zero when none),
//! read from `artist_invite_hourly_impressions`.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde_json::{Value, json};
use spin_sdk::pg::{DbValue, ParameterValue};
use tally_common::params::Params;
use tally_common::problem::Problem;

use crate::config::Config;
use crate::{store, time};

const DAILY_SQL: &str = "SELECT (starting_at AT TIME ZONE 'UTC')::date, \
        sum(logged_in_views + logged_out_views)::bigint \
   FROM artist_invite_hourly_impressions \
  WHERE artist_invite_id = $1 AND starting_at >= $2 AND starting_at < $3 \
    AND ($4::text IS NULL OR stream_kind = $4) \
  GROUP BY 1 ORDER BY 1";

const TOTAL_SQL: &str = "SELECT coalesce(sum(logged_in_views + logged_out_views), 0)::bigint \
   FROM artist_invite_hourly_impressions WHERE artist_invite_id = $1";

/// The lower bound of `starting`: an instant, or a date (its midnight); none: all time.
pub fn starting(value: Option<&str>) -> Result<DateTime<Utc>, Problem> {
    match value {
        None | Some("") => Ok(DateTime::UNIX_EPOCH),
        Some(v) => time::parse_instant("starting", v),
    }
}

/// The exclusive upper bound of the inclusive `ending`: a date includes that whole day,
/// an instant includes the hour starting at it (as the original's `starting_at <= ending`).
pub fn ending(value: Option<&str>) -> Result<DateTime<Utc>, Problem> {
    match value {
        None | Some("") => Ok(time::day_start(
            NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date"),
        )),
        Some(v) => match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
            Ok(_) => Ok(time::day_start(time::parse_date("ending", v)?) + TimeDelta::days(1)),
            Err(_) => Ok(time::parse_instant("ending", v)? + TimeDelta::microseconds(1)),
        },
    }
}

/// `GET /api/v1/artist_invites/:id/daily`: `None` when there is no data (204).
pub async fn daily(config: &Config, id: &str, params: &Params) -> Result<Option<Value>, Problem> {
    let from = starting(params.get("starting"))?;
    let to = ending(params.get("ending"))?;
    let kind = params.get("stream_kind").filter(|k| !k.is_empty());
    let conn = store::connect(&config.postgres_url).await?;
    let rows = conn
        .query(
            DAILY_SQL,
            vec![
                ParameterValue::Str(id.to_string()),
                time::param(from),
                time::param(to),
                kind.map(|k| ParameterValue::Str(k.to_string()))
                    .unwrap_or(ParameterValue::DbNull),
            ],
        )
        .await?
        .collect()
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let data: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "artist_invite_id": id,
                "date": time::date_from_db(&r[0]).map(|d| d.to_string()),
                "impressions": store::int(&r[1]).unwrap_or(0),
                "stream_kind": kind,
            })
        })
        .collect();
    Ok(Some(json!({ "data": data })))
}

/// `GET /api/v1/artist_invites/:id/total`.
pub async fn total(config: &Config, id: &str) -> Result<Value, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    let rows = conn
        .query(TOTAL_SQL, vec![ParameterValue::Str(id.to_string())])
        .await?
        .collect()
        .await?;
    let n = rows
        .first()
        .map(|r| &r[0])
        .and_then(|v: &DbValue| store::int(v))
        .unwrap_or(0);
    Ok(json!({"data": {"artist_invite_id": id, "impressions": n, "stream_kind": null}}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(starting(None).unwrap(), DateTime::UNIX_EPOCH);
        assert_eq!(
            time::format(starting(Some("2017-01-01")).unwrap()),
            "2017-01-01T00:00:00.000000Z"
        );
        assert_eq!(
            time::format(ending(Some("2017-01-10")).unwrap()),
            "2017-01-11T00:00:00.000000Z"
        );
        assert_eq!(
            time::format(ending(Some("2017-01-10T00:00:00+00:00")).unwrap()),
            "2017-01-10T00:00:00.000001Z"
        );
        // Regression (property `instants_never_panic`): the last date chrono knows parsed,
        // and adding its day panicked with an overflow.
        let last = NaiveDate::MAX.format("%Y-%m-%d").to_string();
        assert_eq!(
            NaiveDate::parse_from_str(&last, "%Y-%m-%d"),
            Ok(NaiveDate::MAX)
        );
        assert!(ending(Some(&last)).unwrap_err().detail.contains("`ending`"));
        assert!(ending(Some(&format!("{last}T23:59:59.999999"))).is_err());
        assert!(
            ending(Some("soon"))
                .unwrap_err()
                .detail
                .contains("`ending`")
        );
    }
}
