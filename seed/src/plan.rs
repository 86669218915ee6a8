//! The plan of a seeding: a seed, the instant it is "now", and how many days back the
//! data reaches. Same plan, same data.

use chrono::{DateTime, Duration, DurationRound, NaiveDate, TimeDelta, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The seed of every random choice.
    pub seed: u64,
    /// "Now": the data ends at the start of this instant's hour, except the slices of the
    /// current hour, which fall inside it.
    pub now: DateTime<Utc>,
    /// Days of history, today included.
    pub days: u32,
}

/// The capabilities, each with its own random stream so that one's data does not change
/// when another's generator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Impressions (ingest).
    Ingest = 1,
    /// Click and impression events (slices).
    Slices = 2,
    /// Activity writes (points).
    Points = 3,
    /// Feed items (streams).
    Streams = 4,
    /// Ad events (etl).
    Ads = 5,
}

impl Plan {
    /// A plan of `days` days ending at `now`, with `seed`.
    pub fn new(seed: u64, now: DateTime<Utc>, days: u32) -> Plan {
        Plan {
            seed,
            now,
            days: days.max(1),
        }
    }

    /// The start of `now`'s hour: the end (exclusive) of the historical data.
    pub fn anchor(&self) -> DateTime<Utc> {
        self.now
            .duration_trunc(TimeDelta::hours(1))
            .expect("an hour divides any UTC instant")
    }

    /// The first day of the data (`days - 1` days before the anchor's day).
    pub fn first_day(&self) -> NaiveDate {
        self.last_day() - Duration::days(i64::from(self.days) - 1)
    }

    /// The anchor's day (today, usually).
    pub fn last_day(&self) -> NaiveDate {
        self.anchor().date_naive()
    }

    /// Midnight UTC at the start of the first day, as epoch seconds.
    pub fn start(&self) -> i64 {
        midnight(self.first_day())
    }

    /// The days of the data, oldest first.
    pub fn day_list(&self) -> Vec<NaiveDate> {
        self.first_day()
            .iter_days()
            .take(self.days as usize)
            .collect()
    }

    /// The random number generator of one capability.
    pub fn rng(&self, stream: Stream) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(stream as u64);
        rng
    }
}

#[cfg(test)]
impl Plan {
    /// The plan of the unit tests: seed 42, 14 days up to 2024-03-10 14:25 UTC.
    pub(crate) fn example() -> Plan {
        Plan::new(42, "2024-03-10T14:25:00Z".parse().unwrap(), 14)
    }
}

/// Epoch seconds of `day`'s midnight (UTC).
pub fn midnight(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
}

/// The UTC day of epoch second `t`.
pub fn day_of(t: i64) -> NaiveDate {
    DateTime::from_timestamp(t.div_euclid(86_400) * 86_400, 0)
        .expect("in range")
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn plan() -> Plan {
        Plan {
            seed: 7,
            ..Plan::example()
        }
    }

    #[test]
    fn window() {
        let p = plan();
        assert_eq!(p.anchor().to_rfc3339(), "2024-03-10T14:00:00+00:00");
        assert_eq!(p.first_day().to_string(), "2024-02-26");
        assert_eq!(p.day_list().len(), 14);
        assert_eq!(p.day_list()[13], p.last_day());
        assert_eq!(p.start(), midnight(p.first_day()));
        assert_eq!(day_of(p.start() + 86_399), p.first_day());
    }

    #[test]
    fn streams_are_deterministic_and_independent() {
        let p = plan();
        let a: u64 = p.rng(Stream::Ingest).random();
        assert_eq!(a, p.rng(Stream::Ingest).random::<u64>());
        assert_ne!(a, p.rng(Stream::Slices).random::<u64>());
        let other = Plan::new(8, p.now, 14);
        assert_ne!(a, other.rng(Stream::Ingest).random::<u64>());
    }
}
