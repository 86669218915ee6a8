//! Instants, hours and days: parsing request parameters, converting to and from the
//! Postgres values of `spin:postgres`, and formatting. All UTC.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};
use spin_sdk::pg::{DbValue, ParameterValue};
use tally_common::problem::Problem;

/// Microseconds since the Unix epoch: the resolution of a Postgres `timestamptz`.
pub type Micros = i64;

/// The instant `micros` after the epoch.
pub fn from_micros(micros: Micros) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// The years an instant or date parameter may name: what Postgres, chrono and the
/// partition names all handle, with room for a day or an hour of arithmetic either side.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// `t` if its year is in [`YEARS`], else a 400 naming `name`.
fn in_range(name: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>, Problem> {
    if YEARS.contains(&t.year()) {
        Ok(t)
    } else {
        Err(Problem::bad_request(format!(
            "parameter `{name}` is out of range: years 1 to 9999 are accepted"
        )))
    }
}

/// Parses an instant parameter: RFC 3339 (`2024-01-02T03:04:05Z`, any offset), a
/// date-time without offset (UTC), a date (its midnight, UTC), or epoch seconds.
pub fn parse_instant(name: &str, value: &str) -> Result<DateTime<Utc>, Problem> {
    let v = value.trim();
    let bad = || {
        Problem::bad_request(format!(
            "parameter `{name}` has an invalid value {value:?}: expected RFC 3339, YYYY-MM-DD or epoch seconds"
        ))
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
        return in_range(name, dt.with_timezone(&Utc));
    }
    // A date-time without offset is UTC; a `Z` without seconds (`2017-01-02T00:00Z`, as
    // the README's examples write it) is too, though RFC 3339 needs the seconds.
    let naive = v.strip_suffix(['Z', 'z']).unwrap_or(v);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, format) {
            return in_range(name, dt.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return in_range(name, day_start(d));
    }
    let secs: f64 = v.parse().map_err(|_| bad())?;
    if !secs.is_finite() {
        return Err(bad());
    }
    let t = DateTime::from_timestamp_micros((secs * 1e6).round() as i64).ok_or_else(bad)?;
    in_range(name, t)
}

/// Parses a date parameter (`YYYY-MM-DD`).
pub fn parse_date(name: &str, value: &str) -> Result<NaiveDate, Problem> {
    let d = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        Problem::bad_request(format!(
            "parameter `{name}` has an invalid value {value:?}: expected YYYY-MM-DD"
        ))
    })?;
    in_range(name, day_start(d)).map(|_| d)
}

/// Midnight UTC starting `day`.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

/// The start of the hour holding `t`.
pub fn hour_floor(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_minute(0))
        .expect("an hour start exists")
}

/// The first hour start at or after `t`.
pub fn hour_ceil(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = hour_floor(t);
    if floor == t {
        t
    } else {
        floor + TimeDelta::hours(1)
    }
}

/// `t` as a Postgres parameter (binds to `timestamptz`).
pub fn param(t: DateTime<Utc>) -> ParameterValue {
    ParameterValue::Datetime((
        t.year(),
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        t.nanosecond(),
    ))
}

/// A `timestamptz`/`timestamp` column value as an instant.
pub fn from_db(value: &DbValue) -> Option<DateTime<Utc>> {
    match value {
        DbValue::Datetime((y, mo, d, h, mi, s, ns)) => {
            NaiveDate::from_ymd_opt(*y, (*mo).into(), (*d).into())?
                .and_hms_nano_opt((*h).into(), (*mi).into(), (*s).into(), *ns)
                .map(|t| t.and_utc())
        }
        DbValue::Timestamp(secs) => DateTime::from_timestamp(*secs, 0),
        _ => None,
    }
}

/// A `date` column value.
pub fn date_from_db(value: &DbValue) -> Option<NaiveDate> {
    match value {
        DbValue::Date((y, m, d)) => NaiveDate::from_ymd_opt(*y, (*m).into(), (*d).into()),
        _ => None,
    }
}

/// RFC 3339 with microseconds and `Z`, the format of every instant this component writes.
pub fn format(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The current time (the host's clock).
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn instants_in_every_accepted_form() {
        let t = at("2017-01-01T05:00:00Z");
        assert_eq!(parse_instant("from", "2017-01-01T05:00:00Z").unwrap(), t);
        assert_eq!(
            parse_instant("from", "2017-01-01T06:00:00+01:00").unwrap(),
            t
        );
        assert_eq!(parse_instant("from", "2017-01-01T05:00:00").unwrap(), t);
        assert_eq!(parse_instant("from", "2017-01-01T05:00").unwrap(), t);
        // Found by the security test using the README's example form.
        assert_eq!(parse_instant("from", "2017-01-01T05:00Z").unwrap(), t);
        assert_eq!(parse_instant("from", "1483246800").unwrap(), t);
        assert_eq!(
            parse_instant("from", "2017-01-01").unwrap(),
            at("2017-01-01T00:00:00Z")
        );
        let e = parse_instant("to", "yesterday").unwrap_err();
        assert!(e.detail.contains("`to`"), "{}", e.detail);
        assert!(parse_instant("to", "NaN").is_err());
    }

    /// Regression (property `instants_never_panic`): far years overflowed `hour_ceil` and
    /// the Grandstand bound arithmetic, and Postgres refuses years before 4713 BC (a 500).
    #[test]
    fn far_years_are_refused_by_name() {
        for v in [
            "+262143-12-31",
            "262143-12-31T23:59:59",
            "-8000000000000",
            "0000-01-01",
        ] {
            let e = parse_instant("from", v).unwrap_err();
            assert!(e.detail.contains("`from`"), "{v}: {}", e.detail);
        }
        assert!(
            parse_date("to", "+262143-12-31")
                .unwrap_err()
                .detail
                .contains("`to`")
        );
        assert!(parse_instant("from", "9999-12-31T23:59:59Z").is_ok());
    }

    #[test]
    fn hours_round_down_and_up() {
        let t = at("2017-01-01T05:59:59.999Z");
        assert_eq!(hour_floor(t), at("2017-01-01T05:00:00Z"));
        assert_eq!(hour_ceil(t), at("2017-01-01T06:00:00Z"));
        let exact = at("2017-01-01T05:00:00Z");
        assert_eq!(hour_ceil(exact), exact);
    }

    #[test]
    fn postgres_values_round_trip() {
        let t = at("2017-03-04T05:06:07.123456Z");
        let ParameterValue::Datetime(tuple) = param(t) else {
            panic!("a datetime parameter")
        };
        assert_eq!(from_db(&DbValue::Datetime(tuple)), Some(t));
        assert_eq!(format(t), "2017-03-04T05:06:07.123456Z");
        assert_eq!(
            date_from_db(&DbValue::Date((2017, 3, 4))),
            NaiveDate::from_ymd_opt(2017, 3, 4)
        );
    }
}
