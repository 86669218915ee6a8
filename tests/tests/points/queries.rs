//! Multi-user, multi-thing queries, `_atids`, empty users, offsets.

use serde_json::json;

use super::*;

const T0: i64 = 1_458_061_005; // 2016-03-15 16:56:45

/// Users 1..=3: 1 has steps and points over two activities, 2 has steps only, 3 nothing.
fn seed(host: &Host) {
    let batch = [
        metric("steps", 1, 2, 11, 100, T0, T0 + 10),
        metric("points", 1, 2, 11, 7, T0, T0 + 10),
        metric("steps", 1, 4, 12, 50, T0 + 3600, T0 + 7200),
        metric("steps", 2, 4, 21, 30, T0, T0 + 20),
    ];
    ok_json(post_json(
        host,
        "/points/v1/write",
        &format!("[{}]", batch.join(",")),
    ));
}

#[test]
fn mumt_many_users_and_things() {
    in_each_mode("points_mumt", |host, _| {
        seed(host);
        let path = format!("/points/v1/mumt_query/all/{}/{}", T0 - 86_400, T0 + 86_400);
        let body = ok_json(post_form(host, &path, "things=steps,points&ids=1,2,3,1"));
        assert_eq!(
            body,
            json!({"data": {
                "1": {"_atids": [2, 4], "steps": 150, "points": 7},
                "2": {"_atids": [4], "steps": 30, "points": 0},
                "3": {"_atids": [], "steps": 0, "points": 0},
            }})
        );
        // drop_empty: the original's behaviour (no data, or a points sum of 0).
        let body = ok_json(post_form(
            host,
            &format!("{path}?drop_empty=true"),
            "things=steps,points&ids=1,2,3",
        ));
        assert_eq!(body["data"].as_object().unwrap().len(), 1);
        assert_eq!(body["data"]["1"]["steps"], 150);
        // An atid filter applies to sums and _atids.
        let path4 = format!("/points/v2/mumt_query/4/{}/{}", T0 - 86_400, T0 + 86_400);
        let body = ok_json(post_form(host, &path4, "things=steps&ids=1,2"));
        assert_eq!(
            body,
            json!({"data": {"1": {"_atids": [4], "steps": 50}, "2": {"_atids": [4], "steps": 30}}})
        );
        // A narrower window: only the first hour.
        let path = format!("/points/v1/mumt_query/all/{T0}/{}", T0 + 3599);
        let body = ok_json(post_form(host, &path, "things=steps&ids=1"));
        assert_eq!(body, json!({"data": {"1": {"_atids": [2], "steps": 100}}}));
    });
}

#[test]
fn query_ids_and_mu_query() {
    in_each_mode("points_query_ids", |host, _| {
        seed(host);
        let (a, b) = (T0 - 60, T0 + 86_400);
        let body = ok_json(post_form(
            host,
            &format!("/points/v1/query_ids/steps/all/{a}/{b}"),
            "ids=2,1,3,2",
        ));
        assert_eq!(body, json!({"1": 150, "2": 30, "3": 0}));
        let body = ok_json(post_form(
            host,
            &format!("/points/v1/query_ids/steps/all/{a}/{b}?drop_empty=true"),
            "ids=1,2,3",
        ));
        assert_eq!(body, json!({"1": 150, "2": 30}));
        let body = ok_json(post_form(
            host,
            &format!("/points/v1/mu_query/steps/2/{a}/{b}"),
            "ids=1,2",
        ));
        assert_eq!(
            body,
            json!({"values": {"1": 100, "2": 0}, "atids": {"1": [2], "2": []}})
        );
        assert_eq!(query(host, 1, "steps", "all", a, b), 150);
        assert_eq!(query(host, 1, "points", "2", a, b), 7);
    });
}

#[test]
fn offsets_shift_each_users_window() {
    in_each_mode("points_offsets", |host, _| {
        // A local day: 2016-03-15 00:00 .. 23:59:59 UTC, and the same day at UTC-5.
        let day = 1_458_000_000; // 2016-03-15 00:00:00 UTC
        let (a, b) = (day, day + 86_399);
        write_ok(host, &increment("points", 1, 1, 1, 5, day + 3600)); // 01:00 UTC
        write_ok(host, &increment("points", 2, 1, 1, 9, day + 86_400 + 3600)); // next day 01:00 UTC
        let path = format!("/points/v2/mumt_query/all/{a}/{b}");
        let body = ok_json(post_form(
            host,
            &path,
            "things=points&ids=1,2&offsets=0,18000",
        ));
        assert_eq!(body["data"]["1"]["points"], 5);
        assert_eq!(
            body["data"]["2"]["points"], 9,
            "uid 2's day is 05:00..05:00 UTC"
        );
        let body = ok_json(post_form(host, &path, "things=points&ids=1,2"));
        assert_eq!(
            (
                body["data"]["1"]["points"].as_i64(),
                body["data"]["2"]["points"].as_i64()
            ),
            (Some(5), Some(0))
        );
        // Offsets on every query route.
        let body = ok_json(post_form(
            host,
            &format!("/points/v1/query_ids/points/all/{a}/{b}"),
            "ids=1,2&offsets=7200,18000",
        ));
        assert_eq!(body, json!({"1": 0, "2": 9}));
        let r = host.get(&format!(
            "/points/v1/query/2/points/all/{a}/{b}?offset=18000"
        ));
        assert_eq!(ok_int(r), 9);
        // One offset per id, or none.
        let r = post_form(host, &path, "things=points&ids=1,2&offsets=0");
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("`offsets`"), "{}", r.body);
    });
}
