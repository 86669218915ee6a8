//! UTC calendar arithmetic for the bucket strings (`YYYY` .. `YYYYMMDDHHMMSS`), without
//! a time library: proleptic Gregorian dates from days since the Unix epoch.

/// The first second points can store: 1970-01-01T00:00:00Z.
pub const MIN_TS: i64 = 0;
/// The last second points can store: 9999-12-31T23:59:59Z (bucket strings stay four-digit).
pub const MAX_TS: i64 = 253_402_300_799;

/// One second of UTC, broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Four-digit year.
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
}

impl Stamp {
    /// The UTC breakdown of `ts` seconds since the epoch (`MIN_TS..=MAX_TS`).
    pub fn from_ts(ts: i64) -> Stamp {
        let days = ts.div_euclid(86_400);
        let secs = ts.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Stamp {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    /// `YYYYMMDDHHMMSS`: the second bucket; its prefixes of length 4, 6, 8, 10 and 12 are
    /// the year, month, day, hour and minute buckets.
    pub fn second_bucket(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1..=12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Seconds since the epoch of a civil date at midnight UTC.
pub fn ts_of(year: i64, month: u32, day: u32) -> i64 {
    days_from_civil(year, month, day) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(Stamp::from_ts(0).second_bucket(), "19700101000000");
        assert_eq!(Stamp::from_ts(1458061005).second_bucket(), "20160315165645");
        assert_eq!(Stamp::from_ts(1451635200).second_bucket(), "20160101080000");
        assert_eq!(Stamp::from_ts(MAX_TS).second_bucket(), "99991231235959");
        assert_eq!(
            Stamp::from_ts(951_782_400).second_bucket(),
            "20000229000000"
        );
    }

    #[test]
    fn days_round_trip_over_leap_rules() {
        for days in (-1000..3_000_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(d >= 1 && d <= days_in_month(y, m));
        }
        assert!(is_leap(2000) && is_leap(2016) && !is_leap(1900) && !is_leap(2100));
        assert_eq!(days_in_month(2016, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(ts_of(2016, 3, 1) - ts_of(2016, 2, 1), 29 * 86_400);
    }
}
