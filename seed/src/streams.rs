//! Feed items for `streams` (`PUT /streams`): eight users' streams of posts and reposts
//! over the plan's days; and the feeds streams must page through.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat};
use rand::Rng;
use serde_json::{Value, json};

use crate::plan::{Plan, Stream};

/// Streams `user-1` .. `user-STREAMS`.
pub const STREAMS: u32 = 8;

/// One item of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The content id (`post-N`).
    pub id: String,
    /// When (epoch seconds; no two items share one, so the feed order is plain).
    pub ts: i64,
    /// 0 post, 1 repost.
    pub kind: u8,
    /// The stream (`user-N`).
    pub stream: String,
}

impl Item {
    /// `ts` as RFC 3339 (UTC), as streams answers it.
    pub fn rfc3339(&self) -> String {
        DateTime::from_timestamp(self.ts, 0)
            .expect("in range")
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

/// The plan's items: 12 to 60 per stream, between the first day and the anchor.
pub fn generate(plan: &Plan) -> Vec<Item> {
    let mut rng = plan.rng(Stream::Streams);
    let (start, end) = (plan.start(), plan.anchor().timestamp());
    let mut used = HashSet::new();
    let mut out = Vec::new();
    for user in 1..=STREAMS {
        for _ in 0..rng.random_range(12..=60) {
            let ts = loop {
                let ts = rng.random_range(start..end);
                if used.insert(ts) {
                    break ts;
                }
            };
            out.push(Item {
                id: format!("post-{}", out.len() + 1),
                ts,
                kind: u8::from(rng.random_bool(0.2)),
                stream: format!("user-{user}"),
            });
        }
    }
    out
}

/// The `PUT /streams` body of `items`.
pub fn to_json(items: &[Item]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|i| json!({"id": i.id, "ts": i.rfc3339(), "type": i.kind, "stream_id": i.stream}))
            .collect(),
    )
}

/// The feed of `streams` (one, or several coalesced): their items, newest first.
pub fn feed<'a>(items: &'a [Item], streams: &[&str]) -> Vec<&'a Item> {
    let mut out: Vec<&Item> = items
        .iter()
        .filter(|i| streams.contains(&i.stream.as_str()))
        .collect();
    out.sort_by_key(|i| std::cmp::Reverse(i.ts));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_deterministic_distinct_and_in_the_window() {
        let p = Plan::example();
        let items = generate(&p);
        assert_eq!(items, generate(&p));
        let times: HashSet<i64> = items.iter().map(|i| i.ts).collect();
        assert_eq!(times.len(), items.len());
        assert!(
            items
                .iter()
                .all(|i| i.ts >= p.start() && i.ts < p.anchor().timestamp())
        );
        for user in 1..=STREAMS {
            let n = feed(&items, &[&format!("user-{user}")]).len();
            assert!((12..=60).contains(&n), "{n}");
        }
    }

    #[test]
    fn feeds_are_newest_first_and_coalesce() {
        let item = |id: &str, ts, stream: &str| Item {
            id: id.into(),
            ts,
            kind: 0,
            stream: stream.into(),
        };
        let items = vec![
            item("a", 1, "s1"),
            item("b", 3, "s2"),
            item("c", 2, "s1"),
            item("d", 4, "s3"),
        ];
        let ids = |f: Vec<&Item>| f.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(feed(&items, &["s1"])), ["c", "a"]);
        assert_eq!(ids(feed(&items, &["s1", "s2"])), ["b", "c", "a"]);
        assert_eq!(items[0].rfc3339(), "1970-01-01T00:00:01Z");
        assert_eq!(
            to_json(&items[..1]),
            json!([{"id": "a", "ts": "1970-01-01T00:00:01Z", "type": 0, "stream_id": "s1"}])
        );
    }
}
