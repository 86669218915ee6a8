//! Ad events for `etl` (a TSV batch for `POST /etl/batches`): a dozen ads over the last
//! week, views and the clicks on them (some a few minutes later, across an hour's end),
//! repeated deliveries, rows out of time order. [`metrics`]: what etl must compute.

pub mod metrics;

pub use metrics::{AdMetrics, By, series, top};

use chrono::DateTime;
use rand::Rng;
use rand::seq::SliceRandom;

use crate::plan::{Plan, Stream};

/// Ads 100 ..= 111.
pub const ADS: std::ops::RangeInclusive<u32> = 100..=111;
/// Days of ad data (at most the plan's).
pub const DAYS: u32 = 7;
/// People who see ads; each keeps one address and browser.
const PEOPLE: u32 = 400;

const AGENTS: [&str; 6] = [
    "Mozilla/5.0 (Linux; Android 9; Pixel 2 XL) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/72.0.3626.76 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.98 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:64.0) Gecko/20100101 Firefox/64.0",
    "Mozilla/5.0 (Linux; Android 5.0; SM-G900F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.99 Mobile Safari/537.36",
];

/// One row of the TSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdEvent {
    /// The ad.
    pub ad: u32,
    /// When (epoch seconds).
    pub ts: i64,
    /// A click (`true`) or a view.
    pub click: bool,
    /// The impression (a click carries its view's).
    pub impression: String,
    /// The person.
    pub user: String,
    /// Their address.
    pub ip: String,
    /// Their browser.
    pub agent: &'static str,
}
/// The first second of the ad data: midnight, `DAYS - 1` days before the anchor's day.
pub fn start(plan: &Plan) -> i64 {
    let days = DAYS.min(plan.days);
    crate::plan::midnight(plan.last_day() - chrono::Duration::days(i64::from(days) - 1))
}

/// The plan's rows, shuffled (a batch is not in time order).
pub fn generate(plan: &Plan) -> Vec<AdEvent> {
    let mut rng = plan.rng(Stream::Ads);
    let people: Vec<(String, String, &'static str)> = (0..PEOPLE)
        .map(|_| {
            let user: String = (0..8)
                .map(|_| {
                    char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)])
                })
                .collect();
            let ip = format!(
                "{}.{}.{}.{}",
                rng.random_range(11..=223),
                rng.random_range(0..=255),
                rng.random_range(0..=255),
                rng.random_range(1..=254)
            );
            (user, ip, AGENTS[rng.random_range(0..AGENTS.len())])
        })
        .collect();
    let ads: Vec<(u32, f64, f64)> = ADS
        .map(|ad| {
            (
                ad,
                rng.random_range(6.0..40.0),
                rng.random_range(0.005..0.06),
            )
        })
        .collect();
    // Views stop ten minutes before the anchor, so their clicks are in the past too.
    let end = plan.anchor().timestamp() - 600;
    let mut out = Vec::new();
    let mut hour = start(plan);
    while hour < end {
        let daylight = 0.3
            + 0.7
                * ((((hour.rem_euclid(86_400) / 3600) as f64 - 5.0) / 24.0) * std::f64::consts::PI)
                    .sin()
                    .powi(2);
        for &(ad, reach, ctr) in &ads {
            let views = (reach * daylight * rng.random_range(0.6..1.4)).round() as u32;
            for _ in 0..views {
                let ts = hour + rng.random_range(0..3600);
                if ts >= end {
                    continue;
                }
                let (user, ip, agent) = &people[rng.random_range(0..people.len())];
                let impression = format!("{:012x}", rng.random_range(0..1u64 << 48));
                let view = AdEvent {
                    ad,
                    ts,
                    click: false,
                    impression,
                    user: user.clone(),
                    ip: ip.clone(),
                    agent,
                };
                if rng.random_bool(0.03) {
                    out.push(view.clone());
                }
                if rng.random_bool(ctr) {
                    out.push(AdEvent {
                        ts: ts + rng.random_range(5..=240),
                        click: true,
                        ..view.clone()
                    });
                }
                out.push(view);
            }
        }
        hour += 3600;
    }
    out.shuffle(&mut rng);
    out
}

/// The TSV text of `events`, with its header line.
pub fn tsv(events: &[AdEvent]) -> String {
    let mut out =
        String::from("ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string\n");
    for e in events {
        let ts = DateTime::from_timestamp(e.ts, 0)
            .expect("in range")
            .format("%Y-%m-%d %H:%M:%S UTC");
        let event = if e.click { "click" } else { "view" };
        out.push_str(&format!(
            "{}\t{ts}\t{event}\t{}\t{}\t{}\t{}\n",
            e.ad, e.impression, e.user, e.ip, e.agent
        ));
    }
    out
}
#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn rows_are_deterministic_and_shaped_like_the_sample() {
        let p = Plan::example();
        let events = generate(&p);
        assert_eq!(events, generate(&p));
        assert!(events.len() > 2000, "{}", events.len());
        assert!(
            events
                .iter()
                .all(|e| e.ts >= start(&p) && e.ts < p.anchor().timestamp())
        );
        let text = tsv(&events[..2]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].split('\t').count(), 7);
        assert!(lines[1].split('\t').nth(1).unwrap().ends_with(" UTC"));
        // Out of time order, with clicks and repeated rows.
        assert!(events.windows(2).any(|w| w[0].ts > w[1].ts));
        assert!(events.iter().any(|e| e.click));
        let rows: BTreeSet<_> = events
            .iter()
            .map(|e| (e.ad, e.ts, e.click, &e.impression))
            .collect();
        assert!(rows.len() < events.len());
    }
}
