//! The daily and hourly series: zero-filled, overall or for one post, author or stream
//! kind. Overall and per-kind series read the rollups (daily views / hourly tables); per
//! post and per author they count raw impressions (indexed by post and by author).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use spin_sdk::pg::ParameterValue;
use tally_common::params::Params;
use tally_common::problem::Problem;

use crate::config::Config;
use crate::rollup::Hours;
use crate::{store, time};

/// The longest daily series.
pub const MAX_DAYS: i64 = 3660;

/// The longest hourly series.
pub const MAX_HOURS: i64 = 93 * 24;

/// What a series counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Every impression.
    All,
    /// One post's.
    Post(String),
    /// One author's posts'.
    Author(String),
    /// One stream kind's (`unknown` for impressions without one).
    StreamKind(String),
}

impl Filter {
    /// The filter named by the parameters (at most one of `post_id`, `author_id`,
    /// `stream_kind`).
    pub fn from_params(params: &Params) -> Result<Filter, Problem> {
        let given: Vec<(&str, &str)> = ["post_id", "author_id", "stream_kind"]
            .into_iter()
            .filter_map(|n| params.get(n).filter(|v| !v.is_empty()).map(|v| (n, v)))
            .collect();
        match given.as_slice() {
            [] => Ok(Filter::All),
            [("post_id", v)] => Ok(Filter::Post(v.to_string())),
            [("author_id", v)] => Ok(Filter::Author(v.to_string())),
            [(_, v)] => Ok(Filter::StreamKind(v.to_string())),
            _ => Err(Problem::bad_request(
                "give at most one of parameters `post_id`, `author_id`, `stream_kind`",
            )),
        }
    }

    fn value(&self) -> Option<ParameterValue> {
        match self {
            Filter::All => None,
            Filter::Post(v) | Filter::Author(v) | Filter::StreamKind(v) => {
                Some(ParameterValue::Str(v.clone()))
            }
        }
    }

    fn json(&self) -> Value {
        match self {
            Filter::All => json!({}),
            Filter::Post(v) => json!({"post_id": v}),
            Filter::Author(v) => json!({"author_id": v}),
            Filter::StreamKind(v) => json!({"stream_kind": v}),
        }
    }

    fn raw_column(&self) -> Option<&'static str> {
        match self {
            Filter::Post(_) => Some("post_id"),
            Filter::Author(_) => Some("author_id"),
            _ => None,
        }
    }
}

const RAW_COUNTS: &str = "count(*) FILTER (WHERE viewer_id IS NOT NULL) AS logged_in, \
    count(*) FILTER (WHERE viewer_id IS NULL) AS logged_out";

/// The daily series statement: `$1`, `$2` the first and last day, `$3` the filter value.
pub fn daily_sql(filter: &Filter) -> String {
    let counts = match (filter, filter.raw_column()) {
        (_, Some(col)) => format!(
            "SELECT (created_at AT TIME ZONE 'UTC')::date AS day, {RAW_COUNTS} FROM impressions \
              WHERE {col} = $3 AND created_at >= $1::date::timestamp AT TIME ZONE 'UTC' \
                AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC' GROUP BY 1"
        ),
        (Filter::StreamKind(_), None) => "SELECT day, sum(logged_in_views) AS logged_in, \
              sum(logged_out_views) AS logged_out FROM impressions_by_stream_by_day \
              WHERE day BETWEEN $1::date AND $2::date AND stream_kind = $3 GROUP BY day"
            .to_string(),
        _ => "SELECT day, logged_in_views AS logged_in, logged_out_views AS logged_out \
              FROM impressions_by_day WHERE day BETWEEN $1::date AND $2::date"
            .to_string(),
    };
    format!(
        "WITH days AS (SELECT $1::date + n AS day FROM generate_series(0, $2::date - $1::date) AS n), \
              counts AS ({counts}) \
         SELECT days.day, coalesce(c.logged_in, 0)::bigint, coalesce(c.logged_out, 0)::bigint \
           FROM days LEFT JOIN counts c USING (day) ORDER BY 1"
    )
}

/// The hourly series statement: `[$1, $2)` whole hours, `$3` the filter value.
pub fn hourly_sql(filter: &Filter) -> String {
    let counts = match (filter, filter.raw_column()) {
        (_, Some(col)) => format!(
            "SELECT date_bin('1 hour', created_at, timestamptz 'epoch') AS h, {RAW_COUNTS} \
               FROM impressions WHERE {col} = $3 AND created_at >= $1 AND created_at < $2 \
              GROUP BY 1"
        ),
        (f, None) => format!(
            "SELECT starting_at AS h, sum(logged_in_views) AS logged_in, \
                    sum(logged_out_views) AS logged_out FROM hourly_impressions \
              WHERE starting_at >= $1 AND starting_at < $2 {} GROUP BY 1",
            if matches!(f, Filter::StreamKind(_)) {
                "AND stream_kind = $3"
            } else {
                ""
            }
        ),
    };
    format!(
        "WITH hours AS (SELECT generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', \
                                               interval '1 hour') AS h), \
              counts AS ({counts}) \
         SELECT hours.h, coalesce(c.logged_in, 0)::bigint, coalesce(c.logged_out, 0)::bigint \
           FROM hours LEFT JOIN counts c ON c.h = hours.h ORDER BY 1"
    )
}

fn point(key: &str, at: String, logged_in: i64, logged_out: i64) -> Value {
    json!({key: at, "impressions": logged_in + logged_out, "logged_in": logged_in, "logged_out": logged_out})
}

/// `GET /impressions/daily?from=&to=` (inclusive dates).
pub async fn daily(config: &Config, params: &Params) -> Result<Value, Problem> {
    let from = time::parse_date("from", params.required("from")?)?;
    let to = time::parse_date("to", params.required("to")?)?;
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(Problem::bad_request(format!(
            "parameter `to` must be on or after `from`, at most {MAX_DAYS} days later"
        )));
    }
    let filter = Filter::from_params(params)?;
    let mut args = vec![date(from), date(to)];
    args.extend(filter.value());
    let rows = query(config, &daily_sql(&filter), args).await?;
    let series: Vec<Value> = rows
        .iter()
        .map(|r| {
            let day = time::date_from_db(&r[0])
                .map(|d| d.to_string())
                .unwrap_or_default();
            point(
                "date",
                day,
                store::int(&r[1]).unwrap_or(0),
                store::int(&r[2]).unwrap_or(0),
            )
        })
        .collect();
    Ok(
        json!({"from": from.to_string(), "to": to.to_string(), "filter": filter.json(), "series": series}),
    )
}

/// `GET /impressions/hourly?from=&to=` (instants; the whole hours covering `[from, to)`).
pub async fn hourly(config: &Config, params: &Params) -> Result<Value, Problem> {
    let from: DateTime<Utc> = time::parse_instant("from", params.required("from")?)?;
    let to = time::parse_instant("to", params.required("to")?)?;
    let hours = Hours::covering(from, to).map_err(Problem::bad_request)?;
    if (hours.to - hours.from).num_hours() > MAX_HOURS {
        return Err(Problem::bad_request(format!(
            "the range covers more than {MAX_HOURS} hours"
        )));
    }
    let filter = Filter::from_params(params)?;
    let mut args = vec![time::param(hours.from), time::param(hours.to)];
    args.extend(filter.value());
    let rows = query(config, &hourly_sql(&filter), args).await?;
    let series: Vec<Value> = rows
        .iter()
        .map(|r| {
            let at = time::from_db(&r[0]).map(time::format).unwrap_or_default();
            point(
                "starting_at",
                at,
                store::int(&r[1]).unwrap_or(0),
                store::int(&r[2]).unwrap_or(0),
            )
        })
        .collect();
    Ok(
        json!({"from": time::format(hours.from), "to": time::format(hours.to),
        "filter": filter.json(), "series": series}),
    )
}

async fn query(
    config: &Config,
    sql: &str,
    args: Vec<ParameterValue>,
) -> Result<Vec<spin_sdk::pg::Row>, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    Ok(conn.query(sql, args).await?.collect().await?)
}

fn date(d: NaiveDate) -> ParameterValue {
    use chrono::Datelike;
    ParameterValue::Date((d.year(), d.month() as u8, d.day() as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_filter_at_most() {
        let p = |q: &str| Filter::from_params(&Params::from_query(Some(q)));
        assert_eq!(p("").unwrap(), Filter::All);
        assert_eq!(p("post_id=1").unwrap(), Filter::Post("1".into()));
        assert_eq!(
            p("stream_kind=email").unwrap(),
            Filter::StreamKind("email".into())
        );
        assert_eq!(p("post_id=1&author_id=2").unwrap_err().status, 400);
    }

    #[test]
    fn sources() {
        assert!(daily_sql(&Filter::All).contains("FROM impressions_by_day"));
        assert!(
            daily_sql(&Filter::StreamKind("x".into())).contains("impressions_by_stream_by_day")
        );
        assert!(daily_sql(&Filter::Post("1".into())).contains("post_id = $3"));
        assert!(hourly_sql(&Filter::All).contains("FROM hourly_impressions"));
        assert!(!hourly_sql(&Filter::All).contains("$3"));
        assert!(hourly_sql(&Filter::Author("a".into())).contains("author_id = $3"));
    }
}
