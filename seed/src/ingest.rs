//! Post impressions for `ingest` (`POST /impressions`): a few thousand views of forty
//! posts by eight authors over the plan's days, with a weekly rhythm and slow growth,
//! logged in and out, over Ello's stream kinds; and the daily counts ingest must report.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};
use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use serde_json::{Value, json};

use crate::plan::{Plan, Stream, day_of, midnight};

/// The stream kinds and their shares of the views.
pub const KINDS: [(&str, u32); 5] = [
    ("following", 40),
    ("category", 25),
    ("discover", 15),
    ("profile", 12),
    ("email", 8),
];

/// Posts (ids 1..=POSTS); post `p` is by author `p % AUTHORS + 1`.
const POSTS: u32 = 40;
const AUTHORS: u32 = 8;
/// Logged-in viewers (ids 1..=VIEWERS).
const VIEWERS: u32 = 600;

/// One view of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impression {
    /// When, in epoch milliseconds (whole milliseconds, so no rounding moves a view
    /// across a day).
    pub at_ms: i64,
    /// The post's id.
    pub post: u32,
    /// The post's author.
    pub author: u32,
    /// The viewer (`None`: logged out).
    pub viewer: Option<u32>,
    /// The stream the post was seen in.
    pub kind: &'static str,
    /// The category's id, for `category` views.
    pub stream_id: Option<u32>,
}

/// One day's counts as ingest reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    /// The UTC day.
    pub date: NaiveDate,
    /// Views with a viewer.
    pub logged_in: u64,
    /// Views without one.
    pub logged_out: u64,
}

/// The plan's impressions, oldest day first, all before the plan's anchor hour.
pub fn generate(plan: &Plan) -> Vec<Impression> {
    let mut rng = plan.rng(Stream::Ingest);
    let kinds = WeightedIndex::new(KINDS.iter().map(|(_, w)| *w)).expect("positive weights");
    // Popular posts first: post p has weight 1/p.
    let posts = WeightedIndex::new((1..=POSTS).map(|p| 1.0 / f64::from(p))).expect("weights");
    let end = plan.anchor().timestamp();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, day) in plan.day_list().into_iter().enumerate() {
        let start = midnight(day);
        let stop = (start + 86_400).min(end);
        if stop <= start {
            continue;
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let base = 260.0 + 12.0 * i as f64;
        let level = base * if weekend { 1.3 } else { 1.0 } * rng.random_range(0.85..1.15);
        let count = (level * (stop - start) as f64 / 86_400.0).round() as usize;
        let mut made = 0;
        while made < count {
            let at_ms = rng.random_range(start..stop) * 1000 + rng.random_range(0..1000);
            let post = posts.sample(&mut rng) as u32 + 1;
            let author = post % AUTHORS + 1;
            if !seen.insert((at_ms, author, post)) {
                continue;
            }
            let (kind, _) = KINDS[kinds.sample(&mut rng)];
            out.push(Impression {
                at_ms,
                post,
                author,
                viewer: rng.random_bool(0.7).then(|| rng.random_range(1..=VIEWERS)),
                kind,
                stream_id: (kind == "category").then(|| rng.random_range(1..=6)),
            });
            made += 1;
        }
    }
    out
}

/// The `POST /impressions` body of `events` (a JSON array).
pub fn to_json(events: &[Impression]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|e| {
                let mut v = json!({
                    "post": {"id": e.post.to_string()},
                    "author": {"id": e.author.to_string()},
                    "viewed_at": e.at_ms as f64 / 1000.0,
                    "stream_kind": e.kind,
                });
                if let Some(viewer) = e.viewer {
                    v["viewer"] = json!({"id": viewer.to_string()});
                }
                if let Some(id) = e.stream_id {
                    v["stream_id"] = json!(id.to_string());
                }
                v
            })
            .collect(),
    )
}

/// The daily series ingest reports for `days` (zero-filled), of every view or of one
/// stream kind.
pub fn daily(events: &[Impression], days: &[NaiveDate], kind: Option<&str>) -> Vec<DayCount> {
    let mut counts: BTreeMap<NaiveDate, (u64, u64)> = days.iter().map(|d| (*d, (0, 0))).collect();
    for e in events.iter().filter(|e| kind.is_none_or(|k| e.kind == k)) {
        if let Some(c) = counts.get_mut(&day_of(e.at_ms.div_euclid(1000))) {
            if e.viewer.is_some() {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    counts
        .into_iter()
        .map(|(date, (logged_in, logged_out))| DayCount {
            date,
            logged_in,
            logged_out,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_unique_and_before_the_anchor() {
        let p = Plan::example();
        let events = generate(&p);
        assert_eq!(events, generate(&p));
        assert!(events.len() > 3000, "{}", events.len());
        let keys: HashSet<_> = events.iter().map(|e| (e.at_ms, e.author, e.post)).collect();
        assert_eq!(keys.len(), events.len(), "dedup keys are unique");
        let end = p.anchor().timestamp() * 1000;
        assert!(
            events
                .iter()
                .all(|e| e.at_ms >= p.start() * 1000 && e.at_ms < end)
        );
        assert!(
            events
                .iter()
                .all(|e| (e.kind == "category") == e.stream_id.is_some())
        );
    }

    #[test]
    fn daily_counts_add_up() {
        let p = Plan::example();
        let events = generate(&p);
        let days = p.day_list();
        let all = daily(&events, &days, None);
        assert_eq!(all.len(), 14);
        let total: u64 = all.iter().map(|d| d.logged_in + d.logged_out).sum();
        assert_eq!(total as usize, events.len());
        let per_kind: u64 = KINDS
            .iter()
            .flat_map(|(k, _)| daily(&events, &days, Some(k)))
            .map(|d| d.logged_in + d.logged_out)
            .sum();
        assert_eq!(per_kind, total);
        // The last day ends at the anchor (14:00), so it has fewer views than a whole day.
        assert!(all[13].logged_in + all[13].logged_out < all[12].logged_in + all[12].logged_out);
    }

    #[test]
    fn json_shape() {
        let e = Impression {
            at_ms: 1_483_228_800_123,
            post: 3,
            author: 4,
            viewer: None,
            kind: "category",
            stream_id: Some(2),
        };
        let v = to_json(&[e]);
        assert_eq!(
            v,
            json!([{"post": {"id": "3"}, "author": {"id": "4"}, "viewed_at": 1_483_228_800.123,
                    "stream_kind": "category", "stream_id": "2"}])
        );
    }
}
