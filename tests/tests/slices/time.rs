//! Slicing over time: many short slices, late events, all slices, ranges, retention.

use super::{Shards, T0, event, in_each_mode, summary, text, triple};

#[test]
fn events_across_many_short_slices() {
    // 10-second slices starting at T0; 40 slices, slice k gets k+1 users and k clicks.
    in_each_mode(
        "many_slices",
        &[1, 2],
        &[("slices_length_seconds", "10")],
        |host, _| {
            for k in 0..40i64 {
                for u in 0..=k {
                    let ts = T0 + k * 10 + (u % 10);
                    let kind = if u < k { "click" } else { "impression" };
                    event(host, &format!("timestamp={ts}&user=u{u}&{kind}"));
                }
            }
            for k in [0i64, 1, 17, 39] {
                let v = summary(host, T0 + k * 10 + 9);
                assert_eq!(v["slice"], k);
                assert_eq!(triple(&v), ((k + 1) as u64, k as u64, 1), "slice {k}");
                assert_eq!(v["end"].as_str().unwrap(), chrono_like(T0 + k * 10 + 10));
            }
            assert_eq!(triple(&summary(host, T0 + 400)), (0, 0, 0));

            // allslices: every slice from the first to the one asked, in the original's lines.
            let reply = host.get(&format!("/analytics/allslices?timestamp={}", T0 + 39 * 10));
            assert_eq!(reply.status, 200, "{}", reply.body);
            let expected: String = (0..40u64)
                .map(|k| format!("slice,{k}\n{}", text(k + 1, k, 1)))
                .collect();
            assert_eq!(reply.body, expected);
            let reply = host.get(&format!(
                "/analytics/allslices?timestamp={}&format=json&limit=5",
                T0 + 39 * 10
            ));
            let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            let slices: Vec<u64> = v["slices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["slice"].as_u64().unwrap())
                .collect();
            assert_eq!(slices, [35, 36, 37, 38, 39]);
            assert_eq!(v["truncated"], true);

            // A range: per-slice rows, summed clicks and impressions, unique users not summed.
            let reply = host.get(&format!(
                "/analytics/range?from={}&to={}&format=json",
                T0 + 100,
                T0 + 150
            ));
            assert_eq!(reply.status, 200, "{}", reply.body);
            let r: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            let rows = r["slices"].as_array().unwrap();
            assert_eq!(rows.len(), 5, "[from, to) covers slices 10..=14");
            assert_eq!(rows[0]["slice"], 10);
            assert_eq!(r["clicks"], (10..15).sum::<u64>());
            assert_eq!(r["impressions"], 5);
            assert_eq!(r["unique_users_additive"], false);
            assert!(r["note"].as_str().unwrap().contains("not additive"));
            assert_eq!(
                r["approx_unique_users"],
                serde_json::Value::Null,
                "no HyperLogLog by default"
            );
            let reply = host.get(&format!(
                "/analytics/range?to={}&from={}",
                T0 + 150,
                T0 + 100
            ));
            assert!(
                reply.body.ends_with(
                    "total_clicks,60\ntotal_impressions,5\nunique_users_additive,false\n"
                ),
                "{}",
                reply.body
            );
        },
    );
}

/// RFC 3339 of epoch seconds (UTC, whole seconds), without a date library.
fn chrono_like(ts: i64) -> String {
    let secs = ts - T0;
    format!(
        "2024-01-01T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[test]
fn late_events_for_a_past_slice() {
    in_each_mode("late_events", &[1, 2], &[], |host, _| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        // The current hour, counted as it happens.
        event(host, &format!("timestamp={now}&user=a&click"));
        event(host, &format!("timestamp={}&user=b&impression", now * 1000));
        let current = summary(host, now);
        assert_eq!(triple(&current), (2, 1, 1));
        assert_eq!(current["late_events"], 0);

        // Late events for a slice two days back: counted into their own slice.
        let past = now - 2 * 86_400;
        for u in 0..5 {
            event(host, &format!("user=late{u}&click&timestamp={past}"));
        }
        event(host, &format!("user=late0&impression&timestamp={past}"));
        let v = summary(host, past);
        assert_eq!(triple(&v), (5, 5, 1));
        assert_eq!(v["late_events"], 6);
        // The current slice is unchanged.
        assert_eq!(triple(&summary(host, now)), (2, 1, 1));
    });
}

#[test]
fn range_estimates_distinct_users_across_slices() {
    in_each_mode(
        "range_hll",
        &[1, 2, 3],
        &[("slices_hll", "true")],
        |host, _| {
            // 3 slices, 100 users each, 50 of them in every slice: 200 distinct users.
            for s in 0..3i64 {
                for u in 0..100 {
                    let user = if u < 50 {
                        format!("common{u}")
                    } else {
                        format!("s{s}u{u}")
                    };
                    event(
                        host,
                        &format!("timestamp={}&user={user}&click", T0 + s * 3600 + u),
                    );
                }
            }
            let reply = host.get(&format!(
                "/analytics/range?from={}&to={}&format=json",
                T0,
                T0 + 3 * 3600
            ));
            assert_eq!(reply.status, 200, "{}", reply.body);
            let r: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            let per_slice: Vec<u64> = r["slices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["unique_users"].as_u64().unwrap())
                .collect();
            assert_eq!(per_slice, [100, 100, 100]);
            assert_eq!(r["clicks"], 300);
            let approx = r["approx_unique_users"].as_u64().unwrap();
            assert!(
                (196..=204).contains(&approx),
                "about 200 distinct users, got {approx}"
            );
            let reply = host.get(&format!("/analytics/range?from={}&to={}", T0, T0 + 3600));
            let line = reply
                .body
                .lines()
                .find_map(|l| l.strip_prefix("approx_unique_users,"));
            let one: u64 = line.expect("an estimate line").parse().unwrap();
            assert!(
                (98..=102).contains(&one),
                "about 100 distinct users, got {one}"
            );
        },
    );
}

#[test]
fn retention_expires_slices_and_refuses_older_events() {
    let shards = Shards::new("retention", &[1]);
    let dir = tempfile::tempdir().unwrap();
    let host = shards.start(
        dir.path(),
        &[("slices_retention_hours", "2"), ("slices_hll", "1")],
        &[],
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    event(&host, &format!("timestamp={now}&user=a&click"));
    let mut conn = shards.redis(1);
    let keys = shards.own_keys(1);
    let data: Vec<_> = keys
        .iter()
        .filter(|k| !k.ends_with(b"placements"))
        .collect();
    assert_eq!(data.len(), 3, "users, counts and hll");
    for key in data {
        let at: i64 = redis::cmd("EXPIRETIME").arg(key).query(&mut conn).unwrap();
        // The slice ends within the hour; its data expires two hours later.
        assert!(
            at > now + 2 * 3600 && at <= now + 3 * 3600 + 1,
            "{at} vs {now}"
        );
    }
    let reply = host.post(
        &format!("/analytics?timestamp={}&user=a&click", now - 4 * 3600),
        "text/plain",
        "",
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("retention"), "{}", reply.body);
    assert_eq!(triple(&summary(&host, now)), (1, 1, 0));
}
