//! Event timestamps of the TSV input (`2019-01-03 00:00:10 UTC`), as microseconds since
//! the Unix epoch, and the hour and day they fall in. All UTC.

use chrono::format::{Fixed, Item, Numeric, Pad, Parsed, parse};
use chrono::{DateTime, NaiveDateTime};

/// Microseconds in an hour.
pub const HOUR_MICROS: i64 = 3_600_000_000;

/// Microseconds in a day.
pub const DAY_MICROS: i64 = 24 * HOUR_MICROS;

/// `YYYY-MM-DD HH:MM:SS[.fraction]`, compiled once (chrono's items for
/// `%Y-%m-%d %H:%M:%S%.f`), so a row does not re-read a format string.
const SPACED: &[Item<'static>] = &[
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Day, Pad::Zero),
    Item::Literal(" "),
    Item::Numeric(Numeric::Hour, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Minute, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Second, Pad::Zero),
    Item::Fixed(Fixed::Nanosecond),
];

/// The years an event may carry: what Postgres `timestamptz` and the day partitions'
/// names (`_pYYYYMMDD`) handle.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// Parses an event timestamp to microseconds since the epoch.
///
/// Accepted: `2019-01-03 00:00:10 UTC` (the ingestion API's form; also with a fraction,
/// with `Z` for ` UTC`, or with no zone, which means UTC) and RFC 3339
/// (`2019-01-03T00:00:10Z`, `2019-01-03T01:00:10+01:00`).
pub fn parse_micros(value: &str) -> Result<i64, String> {
    let v = value.trim();
    let local = v
        .strip_suffix(" UTC")
        .or_else(|| v.strip_suffix('Z'))
        .unwrap_or(v);
    let naive = {
        let mut parsed = Parsed::new();
        parse(&mut parsed, local, SPACED.iter())
            .ok()
            .and_then(|()| parsed.to_naive_datetime_with_offset(0).ok())
    };
    let at = match naive {
        Some(t) => t.and_utc(),
        None => DateTime::parse_from_rfc3339(v)
            .map(|t| t.to_utc())
            .or_else(|_| {
                NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S%.f").map(|t| t.and_utc())
            })
            .map_err(|_| {
                format!("`timestamp` {value:?} is not a time like `2019-01-03 00:00:10 UTC`")
            })?,
    };
    if !YEARS.contains(&chrono::Datelike::year(&at)) {
        return Err(format!(
            "`timestamp` {value:?} is out of range: years {}..={} are accepted",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(at.timestamp_micros())
}

/// The start of the hour holding `micros`, in seconds since the epoch.
pub fn hour_start_secs(micros: i64) -> i64 {
    micros.div_euclid(HOUR_MICROS) * 3600
}

/// The day (days since the epoch) holding `micros`.
pub fn day_of(micros: i64) -> i32 {
    micros.div_euclid(DAY_MICROS) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(rfc3339: &str) -> i64 {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .timestamp_micros()
    }

    #[test]
    fn the_ingestion_apis_form_and_its_variants() {
        let t = micros("2019-01-03T00:00:10Z");
        for v in [
            "2019-01-03 00:00:10 UTC",
            "2019-01-03 00:00:10Z",
            "2019-01-03 00:00:10",
            " 2019-01-03 00:00:10 UTC ",
            "2019-01-03T00:00:10Z",
            "2019-01-03T01:00:10+01:00",
            "2019-01-03T00:00:10",
        ] {
            assert_eq!(parse_micros(v), Ok(t), "{v}");
        }
        assert_eq!(parse_micros("2019-01-03 00:00:10.25 UTC"), Ok(t + 250_000));
    }

    #[test]
    fn bad_times_say_what_is_wrong() {
        for v in [
            "",
            "yesterday",
            "2019-13-03 00:00:10 UTC",
            "2019-01-03 25:00:00 UTC",
            "1546473610",
        ] {
            let e = parse_micros(v).unwrap_err();
            assert!(e.contains("`timestamp`"), "{v}: {e}");
        }
        let e = parse_micros("0999-12-31 23:59:59 UTC").unwrap_err();
        assert!(e.contains("out of range"), "{e}");
    }

    #[test]
    fn hours_and_days_are_utc_floors() {
        let t = micros("2019-01-03T10:59:59.999999Z");
        assert_eq!(
            hour_start_secs(t),
            micros("2019-01-03T10:00:00Z") / 1_000_000
        );
        assert_eq!(day_of(t), 17899);
        assert_eq!(
            hour_start_secs(micros("2019-01-03T11:00:00Z")) % 86_400,
            11 * 3600
        );
        // Before the epoch the floor still goes down.
        assert_eq!(hour_start_secs(-1), -3600);
        assert_eq!(day_of(-1), -1);
    }
}
