//! The metrics etl computes from ad events: per hour or day, distinct impressions,
//! sessions and users, and clicks; the top ads.

use std::collections::{BTreeMap, BTreeSet};

use super::{ADS, AdEvent};

/// One bucket of an ad's metrics, as etl defines them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdMetrics {
    /// Distinct impression ids among the bucket's events.
    pub impressions: u64,
    /// Click events.
    pub clicks: u64,
    /// Distinct addresses.
    pub sessions: u64,
    /// Distinct users.
    pub users: u64,
}

impl AdMetrics {
    /// Clicks per impression as etl answers it: rounded to 6 decimals (0 without
    /// impressions).
    pub fn ctr(&self) -> f64 {
        if self.impressions == 0 {
            0.0
        } else {
            (self.clicks as f64 / self.impressions as f64 * 1e6).round() / 1e6
        }
    }
}
/// `ad`'s metrics per bucket of `step` seconds (3600 or 86400) over `[from, to)`, keyed
/// by the bucket's start; buckets without events are left out. Repeated rows count once.
pub fn series(
    events: &[AdEvent],
    ad: u32,
    from: i64,
    to: i64,
    step: i64,
) -> BTreeMap<i64, AdMetrics> {
    let mut buckets: BTreeMap<i64, Vec<&AdEvent>> = BTreeMap::new();
    for e in events
        .iter()
        .filter(|e| e.ad == ad && e.ts >= from && e.ts < to)
    {
        buckets
            .entry(e.ts.div_euclid(step) * step)
            .or_default()
            .push(e);
    }
    buckets
        .into_iter()
        .map(|(t, events)| (t, metrics(&events)))
        .collect()
}

/// The metrics of a set of events.
fn metrics(events: &[&AdEvent]) -> AdMetrics {
    let distinct = |f: &dyn Fn(&AdEvent) -> &str| {
        events.iter().map(|e| f(e)).collect::<BTreeSet<_>>().len() as u64
    };
    let clicks: BTreeSet<_> = events
        .iter()
        .filter(|e| e.click)
        .map(|e| (&e.impression, &e.user, e.ts))
        .collect();
    AdMetrics {
        impressions: distinct(&|e| &e.impression),
        clicks: clicks.len() as u64,
        sessions: distinct(&|e| &e.ip),
        users: distinct(&|e| &e.user),
    }
}

/// What the top list ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Clicks.
    Clicks,
    /// Impressions.
    Impressions,
}

/// The top `limit` ads over `[from, to)` as etl ranks them: each ad's hourly metrics
/// summed (an impression seen in two hours counts in each), most `by` first, ties by the
/// lower ad id.
pub fn top(events: &[AdEvent], from: i64, to: i64, by: By, limit: usize) -> Vec<(u32, AdMetrics)> {
    let mut ranked: Vec<(u32, AdMetrics)> = ADS
        .filter_map(|ad| {
            let hours = series(events, ad, from, to, 3600);
            (!hours.is_empty()).then(|| {
                let sum = hours.values().fold(AdMetrics::default(), |a, m| AdMetrics {
                    impressions: a.impressions + m.impressions,
                    clicks: a.clicks + m.clicks,
                    sessions: a.sessions + m.sessions,
                    users: a.users + m.users,
                });
                (ad, sum)
            })
        })
        .collect();
    ranked.sort_by_key(|(ad, m)| {
        let key = match by {
            By::Clicks => m.clicks,
            By::Impressions => m.impressions,
        };
        (std::cmp::Reverse(key), *ad)
    });
    ranked.truncate(limit);
    ranked
}
#[cfg(test)]
mod tests {
    use super::super::AGENTS;
    use super::*;

    #[test]
    fn metrics_count_distinct_ids_per_bucket() {
        let e = |ts, click, imp: &str, user: &str, ip: &str| AdEvent {
            ad: 100,
            ts,
            click,
            impression: imp.into(),
            user: user.into(),
            ip: ip.into(),
            agent: AGENTS[0],
        };
        // A view at 10:59 clicked at 11:00: one impression in each hour, one that day.
        let events = vec![
            e(39_540, false, "i1", "u1", "1.1.1.1"),
            e(39_600, true, "i1", "u1", "1.1.1.1"),
            e(39_601, false, "i2", "u2", "1.1.1.1"),
            e(39_601, false, "i2", "u2", "1.1.1.1"),
        ];
        let hourly = series(&events, 100, 0, 86_400, 3600);
        assert_eq!(
            hourly[&36_000],
            AdMetrics {
                impressions: 1,
                clicks: 0,
                sessions: 1,
                users: 1
            }
        );
        assert_eq!(
            hourly[&39_600],
            AdMetrics {
                impressions: 2,
                clicks: 1,
                sessions: 1,
                users: 2
            }
        );
        let daily = series(&events, 100, 0, 86_400, 86_400);
        assert_eq!(
            daily[&0],
            AdMetrics {
                impressions: 2,
                clicks: 1,
                sessions: 1,
                users: 2
            }
        );
        assert_eq!(daily[&0].ctr(), 0.5);
        // The top list sums the hours: i1 counts in both.
        let top = top(&events, 0, 86_400, By::Impressions, 5);
        assert_eq!(
            top,
            vec![(
                100,
                AdMetrics {
                    impressions: 3,
                    clicks: 1,
                    sessions: 2,
                    users: 3
                }
            )]
        );
    }
}
