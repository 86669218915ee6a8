//! Writes: the spec's examples, the key layout, diffadd idempotency, negative values,
//! batches, expiry.

use redis::TypedCommands;
use serde_json::json;

use super::*;

#[test]
fn the_specs_write_and_mumt_query() {
    in_each_mode("points_spec_example", |host, backends| {
        write_ok(host, &metric("steps", 1, 2, 3, 10, 1496539746, 1496539747));
        let body = ok_json(post_form(
            host,
            "/points/v1/mumt_query/all/1496539746/1496539747",
            "things=steps&ids=1",
        ));
        assert_eq!(body, json!({"data":{"1":{"_atids":[2],"steps":10}}}));
        // The original's layout: hz:<thing id>:<uid>:<bucket>, field <child>:<atid>:<aid>.
        let mut redis = backends.redis();
        let p = key_prefix(backends);
        for (bucket, child) in [
            ("2017", "201706"),
            ("201706", "20170604"),
            ("20170604", "2017060401"),
            ("2017060401", "201706040129"),
            ("201706040129", "20170604012907"),
        ] {
            let key = format!("{p}hz:1:1:{bucket}");
            let v = redis.hget(&key, format!("{child}:2:3")).unwrap();
            assert_eq!(v.as_deref(), Some("10"), "{key}");
            let ttl = ttl(backends, &key);
            assert!(
                (90 * 86_400 - 60..=90 * 86_400).contains(&ttl),
                "{key} ttl {ttl}"
            );
        }
    });
}

#[test]
fn the_originals_increment_example() {
    in_each_mode("points_increment_example", |host, _| {
        for (value, ts) in [(10, 1458061005), (11, 1458061008), (1, 1458061011)] {
            write_ok(host, &increment("points", 1, 3, 0, value, ts));
        }
        assert_eq!(query(host, 1, "points", "all", 1458061005, 1458061010), 21);
        assert_eq!(query(host, 1, "points", "3", 1458061005, 1458061010), 21);
        assert_eq!(query(host, 1, "points", "4", 1458061005, 1458061010), 0);
        assert_eq!(query(host, 1, "points", "all", 1458061006, 1458061011), 12);
        assert_eq!(query(host, 1, "points", "all", 1451635200, 1458061011), 22);
        assert_eq!(query(host, 1, "steps", "all", 1451635200, 1458061011), 0);
        assert_eq!(query(host, 2, "points", "all", 1451635200, 1458061011), 0);
        // A single second, and start > end.
        assert_eq!(query(host, 1, "points", "all", 1458061008, 1458061008), 11);
        assert_eq!(query(host, 1, "points", "all", 1458061011, 1458061005), 0);
    });
}

#[test]
fn diffadd_adds_only_what_is_new() {
    in_each_mode("points_diffadd", |host, _| {
        let t0 = 1_700_000_000;
        let first = metric("steps", 7, 2, 100, 50, t0, t0 + 60);
        write_ok(host, &first);
        // The same write again adds nothing.
        write_ok(host, &first);
        assert_eq!(query(host, 7, "steps", "all", t0, t0 + 3600), 50);
        // The running total grows to 80 at t0+120: 30 more, recorded at t0+120.
        write_ok(host, &metric("steps", 7, 2, 100, 80, t0, t0 + 120));
        assert_eq!(query(host, 7, "steps", "all", t0, t0 + 3600), 80);
        assert_eq!(query(host, 7, "steps", "all", t0 + 61, t0 + 3600), 30);
        // Another activity of the same user is diffed on its own.
        write_ok(host, &metric("steps", 7, 5, 101, 5, t0 + 10, t0 + 70));
        assert_eq!(query(host, 7, "steps", "all", t0, t0 + 3600), 85);
        assert_eq!(query(host, 7, "steps", "5", t0, t0 + 3600), 5);
        // A batch reports which writes changed anything.
        let batch = format!("[{first},{}]", metric("steps", 7, 2, 100, 90, t0, t0 + 180));
        let body = ok_json(post_json(host, "/points/v1/write", &batch));
        assert_eq!(body, json!({"writes": 2, "changed": 1, "unchanged": 1}));
        assert_eq!(query(host, 7, "steps", "all", t0, t0 + 3600), 95);
        // Each activity is listed once, however many seconds it was written at.
        let body = ok_json(post_form(
            host,
            &format!("/points/v1/mumt_query/all/{t0}/{}", t0 + 3600),
            "things=steps&ids=7",
        ));
        assert_eq!(
            body,
            json!({"data": {"7": {"_atids": [2, 5], "steps": 95}}})
        );
    });
}

#[test]
fn negative_values_and_corrections() {
    in_each_mode("points_negative", |host, _| {
        let t0 = 1_600_000_000;
        write_ok(host, &increment("distance", 3, 1, 1, -40, t0));
        assert_eq!(query(host, 3, "distance", "all", t0 - 5, t0 + 5), -40);
        // A diffadd whose running total went down records a negative delta.
        write_ok(host, &metric("distance", 3, 1, 2, 100, t0, t0 + 10));
        write_ok(host, &metric("distance", 3, 1, 2, 70, t0, t0 + 20));
        assert_eq!(query(host, 3, "distance", "all", t0, t0 + 20), 30);
        assert_eq!(query(host, 3, "distance", "all", t0 + 11, t0 + 20), -30);
        assert_eq!(query(host, 3, "distance", "all", t0 - 100, t0 + 100), 30);
    });
}

#[test]
fn a_batch_is_one_call_applied_in_order() {
    in_each_mode("points_batch", |host, _| {
        let t0 = 1_500_000_000;
        let writes: Vec<String> = (0..50)
            .map(|i| metric("cb", i % 5, 1, 1000 + i, 2 * i, t0, t0 + i))
            .collect();
        let body = ok_json(post_json(
            host,
            "/points/v1/write",
            &format!("[{}]", writes.join(",")),
        ));
        assert_eq!(body["writes"], 50);
        assert_eq!(body["changed"], 49, "the write of value 0 changes nothing");
        let total: i64 = (0..5)
            .map(|uid| query(host, uid, "cb", "all", t0, t0 + 100))
            .sum();
        assert_eq!(total, (0..50).map(|i| 2 * i).sum::<i64>());
        // Two writes of one activity in one batch see each other: 10, then 25 → 25.
        let batch = format!(
            "[{},{}]",
            metric("cb", 9, 1, 1, 10, t0, t0 + 1),
            metric("cb", 9, 1, 1, 25, t0, t0 + 2)
        );
        ok_json(post_json(host, "/points/v1/write", &batch));
        assert_eq!(query(host, 9, "cb", "all", t0, t0 + 2), 25);
        // An empty batch is fine.
        assert_eq!(
            ok_json(post_json(host, "/points/v1/write", "[]"))["writes"],
            0
        );
    });
}
