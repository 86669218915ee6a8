//! Click and impression events for `slices` (`POST /analytics`): readers of the 24
//! hours ending with the plan's current hour, busier by day than by night; and each
//! hour's exact counts.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;

use crate::plan::{Plan, Stream};

/// Readers, named `reader-1` .. `reader-READERS`.
const READERS: u32 = 150;

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceEvent {
    /// When, in epoch seconds.
    pub ts: i64,
    /// Who.
    pub user: String,
    /// A click (`true`) or an impression.
    pub click: bool,
}

/// One slice's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SliceCount {
    /// Distinct users.
    pub unique_users: u64,
    /// Click events.
    pub clicks: u64,
    /// Impression events.
    pub impressions: u64,
}

/// The starts (epoch seconds) of the 24 hours ending with the plan's current hour.
pub fn hours(plan: &Plan) -> Vec<i64> {
    let anchor = plan.anchor().timestamp();
    (0..24).rev().map(|i| anchor - i * 3600).collect()
}

/// The plan's events, hour by hour. Events of the current hour may lie up to an hour
/// after "now"; slices accepts them (its future limit is an hour).
pub fn generate(plan: &Plan) -> Vec<SliceEvent> {
    let mut rng = plan.rng(Stream::Slices);
    let mut out = Vec::new();
    for start in hours(plan) {
        let hour_of_day = start.rem_euclid(86_400) / 3600;
        // Quiet at night (UTC), busiest in the evening.
        let daylight = 0.35
            + 0.65
                * (((hour_of_day as f64 - 4.0) / 24.0) * std::f64::consts::PI)
                    .sin()
                    .powi(2);
        let readers = (28.0 * daylight * rng.random_range(0.7..1.3)).round() as u32 + 2;
        for _ in 0..readers {
            let user = format!("reader-{}", rng.random_range(1..=READERS));
            for _ in 0..rng.random_range(1..=3) {
                let ts = start + rng.random_range(0..3600);
                out.push(SliceEvent {
                    ts,
                    user: user.clone(),
                    click: false,
                });
            }
            if rng.random_bool(0.2) {
                let ts = start + rng.random_range(0..3600);
                out.push(SliceEvent {
                    ts,
                    user,
                    click: true,
                });
            }
        }
    }
    out
}

/// Each hour's counts (keyed by the hour's start), for the hours that have events.
pub fn counts(events: &[SliceEvent]) -> BTreeMap<i64, SliceCount> {
    let mut users: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    let mut out: BTreeMap<i64, SliceCount> = BTreeMap::new();
    for e in events {
        let hour = e.ts.div_euclid(3600) * 3600;
        users.entry(hour).or_default().insert(&e.user);
        let c = out.entry(hour).or_default();
        if e.click {
            c.clicks += 1;
        } else {
            c.impressions += 1;
        }
    }
    for (hour, set) in users {
        out.get_mut(&hour).expect("counted").unique_users = set.len() as u64;
    }
    out
}

/// The query string of `POST /analytics` for one event.
pub fn query(e: &SliceEvent) -> String {
    let kind = if e.click { "click" } else { "impression" };
    format!("timestamp={}&user={}&{kind}", e.ts, e.user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_of_hours_ending_with_the_current_one() {
        let p = Plan::example();
        let h = hours(&p);
        assert_eq!(h.len(), 24);
        assert_eq!(*h.last().unwrap(), p.anchor().timestamp());
        let events = generate(&p);
        assert_eq!(events, generate(&p));
        assert!(events.iter().all(|e| e.ts >= h[0] && e.ts < h[23] + 3600));
    }

    #[test]
    fn counts_are_exact() {
        let events = vec![
            SliceEvent {
                ts: 7200,
                user: "a".into(),
                click: false,
            },
            SliceEvent {
                ts: 7300,
                user: "a".into(),
                click: true,
            },
            SliceEvent {
                ts: 10_799,
                user: "b".into(),
                click: false,
            },
            SliceEvent {
                ts: 10_800,
                user: "b".into(),
                click: false,
            },
        ];
        let c = counts(&events);
        assert_eq!(
            c[&7200],
            SliceCount {
                unique_users: 2,
                clicks: 1,
                impressions: 2
            }
        );
        assert_eq!(
            c[&10_800],
            SliceCount {
                unique_users: 1,
                clicks: 0,
                impressions: 1
            }
        );
        assert_eq!(query(&events[1]), "timestamp=7300&user=a&click");
    }

    #[test]
    fn every_hour_has_readers() {
        let p = Plan::example();
        let c = counts(&generate(&p));
        assert_eq!(c.len(), 24);
        assert!(
            c.values()
                .all(|s| s.unique_users >= 2 && s.impressions >= 2)
        );
    }
}
