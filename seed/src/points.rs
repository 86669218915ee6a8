//! Activities for `points` (`POST /points/v1/write`, diffadd): two dozen users, each
//! with a habit, walking, running, cycling and swimming over the plan's days; and the
//! leaderboards points must answer.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use rand::Rng;
use serde_json::{Value, json};

use crate::plan::{Plan, Stream, midnight};

/// Users (uids 1..=USERS).
const USERS: u32 = 24;

/// Activity types (atid): walk, run, cycle, swim.
pub const ACTIVITIES: [&str; 4] = ["walk", "run", "cycle", "swim"];

/// One write: `value` of `thing` for activity `aid` (of type `atid`) at second `ts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// `steps`, `calories`, `points` or `distance`.
    pub thing: &'static str,
    /// The user.
    pub uid: u32,
    /// The activity type (1 walk, 2 run, 3 cycle, 4 swim).
    pub atid: u32,
    /// The activity (unique).
    pub aid: u64,
    /// The activity's total.
    pub value: i64,
    /// When (epoch seconds).
    pub ts: i64,
}

/// The value ranges of (steps, calories, distance in metres) per activity type.
fn ranges(atid: u32) -> [(i64, i64); 3] {
    match atid {
        1 => [(2_500, 9_000), (120, 400), (1_800, 7_000)],
        2 => [(4_000, 14_000), (300, 950), (3_000, 16_000)],
        3 => [(0, 0), (250, 850), (8_000, 42_000)],
        _ => [(0, 0), (200, 600), (400, 2_600)],
    }
}

/// The plan's writes: per user and day, up to three activities before the anchor.
pub fn generate(plan: &Plan) -> Vec<Write> {
    let mut rng = plan.rng(Stream::Points);
    let levels: Vec<f64> = (0..USERS).map(|_| rng.random_range(0.3..1.6)).collect();
    let favourites: Vec<u32> = (0..USERS).map(|_| rng.random_range(1..=4)).collect();
    let end = plan.anchor().timestamp();
    let mut out = Vec::new();
    let mut aid = 0u64;
    for day in plan.day_list() {
        let start = midnight(day);
        let stop = (start + 86_400).min(end);
        if stop <= start {
            continue;
        }
        for uid in 1..=USERS {
            let level = levels[uid as usize - 1];
            let activities = (rng.random_range(0.0..2.2) * level).floor() as u32;
            for _ in 0..activities.min(3) {
                aid += 1;
                let atid = if rng.random_bool(0.6) {
                    favourites[uid as usize - 1]
                } else {
                    rng.random_range(1..=4)
                };
                let ts = rng.random_range(start..stop);
                let [steps, calories, distance] = ranges(atid);
                let pick = |rng: &mut rand_chacha::ChaCha8Rng, (lo, hi): (i64, i64)| {
                    if hi == 0 {
                        0
                    } else {
                        (rng.random_range(lo..=hi) as f64 * level).round() as i64
                    }
                };
                let steps = pick(&mut rng, steps);
                let calories = pick(&mut rng, calories);
                let distance = pick(&mut rng, distance);
                let things = [
                    ("steps", steps),
                    ("calories", calories),
                    ("points", calories / 10),
                    ("distance", distance),
                ];
                for (thing, value) in things.into_iter().filter(|(_, v)| *v > 0) {
                    out.push(Write {
                        thing,
                        uid,
                        atid,
                        aid: u64::from(uid) * 1_000_000 + aid,
                        value,
                        ts,
                    });
                }
            }
        }
    }
    out
}

/// The `POST /points/v1/write` batch body of `writes` (diffadd: each value is its
/// activity's total, so sending it again changes nothing).
pub fn to_json(writes: &[Write]) -> Value {
    Value::Array(
        writes
            .iter()
            .map(|w| {
                json!({"thing": w.thing, "uid": w.uid, "atid": w.atid, "aid": w.aid,
                            "value": w.value, "ts1": w.ts, "ts2": w.ts})
            })
            .collect(),
    )
}

/// The top `limit` users by the sum of `thing` over `[start, end]` (inclusive, epoch
/// seconds), of activity type `atid` or all; ties ordered as Redis orders them (the
/// greater uid, as text, first).
pub fn leaderboard(
    writes: &[Write],
    thing: &str,
    start: i64,
    end: i64,
    atid: Option<u32>,
    limit: usize,
) -> Vec<(String, i64)> {
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for w in writes.iter().filter(|w| {
        w.thing == thing && w.ts >= start && w.ts <= end && atid.is_none_or(|a| a == w.atid)
    }) {
        *sums.entry(w.uid.to_string()).or_default() += w.value;
    }
    let mut ranked: Vec<(String, i64)> = sums.into_iter().filter(|(_, v)| *v != 0).collect();
    ranked.sort_by_key(|(uid, value)| (Reverse(*value), Reverse(uid.clone())));
    ranked.truncate(limit);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_before_the_anchor() {
        let p = Plan::example();
        let writes = generate(&p);
        assert_eq!(writes, generate(&p));
        assert!(writes.len() > 300, "{}", writes.len());
        assert!(
            writes
                .iter()
                .all(|w| w.ts >= p.start() && w.ts < p.anchor().timestamp())
        );
        assert!(
            writes
                .iter()
                .all(|w| w.value > 0 && (1..=4).contains(&w.atid))
        );
        // Cycling and swimming have no steps.
        assert!(writes.iter().all(|w| w.thing != "steps" || w.atid <= 2));
    }

    #[test]
    fn leaderboard_sums_filters_and_ranks() {
        let w = |uid, atid, value, ts| Write {
            thing: "steps",
            uid,
            atid,
            aid: 1,
            value,
            ts,
        };
        let writes = vec![
            w(1, 1, 10, 100),
            w(2, 2, 30, 100),
            w(1, 2, 25, 200),
            w(3, 1, 35, 300),
            w(10, 1, 35, 150),
        ];
        assert_eq!(
            leaderboard(&writes, "steps", 0, 1000, None, 10),
            vec![
                ("3".into(), 35),
                ("10".into(), 35),
                ("1".into(), 35),
                ("2".into(), 30)
            ]
        );
        assert_eq!(
            leaderboard(&writes, "steps", 150, 250, None, 10),
            vec![("10".into(), 35), ("1".into(), 25)]
        );
        assert_eq!(
            leaderboard(&writes, "steps", 0, 1000, Some(2), 1),
            vec![("2".into(), 30)]
        );
        assert!(leaderboard(&writes, "calories", 0, 1000, None, 10).is_empty());
    }
}
