use super::*;
use crate::calendar::{days_in_month, ts_of};

fn s(parent: &str, lo: u32, hi: u32) -> Span {
    span(parent.to_string(), lo, hi)
}

/// The first and last second a child bucket string covers.
fn child_bounds(child: &str) -> (i64, i64) {
    let n = |a: usize, b: usize| child[a..b].parse::<i64>().unwrap();
    let year = n(0, 4);
    let month = if child.len() >= 6 { n(4, 6) as u32 } else { 1 };
    let day = if child.len() >= 8 { n(6, 8) as u32 } else { 1 };
    let mut first = ts_of(year, month, day);
    let len = match child.len() {
        6 => i64::from(days_in_month(year, month)) * 86_400,
        8 => 86_400,
        10 => {
            first += n(8, 10) * 3600;
            3600
        }
        12 => {
            first += n(8, 10) * 3600 + n(10, 12) * 60;
            60
        }
        14 => {
            first += n(8, 10) * 3600 + n(10, 12) * 60 + n(12, 14);
            1
        }
        other => panic!("child of length {other}"),
    };
    (first, first + len - 1)
}

/// Asserts that `spans` cover `[start, end]` exactly, in order, without gaps or overlap,
/// with at most two spans per parent length beside whole years.
fn assert_exact_cover(start: i64, end: i64) {
    let spans = decompose(start, end);
    let mut next = start;
    for sp in &spans {
        assert!(sp.lo <= sp.hi, "{sp:?}");
        for child in sp.children() {
            let (first, last) = child_bounds(&child);
            assert_eq!(first, next, "gap or overlap at {child} in [{start}, {end}]");
            next = last + 1;
        }
    }
    assert_eq!(next, end + 1, "[{start}, {end}] not covered to its end");
    for len in [6, 8, 10, 12] {
        let n = spans.iter().filter(|s| s.parent.len() == len).count();
        assert!(
            n <= 2,
            "{n} spans of parent length {len} for [{start}, {end}]"
        );
    }
    let partial_years = spans
        .iter()
        .filter(|s| s.parent.len() == 4 && (s.lo, s.hi) != (1, 12))
        .count();
    assert!(partial_years <= 2);
}

#[test]
fn the_specs_worked_example() {
    assert_eq!(
        decompose(1451635200, 1458061011),
        vec![
            s("20160101", 8, 23),
            s("201601", 2, 31),
            s("2016", 2, 2),
            s("201603", 1, 14),
            s("20160315", 0, 15),
            s("2016031516", 0, 55),
            s("201603151656", 0, 51),
        ]
    );
    assert_exact_cover(1451635200, 1458061011);
}

#[test]
fn the_originals_increment_example_reads_seconds() {
    // 2016-03-15 16:56:45 .. 16:56:50
    assert_eq!(
        decompose(1458061005, 1458061010),
        vec![s("201603151656", 45, 50)]
    );
}

#[test]
fn a_single_second_and_an_empty_window() {
    assert_eq!(
        decompose(1458061011, 1458061011),
        vec![s("201603151656", 51, 51)]
    );
    assert_eq!(decompose(1458061012, 1458061011), vec![]);
    assert_eq!(decompose(10, -10), vec![]);
}

#[test]
fn aligned_units_are_taken_whole() {
    let y2016 = ts_of(2016, 1, 1);
    assert_eq!(
        decompose(y2016, ts_of(2017, 1, 1) - 1),
        vec![s("2016", 1, 12)]
    );
    assert_eq!(
        decompose(y2016, ts_of(2018, 1, 1) - 1),
        vec![s("2016", 1, 12), s("2017", 1, 12)]
    );
    assert_eq!(decompose(y2016, y2016 + 86_399), vec![s("201601", 1, 1)]);
    assert_eq!(decompose(y2016, y2016 + 3_599), vec![s("20160101", 0, 0)]);
    assert_eq!(decompose(y2016, y2016 + 59), vec![s("2016010100", 0, 0)]);
    assert_eq!(
        decompose(ts_of(2016, 2, 1), ts_of(2016, 3, 1) - 1),
        vec![s("2016", 2, 2)]
    );
}

#[test]
fn windows_across_boundaries() {
    // New Year: 2015-12-31 23:59:58 .. 2016-01-01 00:00:01.
    let ny = ts_of(2016, 1, 1);
    assert_eq!(
        decompose(ny - 2, ny + 1),
        vec![s("201512312359", 58, 59), s("201601010000", 0, 1)]
    );
    // Across a year, ending mid-minute: 2015-12-31 23:00 .. 2016-01-01 00:01:30.
    assert_eq!(
        decompose(ny - 3600, ny + 90),
        vec![
            s("20151231", 23, 23),
            s("2016010100", 0, 0),
            s("201601010001", 0, 30),
        ]
    );
    // Across a month end: 2016-04-30 12:00 .. 2016-05-01 11:59:59.
    let may = ts_of(2016, 5, 1);
    assert_eq!(
        decompose(may - 12 * 3600, may + 12 * 3600 - 1),
        vec![s("20160430", 12, 23), s("20160501", 0, 11)]
    );
    // Across a day end by minutes: 23:58:00 .. 00:01:59.
    let day = ts_of(2016, 3, 16);
    assert_eq!(
        decompose(day - 120, day + 119),
        vec![s("2016031523", 58, 59), s("2016031600", 0, 1)]
    );
    // Across an hour by seconds and minutes: 16:59:30 .. 17:00:45.
    let h17 = ts_of(2016, 3, 15) + 17 * 3600;
    assert_eq!(
        decompose(h17 - 30, h17 + 45),
        vec![s("201603151659", 30, 59), s("201603151700", 0, 45)]
    );
    for (a, b) in [
        (ny - 2, ny + 1),
        (ny - 3600, ny + 90),
        (may - 43200, may + 43199),
    ] {
        assert_exact_cover(a, b);
    }
}

#[test]
fn leap_years_and_month_ends() {
    // February 2016 has 29 days: the whole month is one unit ending 2016-02-29 23:59:59.
    let feb = ts_of(2016, 2, 1);
    let mar = ts_of(2016, 3, 1);
    assert_eq!(mar - feb, 29 * 86_400);
    assert_eq!(decompose(feb, mar - 1), vec![s("2016", 2, 2)]);
    // One second short of the month: days 01..28, then the hours of the 29th.
    assert_eq!(
        decompose(feb, mar - 2),
        vec![
            s("201602", 1, 28),
            s("20160229", 0, 22),
            s("2016022923", 0, 58),
            s("201602292359", 0, 58),
        ]
    );
    // 29 February of a leap year is a day of its own.
    let leap_day = ts_of(2016, 2, 29);
    assert_eq!(
        decompose(leap_day, leap_day + 86_399),
        vec![s("201602", 29, 29)]
    );
    // 2100 is not a leap year: 1 March follows 28 February.
    let mar2100 = ts_of(2100, 3, 1);
    assert_eq!(
        decompose(mar2100 - 86_400, mar2100 + 86_399),
        vec![s("210002", 28, 28), s("210003", 1, 1)]
    );
    // 2000 is: February has 29 days.
    assert_eq!(
        decompose(ts_of(2000, 2, 1), ts_of(2000, 3, 1) - 1),
        vec![s("2000", 2, 2)]
    );
    // 30- and 31-day month ends.
    assert_eq!(
        decompose(ts_of(2016, 4, 30), ts_of(2016, 5, 31) + 86_399),
        vec![s("201604", 30, 30), s("2016", 5, 5)]
    );
    for year in [1972, 2000, 2016, 2019, 2100] {
        assert_exact_cover(ts_of(year, 2, 28) + 1, ts_of(year, 3, 1) + 1);
    }
}

#[test]
fn a_year_costs_about_what_a_minute_costs() {
    let end = 1_700_000_000; // 2023-11-14 22:13:20
    let minute = decompose(end - 59, end);
    let year = decompose(end - 365 * 86_400 + 1, end);
    assert_eq!(minute.len(), 2);
    assert!(year.len() <= 10, "{year:?}");
    assert_exact_cover(end - 365 * 86_400 + 1, end);
}

#[test]
fn clamped_to_the_storable_range() {
    assert_eq!(decompose(-100, 0), vec![s("197001010000", 0, 0)]);
    let spans = decompose(MAX_TS, MAX_TS + 1000);
    assert_eq!(spans, vec![s("999912312359", 59, 59)]);
}

#[test]
fn pseudo_random_windows_are_covered_exactly() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..400 {
        let start = (next() % 2_000_000_000) as i64;
        let len = match next() % 5 {
            0 => next() % 120,
            1 => next() % 10_000,
            2 => next() % 200_000,
            3 => next() % 40_000_000,
            _ => next() % 200_000_000,
        } as i64;
        assert_exact_cover(start, start + len);
    }
}
