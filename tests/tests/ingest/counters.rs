//! The Redis counters: equal to the distinct stored impressions, read in one call,
//! rebuilt from Postgres; the Redis-channel input; health.

use std::time::Duration;

use redis::TypedCommands;
use serde_json::{Value, json};
use tally_tests::host::eventually;

use super::{App, TOKEN, count, event, in_each_mode};

/// A deterministic spread of events over 12 posts by 3 authors, with many repeats.
fn events(seed: u64, n: usize) -> Vec<Value> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let post = (x >> 33) % 12;
            let second = (x >> 45) % 20;
            let author = post % 3;
            event(
                &format!("2017-03-01T10:00:{second:02}Z"),
                &format!("p{post}"),
                &format!("a{author}"),
                Some("v"),
                None,
                None,
                None,
            )
        })
        .collect()
}

#[test]
fn counters_equal_the_distinct_stored_impressions() {
    in_each_mode("counters_distinct", &[], |app| {
        for seed in 1..=3 {
            let reply = app.ingest(&Value::Array(events(seed, 300)));
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
        let mut pg = app.pg();
        let mut redis = app.redis();
        let ids: Vec<String> = (0..12).map(|p| format!("p{p}")).collect();
        let counts = app.get_json(&format!("/posts/view_counts?ids={}", ids.join(",")));
        let mut total = 0;
        for id in &ids {
            let stored = count(
                &mut pg,
                &format!("SELECT count(*) FROM impressions WHERE post_id = '{id}'"),
            );
            assert!(stored > 0);
            assert_eq!(counts[id], stored, "post {id}");
            total += stored;
        }
        for a in 0..3 {
            let stored = count(
                &mut pg,
                &format!("SELECT count(*) FROM impressions WHERE author_id = 'a{a}'"),
            );
            let counter: Option<String> = redis
                .get(
                    app.backends
                        .key(&format!("user:a{a}:total_post_views_counter")),
                )
                .unwrap();
            assert_eq!(
                counter.and_then(|c| c.parse().ok()),
                Some(stored),
                "author a{a}"
            );
        }
        assert_eq!(count(&mut pg, "SELECT count(*) FROM impressions"), total);
        // 12 posts x 20 seconds is at most 240 distinct impressions.
        assert!(total <= 240 && total > 100, "{total}");
    });
}

#[test]
fn view_counts_reads_the_original_keys_and_validates() {
    let app = App::start("counters_read", &[], &[]);
    let mut redis = app.redis();
    redis
        .set(app.backends.key("post:9:view_counter"), "41")
        .unwrap();
    redis
        .set(app.backends.key("post:bad:view_counter"), "x")
        .unwrap();
    assert_eq!(
        app.get_json("/posts/view_counts?ids=9,bad,nope"),
        json!({"9": 41, "bad": 0, "nope": 0})
    );
    assert_eq!(app.get_json("/posts/view_counts"), json!({}));
    let many: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
    let reply = app.call(
        "GET",
        &format!("/posts/view_counts?ids={}", many.join(",")),
        &[],
        None,
    );
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("`ids`"), "{}", reply.body);
}

#[test]
fn counters_are_rebuilt_from_postgres() {
    in_each_mode("counters_rebuild", &[], |app| {
        let batch: Vec<Value> = (0..5)
            .map(|s| {
                event(
                    &format!("2017-01-01T00:00:0{s}Z"),
                    "p1",
                    "a1",
                    None,
                    None,
                    None,
                    None,
                )
            })
            .collect();
        app.ingest(&Value::Array(batch));
        let mut redis = app.redis();
        redis
            .set(app.backends.key("post:p1:view_counter"), "999")
            .unwrap();
        redis
            .del(app.backends.key("user:a1:total_post_views_counter"))
            .unwrap();
        let rebuilt = app.admin("POST", "/counters/rebuild?post_id=p1");
        assert_eq!(rebuilt["value"], 5);
        assert_eq!(app.get_json("/posts/view_counts?ids=p1"), json!({"p1": 5}));
        assert_eq!(
            app.admin("POST", "/counters/rebuild?author_id=a1")["value"],
            5
        );
        let author: Option<String> = redis
            .get(app.backends.key("user:a1:total_post_views_counter"))
            .unwrap();
        assert_eq!(author.as_deref(), Some("5"));
        // The admin routes want the token, and exactly one counter.
        let reply = app.call("POST", "/counters/rebuild?post_id=p1", &[], None);
        assert_eq!(reply.status, 401);
        let wrong = app.call(
            "POST",
            "/counters/rebuild?post_id=p1",
            &[("authorization", "Bearer nope")],
            None,
        );
        assert_eq!(wrong.status, 401);
        let bearer = format!("Bearer {TOKEN}");
        let both = app.call(
            "POST",
            "/counters/rebuild?post_id=p1&author_id=a1",
            &[("authorization", &bearer)],
            None,
        );
        assert_eq!(both.status, 400);
    });
}

#[test]
fn admin_routes_are_disabled_without_a_token() {
    let app = App::start("counters_no_token", &[], &[("ingest_admin_token", "")]);
    let reply = app.call(
        "POST",
        "/counters/rebuild?post_id=p1",
        &[("authorization", "Bearer ")],
        None,
    );
    assert_eq!(reply.status, 403, "{}", reply.body);
}

#[test]
fn events_from_the_redis_channel_are_stored_and_counted() {
    let channel = format!("ingest_test_{}:impressions", std::process::id());
    let redis_url = tally_tests::backends::redis_url();
    let ch = channel.clone();
    let app = App::start_with("counters_channel", &[], &[], &[], move |b| {
        b.redis(&redis_url, &ch, "ingest")
    });
    let mut redis = app.redis();
    let one = event(
        "2017-01-01T00:00:00Z",
        "p1",
        "a1",
        Some("v1"),
        None,
        None,
        None,
    );
    let two = json!([
        event("2017-01-01T00:00:01Z", "p1", "a1", None, None, None, None),
        event("2017-01-01T00:00:00Z", "p1", "a1", Some("v1"), None, None, None),
        {"post": {}},
    ]);
    let delivered = eventually(Duration::from_secs(10), || {
        (redis.publish(&channel, one.to_string()).unwrap() > 0).then_some(())
    });
    assert!(delivered.is_some(), "no subscriber; {}", app.host.log());
    redis.publish(&channel, two.to_string()).unwrap();
    let stored = eventually(Duration::from_secs(10), || {
        let n = count(&mut app.pg(), "SELECT count(*) FROM impressions");
        (n == 2).then_some(n)
    });
    assert_eq!(stored, Some(2), "{}", app.host.log());
    let counts = eventually(Duration::from_secs(5), || {
        let c = app.get_json("/posts/view_counts?ids=p1");
        (c["p1"] == 2).then_some(c)
    });
    assert!(counts.is_some(), "{}", app.host.log());
}

#[test]
fn health_reports_both_backends() {
    let app = App::start("counters_health", &[], &[]);
    let body = app.get_json("/impressions/health");
    assert_eq!(body["postgres"]["reachable"], true);
    assert_eq!(body["redis"]["reachable"], true);
    let app = App::start_with(
        "counters_health_down",
        &[],
        &[("redis_url", "redis://127.0.0.1:1")],
        &["redis://127.0.0.1:1"],
        |b| b,
    );
    let reply = app.call("GET", "/impressions/health", &[], None);
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(reply.json()["redis"]["reachable"], false);
}

/// Every Redis command that names one of `prefix`'s keys while `f` runs, as `MONITOR`
/// shows them (commands run inside a script are marked `lua`).
fn redis_commands(prefix: &str, f: impl FnOnce()) -> Vec<String> {
    use std::io::{BufRead, BufReader, Write};
    let addr = tally_tests::backends::redis_url()
        .trim_start_matches("redis://")
        .to_string();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(b"MONITOR\r\n").unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut ok = String::new();
    reader.read_line(&mut ok).unwrap();
    assert_eq!(ok.trim(), "+OK");
    f();
    // A marker after the work: everything before it has been seen once it arrives.
    let marker = format!("{prefix}:marker");
    let _: Option<String> = redis::cmd("GET")
        .arg(&marker)
        .query(
            &mut redis::Client::open(tally_tests::backends::redis_url())
                .unwrap()
                .get_connection()
                .unwrap(),
        )
        .unwrap();
    let mut seen = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.contains(&marker) {
            break;
        }
        if line.contains(prefix) {
            seen.push(line.trim().to_string());
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    seen
}

#[test]
fn one_redis_round_trip_per_batch() {
    let app = App::start("counters_round_trips", &[], &[]);
    let batch: Vec<Value> = (0..100)
        .map(|i| {
            let at = format!("2017-01-01T00:{:02}:{:02}Z", i / 60, i % 60);
            event(
                &at,
                &format!("p{}", i % 10),
                &format!("a{}", i % 3),
                None,
                None,
                None,
                None,
            )
        })
        .collect();
    let commands = redis_commands(&app.backends.prefix, || {
        assert_eq!(
            app.ingest(&Value::Array(batch.clone())).json()["accepted"],
            100
        );
    });
    let outside_scripts: Vec<&String> = commands.iter().filter(|c| !c.contains(" lua]")).collect();
    assert_eq!(outside_scripts.len(), 1, "{commands:#?}");
    assert!(outside_scripts[0].contains("\"EVAL\""), "{commands:#?}");
    // 10 post counters and 3 author counters, incremented inside the one script.
    assert_eq!(
        commands.iter().filter(|c| c.contains("\"INCRBY\"")).count(),
        13
    );
    // A batch of duplicates only does not touch Redis at all.
    let commands = redis_commands(&app.backends.prefix, || {
        assert_eq!(
            app.ingest(&Value::Array(batch.clone())).json()["duplicates"],
            100
        );
    });
    assert_eq!(commands, Vec::<String>::new());
    // Reading 25 counters is one MGET.
    let ids: Vec<String> = (0..25).map(|i| format!("p{i}")).collect();
    let commands = redis_commands(&app.backends.prefix, || {
        app.get_json(&format!("/posts/view_counts?ids={}", ids.join(",")));
    });
    assert_eq!(commands.len(), 1, "{commands:#?}");
    assert!(commands[0].contains("\"MGET\""));
}
