//! Time to slice arithmetic: timestamps in seconds or milliseconds, slice numbers, slice
//! bounds and the slices a time range covers. Everything is in milliseconds internally.

use std::ops::RangeInclusive;

use chrono::{DateTime, SecondsFormat};

/// Timestamps above this are milliseconds; at or below it, seconds (10^11 s is year 5138,
/// 10^11 ms is 1973).
pub const MILLIS_ABOVE: i64 = 100_000_000_000;

/// A client timestamp (epoch seconds, or milliseconds when above [`MILLIS_ABOVE`]) in
/// milliseconds; `None` if it does not fit.
pub fn to_millis(value: i64) -> Option<i64> {
    if value > MILLIS_ABOVE {
        Some(value)
    } else {
        value.checked_mul(1000)
    }
}

/// An RFC 3339 UTC rendering of epoch milliseconds (`1970-01-01T00:00:00Z`).
pub fn rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| ms.to_string())
}

/// How time is cut into slices: the first slice starts at `first_ms` and each lasts
/// `length_ms` (> 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slicing {
    /// Start of slice 0, epoch milliseconds.
    pub first_ms: i64,
    /// Length of every slice in milliseconds.
    pub length_ms: i64,
}

impl Slicing {
    /// `floor((ts - first) / length)`, or `None` before the first slice (or past `u64`).
    pub fn slice_of(&self, ts_ms: i64) -> Option<u64> {
        let offset = i128::from(ts_ms) - i128::from(self.first_ms);
        if offset < 0 {
            return None;
        }
        u64::try_from(offset / i128::from(self.length_ms)).ok()
    }

    /// Start of `slice` (inclusive), epoch milliseconds, saturating.
    pub fn start_ms(&self, slice: u64) -> i64 {
        let t = i128::from(self.first_ms) + i128::from(slice) * i128::from(self.length_ms);
        t.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// End of `slice` (exclusive), epoch milliseconds, saturating.
    pub fn end_ms(&self, slice: u64) -> i64 {
        self.start_ms(slice.saturating_add(1))
    }

    /// The slices overlapping the half-open interval `[from, to)`; `None` when it is empty.
    /// The part before the first slice is ignored.
    pub fn overlapping(&self, from_ms: i64, to_ms: i64) -> Option<RangeInclusive<u64>> {
        if to_ms <= from_ms {
            return None;
        }
        let last = self.slice_of(to_ms - 1)?;
        let first = self.slice_of(from_ms).unwrap_or(0);
        Some(first..=last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOURLY: Slicing = Slicing {
        first_ms: 0,
        length_ms: 3_600_000,
    };

    #[test]
    fn seconds_and_milliseconds() {
        assert_eq!(to_millis(1_500_000_000), Some(1_500_000_000_000));
        assert_eq!(to_millis(1_500_000_000_123), Some(1_500_000_000_123));
        assert_eq!(to_millis(MILLIS_ABOVE), Some(MILLIS_ABOVE * 1000));
        assert_eq!(to_millis(MILLIS_ABOVE + 1), Some(MILLIS_ABOVE + 1));
        assert_eq!(to_millis(-5), Some(-5000));
        assert_eq!(to_millis(i64::MIN), None);
    }

    #[test]
    fn slices_are_floors() {
        assert_eq!(HOURLY.slice_of(0), Some(0));
        assert_eq!(HOURLY.slice_of(3_599_999), Some(0));
        assert_eq!(HOURLY.slice_of(3_600_000), Some(1));
        assert_eq!(HOURLY.slice_of(-1), None);
        let s = Slicing {
            first_ms: 1_000_000,
            length_ms: 60_000,
        };
        assert_eq!(s.slice_of(999_999), None);
        assert_eq!(s.slice_of(1_000_000), Some(0));
        assert_eq!(s.slice_of(1_000_000 + 60_000 * 7 + 5), Some(7));
        assert_eq!(s.start_ms(7), 1_000_000 + 420_000);
        assert_eq!(s.end_ms(7), 1_000_000 + 480_000);
        assert_eq!(HOURLY.slice_of(i64::MAX), Some(i64::MAX as u64 / 3_600_000));
        assert_eq!(HOURLY.start_ms(u64::MAX), i64::MAX);
    }

    #[test]
    fn ranges_are_half_open() {
        let h = 3_600_000;
        assert_eq!(HOURLY.overlapping(0, h), Some(0..=0));
        assert_eq!(HOURLY.overlapping(0, h + 1), Some(0..=1));
        assert_eq!(HOURLY.overlapping(h / 2, 3 * h), Some(0..=2));
        assert_eq!(HOURLY.overlapping(5, 5), None);
        assert_eq!(HOURLY.overlapping(-10 * h, h), Some(0..=0));
        assert_eq!(HOURLY.overlapping(-10 * h, 0), None);
    }

    #[test]
    fn rfc3339_is_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_500_000_000_250), "2017-07-14T02:40:00.250Z");
    }
}
