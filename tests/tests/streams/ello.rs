//! The Ello Streams routes: insert, select, delete, maxSize, coalesce order, errors.

use redis::TypedCommands;
use serde_json::{Value, json};

use super::{App, in_each_mode, item};

fn ts(second: u32) -> String {
    format!("2015-10-28T17:{:02}:{:02}Z", second / 60, second % 60)
}

fn put(app: &App, items: &[Value]) {
    let r = app.call("PUT", "/streams", Some(&json!(items).to_string()));
    assert_eq!(r.status, 201, "{}", r.body);
}

fn ids(reply: &Value) -> Vec<String> {
    reply
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// The test's Redis keys: (add sides, remove sides).
fn sides(app: &App) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut redis = app.backends.redis();
    let keys: Vec<Vec<u8>> = redis::cmd("KEYS")
        .arg(format!("{}*", app.prefix()))
        .query(&mut redis)
        .unwrap();
    let keys: Vec<Vec<u8>> = keys
        .into_iter()
        .filter(|k| k.ends_with(b"+") || k.ends_with(b"-"))
        .collect();
    let (adds, removes) = keys.into_iter().partition(|k| k.ends_with(b"+"));
    (adds, removes)
}

#[test]
fn insert_select_delete() {
    in_each_mode("streams_insert_select_delete", &[], |app| {
        put(
            app,
            &[
                item("p1", "2015-10-28T18:59:12.5+02:00", 0, "alice"),
                item("p2", &ts(20), 1, "alice"),
                item("p3", &ts(30), 0, "alice"),
                item("q1", &ts(25), 0, "bob"),
            ],
        );
        let r = app.call("GET", "/stream/alice", None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        let body = r.json();
        assert_eq!(ids(&body), ["p3", "p2", "p1"]);
        assert_eq!(
            body[0],
            json!({"id": "p3", "ts": ts(30), "type": 0, "stream_id": "alice"})
        );
        assert_eq!(body[1]["type"], 1);
        // the +02:00 time comes back in UTC
        assert_eq!(body[2]["ts"], "2015-10-28T16:59:12.500Z");
        assert!(r.link.is_none(), "a short page has no Link: {:?}", r.link);
        // Redis holds one add side per stream, members as the original wrote them.
        let (adds, removes) = sides(app);
        assert_eq!((adds.len(), removes.len()), (2, 0));
        let mut redis = app.backends.redis();
        let members: Vec<String> = adds
            .iter()
            .flat_map(|k| redis.zrange(k, 0, -1).unwrap())
            .collect();
        assert!(
            members.contains(&r#"{"content_id":"p2","stream_id":"alice","type":1}"#.to_string()),
            "{members:?}"
        );

        let r = app.call(
            "DELETE",
            "/streams",
            Some(&json!([item("p2", &ts(20), 1, "alice")]).to_string()),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            ids(&app.call("GET", "/stream/alice", None).json()),
            ["p3", "p1"]
        );
        assert_eq!(sides(app).1.len(), 1, "the delete left a tombstone");
        // Re-inserting at the deleted time loses to the delete; a later insert wins.
        put(app, &[item("p2", &ts(20), 1, "alice")]);
        assert_eq!(
            ids(&app.call("GET", "/stream/alice", None).json()),
            ["p3", "p1"]
        );
        put(app, &[item("p2", &ts(21), 1, "alice")]);
        assert_eq!(
            ids(&app.call("GET", "/stream/alice", None).json()),
            ["p3", "p2", "p1"]
        );
        // Writes are idempotent.
        put(
            app,
            &[
                item("p3", &ts(30), 0, "alice"),
                item("p3", &ts(30), 0, "alice"),
            ],
        );
        assert_eq!(
            ids(&app.call("GET", "/stream/alice", None).json()),
            ["p3", "p2", "p1"]
        );
        let count = app.call("GET", "/stream/alice/count", None).json();
        assert_eq!(count, json!({"stream_id": "alice", "count": 3}));
        assert_eq!(
            ids(&app.call("GET", "/stream/nobody", None).json()),
            Vec::<String>::new()
        );
        // Deleting something never inserted leaves a tombstone that beats older inserts.
        let r = app.call(
            "DELETE",
            "/streams",
            Some(&json!([item("z", &ts(50), 0, "bob")]).to_string()),
        );
        assert_eq!(r.status, 200);
        put(app, &[item("z", &ts(40), 0, "bob")]);
        assert_eq!(ids(&app.call("GET", "/stream/bob", None).json()), ["q1"]);
        // A stream id with characters that need escaping in a path.
        put(app, &[item("e1", &ts(1), 0, "a/b c")]);
        assert_eq!(
            ids(&app.call("GET", "/stream/a%2Fb%20c", None).json()),
            ["e1"]
        );
    });
}

#[test]
fn max_size_trims_both_sides() {
    in_each_mode("streams_max_size", &[("streams_max_size", "5")], |app| {
        let items: Vec<Value> = (0..8)
            .map(|i| item(&format!("p{i}"), &ts(i), 0, "s"))
            .collect();
        put(app, &items);
        let page = app.call("GET", "/stream/s?limit=100", None).json();
        assert_eq!(ids(&page), ["p7", "p6", "p5", "p4", "p3"]);
        // Older than the oldest of a full side: refused.
        put(app, &[item("old", &ts(1), 0, "s")]);
        assert_eq!(
            ids(&app.call("GET", "/stream/s?limit=100", None).json()),
            ["p7", "p6", "p5", "p4", "p3"]
        );
        // Deletes are bounded too.
        let dels: Vec<Value> = (0..8)
            .map(|i| item(&format!("d{i}"), &ts(100 + i), 0, "s"))
            .collect();
        assert_eq!(
            app.call("DELETE", "/streams", Some(&json!(dels).to_string()))
                .status,
            200
        );
        let (adds, removes) = sides(app);
        let mut redis = app.backends.redis();
        assert_eq!(redis.zcard(&adds[0]).unwrap(), 5);
        assert_eq!(redis.zcard(&removes[0]).unwrap(), 5);
        assert_eq!(app.call("GET", "/stream/s/count", None).json()["count"], 5);
    });
}

#[test]
fn coalesce_orders_by_time_then_member_bytes() {
    in_each_mode("streams_coalesce_order", &[], |app| {
        let mut items = Vec::new();
        for (s, stream) in ["a", "b", "c"].iter().enumerate() {
            for i in 0..6u32 {
                // scores repeat across streams and within them
                items.push(item(
                    &format!("{stream}{i}"),
                    &ts(i / 2 * 10 + s as u32 % 2),
                    0,
                    stream,
                ));
            }
        }
        put(app, &items);
        put(app, &[item("elsewhere", &ts(59), 0, "d")]);
        let r = app.call(
            "POST",
            "/streams/coalesce?limit=100",
            Some(r#"{"streams":["a","b","c","a"]}"#),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let got = r.json();
        let mut expected: Vec<(String, String, String)> = items
            .iter()
            .map(|i| {
                let member = format!(
                    r#"{{"content_id":"{}","stream_id":"{}","type":0}}"#,
                    i["id"].as_str().unwrap(),
                    i["stream_id"].as_str().unwrap()
                );
                (
                    i["ts"].as_str().unwrap().to_string(),
                    member,
                    i["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        expected.sort_by(|x, y| {
            y.0.cmp(&x.0)
                .then_with(|| y.1.as_bytes().cmp(x.1.as_bytes()))
        });
        let expected_ids: Vec<String> = expected.into_iter().map(|e| e.2).collect();
        assert_eq!(ids(&got), expected_ids);
        // The default limit is 10; an empty list of streams is an empty page.
        let r = app.call(
            "POST",
            "/streams/coalesce",
            Some(r#"{"streams":["a","b","c"]}"#),
        );
        assert_eq!(ids(&r.json()), expected_ids[..10]);
        assert!(
            r.link
                .as_deref()
                .unwrap()
                .starts_with("</streams/coalesce?limit=10&from="),
            "{:?}",
            r.link
        );
        assert_eq!(
            app.call("POST", "/streams/coalesce", Some(r#"{"streams":[]}"#))
                .json(),
            json!([])
        );
    });
}

#[test]
fn bad_requests_are_refused_and_write_nothing() {
    in_each_mode("streams_bad_requests", &[], |app| {
        let good = item("ok", &ts(1), 0, "s");
        for (body, field) in [
            (json!({"id": "x"}), "array"),
            (
                json!([good, {"id": "x", "ts": "yesterday", "type": 0, "stream_id": "s"}]),
                "`ts`",
            ),
            (
                json!([good, {"id": "x", "ts": ts(2), "type": "repost", "stream_id": "s"}]),
                "`type`",
            ),
            (
                json!([good, {"id": "x", "ts": ts(2), "type": 1.5, "stream_id": "s"}]),
                "`type`",
            ),
            (
                json!([good, {"id": "x", "ts": ts(2), "type": 0}]),
                "`stream_id`",
            ),
            (json!([good, 7]), "item 1"),
        ] {
            for method in ["PUT", "DELETE"] {
                let r = app.call(method, "/streams", Some(&body.to_string()));
                assert_eq!(r.status, 422, "{method} {body}: {}", r.body);
                assert_eq!(r.content_type.as_deref(), Some("application/problem+json"));
                assert!(
                    r.json()["detail"].as_str().unwrap().contains(field),
                    "{}",
                    r.body
                );
            }
        }
        let r = app.call("PUT", "/streams", Some("not json"));
        assert_eq!(r.status, 422);
        assert_eq!(sides(app), (vec![], vec![]), "nothing was written");
        for (path, body, field) in [
            ("/streams/coalesce", "[\"s\"]", "streams"),
            (
                "/streams/coalesce?limit=ten",
                r#"{"streams":["s"]}"#,
                "`limit`",
            ),
            (
                "/streams/coalesce?limit=0",
                r#"{"streams":["s"]}"#,
                "`limit`",
            ),
            (
                "/streams/coalesce?from=123",
                r#"{"streams":["s"]}"#,
                "`from`",
            ),
            (
                "/streams/coalesce?from=xA",
                r#"{"streams":["s"]}"#,
                "cursor",
            ),
            (
                "/streams/coalesce?from=1A%21",
                r#"{"streams":["s"]}"#,
                "cursor",
            ),
            (
                "/streams/coalesce?before=1",
                r#"{"streams":["s"]}"#,
                "`before`",
            ),
            (
                "/streams/coalesce?from=0A&before=0A",
                r#"{"streams":["s"]}"#,
                "`before`",
            ),
        ] {
            let r = app.call("POST", path, Some(body));
            assert_eq!(r.status, 422, "{path}: {}", r.body);
            assert!(
                r.json()["detail"].as_str().unwrap().contains(field),
                "{path}: {}",
                r.body
            );
        }
        let r = app.call("GET", "/stream/s?limit=x", None);
        assert_eq!(r.status, 422);
        assert_eq!(app.call("POST", "/stream/s", Some("{}")).status, 405);
        assert_eq!(app.call("GET", "/streams/nope", None).status, 404);
        // limit above 1000 is lowered to 1000, not refused
        assert_eq!(app.call("GET", "/stream/s?limit=5000", None).status, 200);
    });
}

#[test]
fn health_reports_each_backend() {
    in_each_mode("streams_health", &[], |app| {
        let r = app.call("GET", "/streams/health", None);
        assert_eq!(r.status, 200, "{}", r.body);
        let body = r.json();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["backends"][0]["reachable"], true);
    });
    let app = App::start("streams_health_down", &[("redis_url", super::DOWN)], &[]);
    let r = app.call("GET", "/streams/health", None);
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json()["backends"][0]["reachable"], false);
    // and a write to an unreachable Redis is a 503 the client may retry
    let r = app.call(
        "PUT",
        "/streams",
        Some(&json!([item("x", &ts(1), 0, "s")]).to_string()),
    );
    assert_eq!(r.status, 503, "{}", r.body);
}

#[test]
fn metrics_count_each_operation() {
    in_each_mode("streams_metrics", &[], |app| {
        put(app, &[item("m1", &ts(1), 0, "s")]);
        put(app, &[item("m2", &ts(2), 0, "s")]);
        let del = json!([item("m1", &ts(1), 0, "s")]).to_string();
        assert_eq!(app.call("DELETE", "/streams", Some(&del)).status, 200);
        assert_eq!(app.call("GET", "/stream/s", None).status, 200);
        // a refused request is not counted
        assert_eq!(app.call("PUT", "/streams", Some("{}")).status, 422);
        let r = app.call("GET", "/streams/metrics", None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.content_type.unwrap().starts_with("text/plain"));
        let name = "streams_operation_duration_seconds";
        for (op, n) in [("insert", 2), ("delete", 1), ("coalesce", 1), ("select", 0)] {
            let line = format!("{name}_count{{op=\"{op}\"}} {n}\n");
            assert!(r.body.contains(&line), "{line}in\n{}", r.body);
            let inf = format!("{name}_bucket{{op=\"{op}\",le=\"+Inf\"}} {n}\n");
            assert!(r.body.contains(&inf), "{inf}");
        }
    });
    let app = App::start("streams_metrics_off", &[("streams_metrics", "false")], &[]);
    put(&app, &[item("m1", &ts(1), 0, "s")]);
    let r = app.call("GET", "/streams/metrics", None);
    assert!(
        r.body
            .contains("streams_operation_duration_seconds_count{op=\"insert\"} 0\n"),
        "{}",
        r.body
    );
}
