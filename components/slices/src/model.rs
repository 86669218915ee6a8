//! What the service counts and reports.

use serde::Serialize;

/// The kind of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A click.
    Click,
    /// An impression.
    Impression,
}

impl Kind {
    /// The counter the event increments.
    pub fn counter(self) -> &'static str {
        match self {
            Kind::Click => "clicks",
            Kind::Impression => "impressions",
        }
    }
}

/// The counters of a slice (on one shard, or summed over its shards).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Distinct users (exact).
    pub unique_users: u64,
    /// Click events.
    pub clicks: u64,
    /// Impression events.
    pub impressions: u64,
    /// Events that arrived after their slice had ended.
    pub late_events: u64,
}

impl Counts {
    /// The sum of two shards' counters (users are disjoint between the shards of a slice).
    pub fn plus(self, other: Counts) -> Counts {
        Counts {
            unique_users: self.unique_users + other.unique_users,
            clicks: self.clicks + other.clicks,
            impressions: self.impressions + other.impressions,
            late_events: self.late_events + other.late_events,
        }
    }

    /// Counters from the four values of an `HMGET` (`None` for absent fields).
    pub fn from_fields(fields: [Option<u64>; 4]) -> Counts {
        let [unique_users, clicks, impressions, late_events] =
            fields.map(Option::unwrap_or_default);
        Counts {
            unique_users,
            clicks,
            impressions,
            late_events,
        }
    }
}

/// One shard's counters for a slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardCounts {
    /// The shard's index in `slices_shards` (its address when no longer configured).
    pub worker: String,
    /// Its counters.
    pub counts: Counts,
}

/// A slice and the counters of each of its shards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceReport {
    /// The slice number.
    pub slice: u64,
    /// Per shard, in placement order.
    pub shards: Vec<ShardCounts>,
}

impl SliceReport {
    /// The slice's totals.
    pub fn total(&self) -> Counts {
        self.shards
            .iter()
            .fold(Counts::default(), |sum, s| sum.plus(s.counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sum_shards() {
        let c = |u, c, i, l| Counts {
            unique_users: u,
            clicks: c,
            impressions: i,
            late_events: l,
        };
        let r = SliceReport {
            slice: 3,
            shards: vec![
                ShardCounts {
                    worker: "0".into(),
                    counts: c(1, 2, 3, 4),
                },
                ShardCounts {
                    worker: "1".into(),
                    counts: c(10, 20, 30, 40),
                },
            ],
        };
        assert_eq!(r.total(), c(11, 22, 33, 44));
        assert_eq!(
            Counts::from_fields([Some(1), None, Some(3), None]),
            c(1, 0, 3, 0)
        );
        assert_eq!(Kind::Click.counter(), "clicks");
        assert_eq!(Kind::Impression.counter(), "impressions");
    }
}
