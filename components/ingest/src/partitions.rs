//! Day partitions of `impressions`: names, bounds, the statements that create (or
//! re-attach) one while rescuing its rows from the default partition, and the plan of a
//! maintenance run. No I/O here.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeDelta};

/// The partition that catches rows of days without a partition.
pub const DEFAULT_PARTITION: &str = "impressions_default";

/// The columns, in table order.
pub const COLUMNS: &str =
    "viewer_id, post_id, author_id, created_at, stream_kind, stream_id, artist_invite_id";

/// `impressions_pYYYY_MM_DD`.
pub fn name(day: NaiveDate) -> String {
    day.format("impressions_p%Y_%m_%d").to_string()
}

/// The day of a partition name, if it is one.
pub fn day_of(name: &str) -> Option<NaiveDate> {
    let rest = name.strip_prefix("impressions_p")?;
    if rest.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(rest, "%Y_%m_%d").ok()
}

/// The bounds `[day 00:00 UTC, next day 00:00 UTC)` as SQL literals.
pub fn bounds(day: NaiveDate) -> (String, String) {
    let lit = |d: NaiveDate| format!("'{} 00:00:00+00'", d.format("%Y-%m-%d"));
    (lit(day), lit(day + TimeDelta::days(1)))
}

/// The statements (one transaction) that make `day`'s partition attached, moving that
/// day's rows out of the default partition first. `exists`: the table is there, detached.
pub fn attach_statements(day: NaiveDate, exists: bool) -> Vec<String> {
    let (table, (from, to)) = (name(day), bounds(day));
    let mut s = vec![format!(
        "LOCK TABLE {DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE"
    )];
    if !exists {
        s.push(format!(
            "CREATE TABLE {table} (LIKE impressions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        ));
    }
    s.push(format!(
        "WITH moved AS (DELETE FROM {DEFAULT_PARTITION} \
           WHERE created_at >= {from} AND created_at < {to} RETURNING {COLUMNS}) \
         INSERT INTO {table} ({COLUMNS}) SELECT {COLUMNS} FROM moved"
    ));
    s.push(format!(
        "ALTER TABLE impressions ATTACH PARTITION {table} FOR VALUES FROM ({from}) TO ({to})"
    ));
    s
}

/// What the partition tables look like now.
#[derive(Debug, Default, Clone)]
pub struct State {
    /// Days with an attached partition.
    pub attached: BTreeSet<NaiveDate>,
    /// Days whose partition table exists but is detached (an archive run that stopped
    /// between detaching and dropping).
    pub detached: BTreeSet<NaiveDate>,
    /// Days with rows in the default partition.
    pub in_default: BTreeSet<NaiveDate>,
}

/// What a maintenance run does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Days to attach: `(day, table already exists)`.
    pub attach: Vec<(NaiveDate, bool)>,
    /// Days to archive and drop, oldest first.
    pub archive: Vec<NaiveDate>,
}

/// Plans a run on `today`: partitions for today and `ahead` days after it, and for every
/// day with rows in the default partition; archive every partition older than
/// `retention_days` (at most `max_archive`, oldest first).
pub fn plan(
    state: &State,
    today: NaiveDate,
    ahead: i64,
    retention_days: i64,
    max_archive: usize,
) -> Plan {
    let wanted: BTreeSet<NaiveDate> = (0..=ahead)
        .map(|d| today + TimeDelta::days(d))
        .chain(state.in_default.iter().copied())
        .chain(state.detached.iter().copied())
        .collect();
    let attach: Vec<(NaiveDate, bool)> = wanted
        .difference(&state.attached)
        .map(|d| (*d, state.detached.contains(d)))
        .collect();
    let cutoff = today - TimeDelta::days(retention_days);
    let archive = state
        .attached
        .iter()
        .chain(attach.iter().map(|(d, _)| d))
        .filter(|d| **d < cutoff)
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(max_archive)
        .collect();
    Plan { attach, archive }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(name(d("2017-01-02")), "impressions_p2017_01_02");
        assert_eq!(day_of("impressions_p2017_01_02"), Some(d("2017-01-02")));
        assert_eq!(day_of("impressions_default"), None);
        assert_eq!(day_of("impressions_p2017_01_02_x"), None);
    }

    #[test]
    fn bounds_are_utc_days() {
        assert_eq!(
            bounds(d("2016-12-31")),
            (
                "'2016-12-31 00:00:00+00'".into(),
                "'2017-01-01 00:00:00+00'".into()
            )
        );
    }

    #[test]
    fn attach_moves_default_rows_before_attaching() {
        let s = attach_statements(d("2017-01-02"), false);
        assert_eq!(s.len(), 4);
        assert!(s[0].starts_with("LOCK TABLE impressions_default"));
        assert!(s[1].starts_with("CREATE TABLE impressions_p2017_01_02 (LIKE impressions"));
        assert!(s[2].contains("DELETE FROM impressions_default"));
        assert!(s[3].contains("ATTACH PARTITION impressions_p2017_01_02"));
        assert_eq!(attach_statements(d("2017-01-02"), true).len(), 3);
    }

    #[test]
    fn plan_creates_ahead_rescues_and_archives() {
        let today = d("2017-07-01");
        let mut state = State::default();
        state.attached.extend([
            d("2017-07-01"),
            d("2017-07-02"),
            d("2016-12-01"),
            d("2016-11-30"),
        ]);
        state.in_default.extend([d("2017-05-05"), d("2016-10-01")]);
        state.detached.insert(d("2017-06-30"));
        let p = plan(&state, today, 4, 180, 10);
        assert_eq!(
            p.attach,
            [
                (d("2016-10-01"), false),
                (d("2017-05-05"), false),
                (d("2017-06-30"), true),
                (d("2017-07-03"), false),
                (d("2017-07-04"), false),
                (d("2017-07-05"), false),
            ]
        );
        // 180 days before 2017-07-01 is 2017-01-02.
        assert_eq!(
            p.archive,
            [d("2016-10-01"), d("2016-11-30"), d("2016-12-01")]
        );
        assert_eq!(plan(&state, today, 4, 180, 1).archive, [d("2016-10-01")]);
    }

    #[test]
    fn a_maintained_table_needs_nothing() {
        let today = d("2017-07-01");
        let mut state = State::default();
        state
            .attached
            .extend((0..=4).map(|n| today + TimeDelta::days(n)));
        let p = plan(&state, today, 4, 180, 10);
        assert!(p.attach.is_empty() && p.archive.is_empty());
    }
}
