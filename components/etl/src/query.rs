//! Dashboard query parameters: time bounds (UTC; ISO 8601 or epoch seconds; `from`
//! inclusive, `to` exclusive), granularity, ranking and limits, each refused with a 400
//! naming the parameter.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use tally_common::params::{Params, parse_value};
use tally_common::problem::Problem;

use crate::timestamp::{DAY_MICROS, HOUR_MICROS};

/// The longest range one query may span, in days.
pub const MAX_SPAN_DAYS: i64 = 92;

/// The most ads one CSV export may name.
pub const MAX_ADS: usize = 100;

/// The largest `limit` of the top-ads query.
pub const MAX_LIMIT: i64 = 1000;

/// Series buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// One point per UTC hour.
    Hour,
    /// One point per UTC day; distinct counts are distinct over the day.
    Day,
}

/// What the top-ads query ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Clicks.
    Clicks,
    /// Impressions.
    Impressions,
    /// Clicks per impression.
    Ctr,
}

/// The hours whose start lies in `[from, to)`, in microseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Inclusive.
    pub from: i64,
    /// Exclusive.
    pub to: i64,
}

impl Range {
    /// The `from` and `to` parameters, both required, at most [`MAX_SPAN_DAYS`] apart.
    pub fn from_params(params: &Params) -> Result<Range, Problem> {
        let from = bound("from", params.required("from")?)?;
        let to = bound("to", params.required("to")?)?;
        if to <= from {
            return Err(Problem::bad_request("parameter `to` must be after `from`"));
        }
        if to - from > MAX_SPAN_DAYS * DAY_MICROS {
            return Err(Problem::bad_request(format!(
                "parameter `to` is more than {MAX_SPAN_DAYS} days after `from`"
            )));
        }
        Ok(Range { from, to })
    }

    /// Bucket starts (microseconds) of the range at `granularity`: every hour start in
    /// the range, or every day holding one.
    pub fn buckets(&self, granularity: Granularity) -> Vec<i64> {
        let first = self.from.div_euclid(HOUR_MICROS) * HOUR_MICROS;
        let first = if first < self.from {
            first + HOUR_MICROS
        } else {
            first
        };
        let hours = (first..self.to).step_by(HOUR_MICROS as usize);
        match granularity {
            Granularity::Hour => hours.collect(),
            Granularity::Day => {
                let mut days: Vec<i64> = hours
                    .map(|h| h.div_euclid(DAY_MICROS) * DAY_MICROS)
                    .collect();
                days.dedup();
                days
            }
        }
    }
}

/// Parses a bound: RFC 3339 (any offset), a date-time without offset (UTC, `T` or space),
/// a date (its midnight), or epoch seconds (fractions allowed).
pub fn bound(name: &str, value: &str) -> Result<i64, Problem> {
    let v = value.trim();
    let at = DateTime::parse_from_rfc3339(v)
        .map(|t| t.to_utc())
        .or_else(|_| v.parse::<NaiveDateTime>().map(|t| t.and_utc()))
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc()))
        .or_else(|_| {
            v.parse::<NaiveDate>()
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map(|t| t.timestamp_micros())
        .ok()
        .or_else(|| {
            v.parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && s.abs() < 1e13)
                .map(|s| (s * 1e6).round() as i64)
        });
    let micros = at.ok_or_else(|| {
        Problem::bad_request(format!(
            "parameter `{name}` has an invalid value {value:?}: expected ISO 8601 (2019-01-03T00:00:00Z) or epoch seconds"
        ))
    })?;
    let year_1000 = -30_610_224_000 * 1_000_000;
    let year_10000 = 253_402_300_800 * 1_000_000;
    if !(year_1000..year_10000).contains(&micros) {
        return Err(Problem::bad_request(format!(
            "parameter `{name}` is out of range: years 1000 to 9999 are accepted"
        )));
    }
    Ok(micros)
}

/// `granularity`: `hour` (the default) or `day`.
pub fn granularity(params: &Params) -> Result<Granularity, Problem> {
    match params.get("granularity").unwrap_or("hour") {
        "hour" => Ok(Granularity::Hour),
        "day" => Ok(Granularity::Day),
        other => Err(Problem::bad_request(format!(
            "parameter `granularity` has an invalid value {other:?}: expected hour or day"
        ))),
    }
}

/// `by`: `clicks` (the default), `impressions` or `ctr`.
pub fn by(params: &Params) -> Result<By, Problem> {
    match params.get("by").unwrap_or("clicks") {
        "clicks" => Ok(By::Clicks),
        "impressions" => Ok(By::Impressions),
        "ctr" => Ok(By::Ctr),
        other => Err(Problem::bad_request(format!(
            "parameter `by` has an invalid value {other:?}: expected clicks, impressions or ctr"
        ))),
    }
}

/// `limit`: 1 to [`MAX_LIMIT`], 10 when absent.
pub fn limit(params: &Params) -> Result<i64, Problem> {
    match params.parse::<i64>("limit")? {
        None => Ok(10),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(n) => Err(Problem::bad_request(format!(
            "parameter `limit` is {n}; it must be 1 to {MAX_LIMIT}"
        ))),
    }
}

/// An integer id (a path segment or list item) named `name`.
pub fn id(name: &str, value: &str) -> Result<i64, Problem> {
    parse_value(name, value.trim())
}

/// The `ad_id` parameter of the CSV export: 1 to [`MAX_ADS`] comma-separated ids.
pub fn ad_ids(params: &Params) -> Result<Vec<i64>, Problem> {
    let ids = params.list("ad_id");
    if ids.is_empty() {
        return Err(Problem::bad_request("parameter `ad_id` is missing"));
    }
    if ids.len() > MAX_ADS {
        return Err(Problem::bad_request(format!(
            "parameter `ad_id` names {} ads; at most {MAX_ADS} are accepted",
            ids.len()
        )));
    }
    ids.iter().map(|v| id("ad_id", v)).collect()
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
