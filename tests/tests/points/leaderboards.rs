//! Leaderboards from the per-unit sorted sets, over any window, "as of" any time.

use serde_json::json;

use super::*;

#[test]
fn top_users_over_windows() {
    in_each_mode("points_leaderboards", |host, _| {
        let day = 1_458_000_000; // 2016-03-15 00:00:00
        let mut writes = Vec::new();
        // uid u earns u*10 points on day 15 (atid 1) and 100 - u*10 on day 20 (atid 2).
        for u in 1..=5 {
            writes.push(increment("points", u, 1, u, u * 10, day + 3600 * u + 7));
            writes.push(increment(
                "points",
                u,
                2,
                100 + u,
                100 - u * 10,
                day + 5 * 86_400 + u,
            ));
        }
        writes.push(increment("steps", 9, 1, 1, 1000, day));
        ok_json(post_json(
            host,
            "/points/v1/write",
            &format!("[{}]", writes.join(",")),
        ));
        let board = |q: &str| ok_json(host.get(&format!("/points/v1/leaderboard/points/{q}")));
        let leaders = |v: &serde_json::Value| -> Vec<(i64, i64)> {
            v["leaders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (l["uid"].as_i64().unwrap(), l["value"].as_i64().unwrap()))
                .collect()
        };
        // Day 15 alone: 5, 4, 3.
        let b = board(&format!("{day}/{}?limit=3", day + 86_399));
        assert_eq!(leaders(&b), [(5, 50), (4, 40), (3, 30)]);
        assert_eq!(b["leaders"][0]["rank"], 1);
        // Thirty days: everyone has 100; ties are ordered by uid, highest first.
        let b = board(&format!("{}/{}", day - 10 * 86_400, day + 20 * 86_400));
        assert_eq!(
            leaders(&b),
            [(5, 100), (4, 100), (3, 100), (2, 100), (1, 100)]
        );
        // As of the end of day 15 + 3 h 30 s (end = T): only what was earned by then.
        let b = board(&format!("{}/{}", day - 86_400, day + 3 * 3600 + 30));
        assert_eq!(leaders(&b), [(3, 30), (2, 20), (1, 10)]);
        // An atid filter: atid 2 only (day 20): 1 leads with 90.
        let b = board(&format!("{day}/{}?atid=2&limit=2", day + 30 * 86_400));
        assert_eq!(leaders(&b), [(1, 90), (2, 80)]);
        assert_eq!(b["atid"], 2);
        // Other things have their own boards; an empty window is an empty board.
        let b = ok_json(host.get(&format!("/points/v1/leaderboard/steps/{day}/{}", day + 60)));
        assert_eq!(leaders(&b), [(9, 1000)]);
        let b = board(&format!("{}/{day}", day + 1));
        assert_eq!(b["leaders"], json!([]));
    });
}
