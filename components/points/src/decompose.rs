//! The range decomposition: the fewest `(bucket, child range)` pairs that cover an
//! inclusive window of seconds exactly.
//!
//! A cursor walks from the window's start; each step takes the coarsest aligned unit
//! (year, month, day, hour, minute, else second) that starts at the cursor and ends
//! within the window. A unit is a child of its parent bucket (a month of a year, ...,
//! a second of a minute; a whole year is months 01..12 of its year bucket), and
//! consecutive children of one parent merge into one [`Span`]. A one-year window so needs
//! about as many spans (at most two per level) as a one-minute window.

use crate::calendar::{MAX_TS, MIN_TS, Stamp, days_in_month, ts_of};

/// Children `lo..=hi` (two-digit indices: months 1..12, days 1..31, hours 0..23,
/// minutes and seconds 0..59) of the bucket `parent` (`YYYY` .. `YYYYMMDDHHMM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The parent bucket string, 4 to 12 digits.
    pub parent: String,
    /// The first child index.
    pub lo: u32,
    /// The last child index (inclusive).
    pub hi: u32,
}

impl Span {
    /// The first child bucket string (`parent` + two digits).
    pub fn first(&self) -> String {
        format!("{}{:02}", self.parent, self.lo)
    }

    /// The last child bucket string.
    pub fn last(&self) -> String {
        format!("{}{:02}", self.parent, self.hi)
    }

    /// Every child bucket string, in order.
    pub fn children(&self) -> impl Iterator<Item = String> + '_ {
        (self.lo..=self.hi).map(move |c| format!("{}{c:02}", self.parent))
    }
}

/// The spans covering `[start, end]` (seconds, inclusive, UTC), in time order. The window
/// is clamped to what can be stored (1970 .. 9999); `start > end` gives no spans.
pub fn decompose(start: i64, end: i64) -> Vec<Span> {
    let start = start.max(MIN_TS);
    let end = end.min(MAX_TS);
    let mut spans: Vec<Span> = Vec::new();
    let mut cursor = start;
    while cursor <= end {
        let (span, last_second) = unit_at(cursor, end);
        match spans.last_mut() {
            Some(prev) if prev.parent == span.parent && prev.hi + 1 == span.lo => prev.hi = span.hi,
            _ => spans.push(span),
        }
        cursor = last_second + 1;
    }
    spans
}

/// The coarsest aligned unit starting at `cursor` that ends by `end`: its span and its
/// last second.
fn unit_at(cursor: i64, end: i64) -> (Span, i64) {
    let t = Stamp::from_ts(cursor);
    let bucket = t.second_bucket();
    let at_midnight = t.hour == 0 && t.minute == 0 && t.second == 0;
    let parent = |len: usize| bucket[..len].to_string();
    if at_midnight && t.month == 1 && t.day == 1 {
        let last = ts_of(t.year + 1, 1, 1) - 1;
        if last <= end {
            return (span(parent(4), 1, 12), last);
        }
    }
    if at_midnight && t.day == 1 {
        let last = cursor + i64::from(days_in_month(t.year, t.month)) * 86_400 - 1;
        if last <= end {
            return (span(parent(4), t.month, t.month), last);
        }
    }
    if at_midnight && cursor + 86_399 <= end {
        return (span(parent(6), t.day, t.day), cursor + 86_399);
    }
    if t.minute == 0 && t.second == 0 && cursor + 3_599 <= end {
        return (span(parent(8), t.hour, t.hour), cursor + 3_599);
    }
    if t.second == 0 && cursor + 59 <= end {
        return (span(parent(10), t.minute, t.minute), cursor + 59);
    }
    (span(parent(12), t.second, t.second), cursor)
}

fn span(parent: String, lo: u32, hi: u32) -> Span {
    Span { parent, lo, hi }
}

#[cfg(test)]
mod tests;
