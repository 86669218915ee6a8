//! Window sums against a model: writes around year, month, day, hour, minute and leap-day
//! boundaries, then many windows whose edges fall on, before and after them, each sum
//! compared with the sum of the writes it covers (all activity types and one). Also for
//! data only the original wrote (the detail hashes are scanned), and again after this
//! service wrote into the same buckets (the sums hashes are built from them).

use super::compat::original_write;
use super::*;

const Y2024: i64 = 1_704_067_200; // 2024-01-01 00:00:00
const LEAP_DAY: i64 = 1_709_164_800; // 2024-02-29 00:00:00

/// A write of the model: (second, atid, value).
type Point = (i64, i64, i64);

/// A small deterministic generator (the test must be reproducible).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((self.0 >> 33) % n as u64) as i64
    }
}

/// Seconds on and around boundaries of every unit, and some anywhere in 2024.
fn seconds(rng: &mut Lcg) -> Vec<i64> {
    let mut ts: Vec<i64> = [
        -86_401, -3601, -61, -1, 0, 1, 59, 60, 3599, 3600, 86_399, 86_400,
    ]
    .iter()
    .map(|d| Y2024 + d)
    .collect();
    ts.extend([LEAP_DAY - 1, LEAP_DAY, LEAP_DAY + 86_399, LEAP_DAY + 86_400]);
    ts.extend((0..30).map(|_| Y2024 + rng.below(366 * 86_400)));
    ts
}

fn points(rng: &mut Lcg) -> Vec<Point> {
    seconds(rng)
        .into_iter()
        .enumerate()
        .map(|(k, t)| (t, 1 + k as i64 % 3, rng.below(200) - 50))
        .collect()
}

/// Window edges: each written second, one before and one after, and random seconds.
fn windows(rng: &mut Lcg, points: &[Point], n: usize) -> Vec<(i64, i64)> {
    let edge = |rng: &mut Lcg| {
        if rng.below(4) == 0 {
            Y2024 - 86_400 + rng.below(368 * 86_400)
        } else {
            points[rng.below(points.len() as i64) as usize].0 + rng.below(3) - 1
        }
    };
    let mut w: Vec<(i64, i64)> = (0..n)
        .map(|_| {
            let (a, b) = (edge(rng), edge(rng));
            (a.min(b), a.max(b))
        })
        .collect();
    w.extend([(Y2024 - 86_400, Y2024 + 367 * 86_400), (Y2024, Y2024 - 1)]);
    w
}

fn model(points: &[Point], atid: Option<i64>, (a, b): (i64, i64)) -> i64 {
    points
        .iter()
        .filter(|(t, at, _)| (a..=b).contains(t) && atid.is_none_or(|x| x == *at))
        .map(|p| p.2)
        .sum()
}

fn check(host: &Host, uid: i64, points: &[Point], windows: &[(i64, i64)]) {
    for (i, w) in windows.iter().enumerate() {
        // every window for all activity types; every third also for one
        let atids = if i % 3 == 0 {
            vec![None, Some(2)]
        } else {
            vec![None]
        };
        for atid in atids {
            let name = atid.map_or("all".to_string(), |a| a.to_string());
            let got = query(host, uid, "steps", &name, w.0, w.1);
            assert_eq!(
                got,
                model(points, atid, *w),
                "uid {uid}, atid {name}, {w:?}"
            );
        }
    }
}

fn second(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .format("%Y%m%d%H%M%S")
        .to_string()
}

#[test]
fn any_window_sums_what_was_written_in_it() {
    in_each_mode("points_windows", |host, backends| {
        let mut rng = Lcg(2024);
        // Written by this service, in one batch.
        let mine = points(&mut rng);
        let batch: Vec<String> = mine
            .iter()
            .enumerate()
            .map(|(k, (t, atid, v))| increment("steps", 5, *atid, k as i64, *v, *t))
            .collect();
        ok_json(post_json(
            host,
            "/points/v1/write",
            &format!("[{}]", batch.join(",")),
        ));
        let w = windows(&mut rng, &mine, 150);
        check(host, 5, &mine, &w);

        // Written by the original only: read from its detail hashes.
        let mut theirs = points(&mut rng);
        for (k, (t, atid, v)) in theirs.iter().enumerate() {
            original_write(backends, 1, 6, *atid, 500 + k as i64, *v, &second(*t));
        }
        let w = windows(&mut rng, &theirs, 100);
        check(host, 6, &theirs, &w);
        // This service writes into some of the same buckets: their sums hashes are built
        // from the original's fields plus the new value.
        for (k, &(t, atid, _)) in theirs.clone().iter().enumerate().step_by(4) {
            write_ok(host, &increment("steps", 6, atid, 900 + k as i64, 7, t + 1));
            theirs.push((t + 1, atid, 7));
        }
        check(host, 6, &theirs, &w);
    });
}
