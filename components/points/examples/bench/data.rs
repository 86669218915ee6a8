//! The benchmark's data: a year of activities for 100 users, and fresh writes.

use tally_points::calendar::ts_of;
use tally_points::input::{Mode, Write};
use tally_points::scripts::{Layout, write_args, write_script};
use tally_points::things::Thing;

use crate::client::Redis;

/// Users with a year of data (uids 1..=USERS).
pub const USERS: i64 = 100;
/// Activities per user per day.
pub const ACTIVITIES_PER_DAY: i64 = 2;
/// Diffadd writes per activity (running totals at 20 and 40 minutes).
pub const WRITES_PER_ACTIVITY: i64 = 2;
const YEAR: i64 = 2025;

/// The benchmark's key layout: keys expire after a day, should a run be interrupted.
pub fn layout(prefix: &str) -> Layout {
    Layout {
        prefix: prefix.to_string(),
        expire_seconds: 86_400,
        count_expire_seconds: 86_400,
        leaderboards: true,
    }
}

/// Where the query windows end: 2025-12-31 12:34:56 UTC (not aligned to any unit).
pub fn query_end() -> i64 {
    ts_of(YEAR, 12, 31) + 12 * 3600 + 34 * 60 + 56
}

/// Writes the year of data through the write script in batches of 1000.
pub fn seed(redis: &Redis, layout: &Layout) -> usize {
    let mut writes = Vec::new();
    let first_day = ts_of(YEAR, 1, 1);
    for day in 0..365 {
        for uid in 1..=USERS {
            for a in 0..ACTIVITIES_PER_DAY {
                let start = first_day + day * 86_400 + 7 * 3600 + a * 6 * 3600 + uid * 37 % 3600;
                let aid = (day * USERS + uid) * ACTIVITIES_PER_DAY + a;
                let total = 1000 + (aid * 7919) % 5000;
                for w in 1..=WRITES_PER_ACTIVITY {
                    writes.push(Write {
                        thing: Thing::Steps,
                        uid,
                        atid: 1 + aid % 4,
                        aid,
                        value: total * w / WRITES_PER_ACTIVITY,
                        ts1: start,
                        ts2: start + w * 1200,
                        mode: Mode::Diffadd,
                        id: None,
                    });
                }
            }
        }
    }
    for batch in writes.chunks(1000) {
        redis.eval(write_script(), &write_args(layout, batch));
    }
    writes.len()
}

/// The `i`th fresh write of client thread `thread`: a new 30-minute activity of a user
/// outside the queried ones.
pub fn fresh_write(thread: usize, i: usize) -> Write {
    let i = i as i64;
    let ts1 = ts_of(YEAR, 6, 1) + (i % 20_000) * 60;
    Write {
        thing: Thing::Steps,
        uid: 1_000_000 + thread as i64,
        atid: 1 + i % 4,
        aid: i,
        value: 100 + i,
        ts1,
        ts2: ts1 + 1800,
        mode: Mode::Diffadd,
        id: None,
    }
}

/// A write as the HTTP API takes it.
pub fn to_json(w: &Write) -> String {
    format!(
        r#"{{"thing":"{}","uid":{},"atid":{},"aid":{},"value":{},"ts1":{},"ts2":{}}}"#,
        w.thing.name(),
        w.uid,
        w.atid,
        w.aid,
        w.value,
        w.ts1,
        w.ts2
    )
}
