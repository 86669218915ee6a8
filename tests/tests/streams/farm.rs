//! Farm replication over several clusters (here logical databases of the local Redis):
//! write quorum, read repair, send-one-read-one, and the repair walk (route and cron).

use std::time::Duration;

use redis::TypedCommands;
use serde_json::{Value, json};
use tally_tests::host::eventually;

use super::{App, DOWN, in_each_mode, item};

const C1: &str = "redis://127.0.0.1:6379/3";
const C2A: &str = "redis://127.0.0.1:6379/4";
const C2B: &str = "redis://127.0.0.1:6379/5";

fn conn(url: &str) -> redis::Connection {
    redis::Client::open(url).unwrap().get_connection().unwrap()
}

/// The test's add/remove sides in one database: Redis key → members.
fn contents(app: &App, url: &str, suffix: u8) -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    let mut c = conn(url);
    let keys: Vec<Vec<u8>> = redis::cmd("KEYS")
        .arg(format!("{}*", app.prefix()))
        .query(&mut c)
        .unwrap();
    let mut out: Vec<(Vec<u8>, Vec<Vec<u8>>)> = keys
        .into_iter()
        .filter(|k| k.last() == Some(&suffix))
        .map(|k| {
            let members: Vec<Vec<u8>> = redis::cmd("ZRANGE")
                .arg(&k)
                .arg(0)
                .arg(-1)
                .query(&mut c)
                .unwrap();
            (k, members)
        })
        .collect();
    out.sort();
    out
}

/// Everything the test holds in a cluster (its instances' contents merged).
fn cluster(app: &App, urls: &[&str], suffix: u8) -> Vec<(Vec<u8>, Vec<Vec<u8>>)> {
    let mut all: Vec<_> = urls.iter().flat_map(|u| contents(app, u, suffix)).collect();
    all.sort();
    all
}

fn wipe(app: &App, url: &str) {
    let mut c = conn(url);
    let keys: Vec<Vec<u8>> = redis::cmd("KEYS")
        .arg(format!("{}*", app.prefix()))
        .query(&mut c)
        .unwrap();
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL").arg(keys).query(&mut c).unwrap();
    }
}

fn ts(second: u32) -> String {
    format!("2015-10-28T17:08:{second:02}Z")
}

fn items(n: u32, streams: &[&str]) -> Vec<Value> {
    (0..n)
        .map(|i| {
            item(
                &format!("p{i}"),
                &ts(i),
                0,
                streams[i as usize % streams.len()],
            )
        })
        .collect()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn write_quorum_counts_or_percentages_rounded_up() {
    let farm = format!("{C1};{DOWN};{C2A}");
    for (quorum, ok) in [
        ("51%", true),
        ("67%", false),
        ("66%", true),
        ("100%", false),
        ("2", true),
        ("3", false),
        ("1", true),
    ] {
        let app = App::start(
            "streams_quorum",
            &[("streams_farm", &farm), ("streams_write_quorum", quorum)],
            &[],
        );
        let r = app.call(
            "PUT",
            "/streams",
            Some(&json!(items(2, &["s"])).to_string()),
        );
        if ok {
            assert_eq!(r.status, 201, "quorum {quorum}: {}", r.body);
            assert_eq!(cluster(&app, &[C1], b'+'), cluster(&app, &[C2A], b'+'));
            assert_eq!(cluster(&app, &[C1], b'+').len(), 1);
        } else {
            assert_eq!(r.status, 503, "quorum {quorum}: {}", r.body);
            let detail = r.json()["detail"].as_str().unwrap().to_string();
            assert!(
                detail.contains("quorum")
                    && detail.contains("cluster 1")
                    && detail.contains("127.0.0.1:1"),
                "{detail}"
            );
        }
        // Reads work while a cluster is down.
        let r = app.call("GET", "/stream/s", None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            ids(&r.json()).len(),
            2,
            "quorum {quorum}: the answering clusters' union"
        );
    }
    let farm = format!("{C1};{DOWN};{DOWN}");
    for (quorum, status) in [("33%", 201), ("34%", 503)] {
        let app = App::start(
            "streams_quorum_two_down",
            &[("streams_farm", &farm), ("streams_write_quorum", quorum)],
            &[],
        );
        let r = app.call(
            "PUT",
            "/streams",
            Some(&json!(items(1, &["s"])).to_string()),
        );
        assert_eq!(r.status, status, "quorum {quorum}: {}", r.body);
    }
    // A quorum larger than the farm is a configuration error.
    let app = App::start(
        "streams_quorum_too_big",
        &[("streams_farm", C1), ("streams_write_quorum", "2")],
        &[],
    );
    let r = app.call(
        "PUT",
        "/streams",
        Some(&json!(items(1, &["s"])).to_string()),
    );
    assert_eq!(r.status, 500);
    assert!(r.body.contains("streams_write_quorum"), "{}", r.body);
}

#[test]
fn a_read_repairs_a_cluster_that_lost_its_data() {
    let farm = format!("{C1};{C2A},{C2B}");
    in_each_mode("streams_read_repair", &[("streams_farm", &farm)], |app| {
        let written = items(12, &["a", "b", "c"]);
        assert_eq!(
            app.call("PUT", "/streams", Some(&json!(written).to_string()))
                .status,
            201
        );
        let full = cluster(app, &[C1], b'+');
        assert_eq!(full.len(), 3);
        assert_eq!(
            cluster(app, &[C2A, C2B], b'+'),
            full,
            "both clusters hold every write"
        );
        assert!(
            !contents(app, C2A, b'+').is_empty() && !contents(app, C2B, b'+').is_empty(),
            "cluster 2 shards over its two instances"
        );
        // Cluster 1 loses everything; a read still answers in full, and repairs it.
        wipe(app, C1);
        let body = r#"{"streams":["a","b","c"]}"#;
        let r = app.call("POST", "/streams/coalesce?limit=100", Some(body));
        assert_eq!(ids(&r.json()).len(), 12);
        assert_eq!(
            cluster(app, &[C1], b'+'),
            full,
            "the read repaired cluster 1"
        );
        // A delete that reached only cluster 2: the read hides the item and repairs cluster 1.
        let key = &full[0].0;
        let member = full[0].1[0].clone();
        let mut c2 = conn(if contents(app, C2A, b'+').iter().any(|(k, _)| k == key) {
            C2A
        } else {
            C2B
        });
        let score: f64 = c2.zscore(key, &member).unwrap().unwrap();
        let _: () = redis::cmd("ZREM")
            .arg(key)
            .arg(&member)
            .query(&mut c2)
            .unwrap();
        let mut minus = key.clone();
        *minus.last_mut().unwrap() = b'-';
        let _: () = redis::cmd("ZADD")
            .arg(&minus)
            .arg(score)
            .arg(&member)
            .query(&mut c2)
            .unwrap();
        let r = app.call("POST", "/streams/coalesce?limit=100", Some(body));
        let got = ids(&r.json());
        assert_eq!(got.len(), 11, "the deleted item is not shown: {got:?}");
        let mut c1 = conn(C1);
        assert_eq!(
            c1.zscore(key, &member).unwrap(),
            None,
            "repair removed it from cluster 1's add side"
        );
        assert_eq!(
            c1.zscore(&minus, &member).unwrap(),
            Some(score),
            "and left the tombstone"
        );
    });
}

#[test]
fn send_one_read_one_does_not_repair() {
    let farm = format!("{C1};{C2A}");
    let vars = [
        ("streams_farm", farm.as_str()),
        ("streams_read_strategy", "send-one-read-one"),
    ];
    in_each_mode("streams_read_one", &vars, |app| {
        assert_eq!(
            app.call(
                "PUT",
                "/streams",
                Some(&json!(items(4, &["s"])).to_string())
            )
            .status,
            201
        );
        wipe(app, C1);
        let mut sizes = std::collections::BTreeSet::new();
        for _ in 0..40 {
            let r = app.call("GET", "/stream/s", None);
            sizes.insert(ids(&r.json()).len());
        }
        assert!(sizes.iter().all(|n| *n == 0 || *n == 4), "{sizes:?}");
        assert!(
            cluster(app, &[C1], b'+').is_empty(),
            "no read repair with send-one-read-one"
        );
    });
    // With one cluster down, reads fall over to the other.
    let farm = format!("{DOWN};{C2A}");
    let app = App::start(
        "streams_read_one_down",
        &[
            ("streams_farm", &farm),
            ("streams_read_strategy", "send-one-read-one"),
            ("streams_write_quorum", "1"),
        ],
        &[],
    );
    assert_eq!(
        app.call(
            "PUT",
            "/streams",
            Some(&json!(items(3, &["s"])).to_string())
        )
        .status,
        201
    );
    for _ in 0..10 {
        assert_eq!(ids(&app.call("GET", "/stream/s", None).json()).len(), 3);
    }
}

#[test]
fn the_repair_walk_runs_by_route_and_by_cron() {
    let farm = format!("{C1};{C2A},{C2B}");
    let vars = [
        ("streams_farm", farm.as_str()),
        ("streams_repair_token", "s3cret"),
        ("streams_repair_keys", "1000"),
    ];
    in_each_mode("streams_repair_route", &vars, |app| {
        assert_eq!(
            app.call(
                "PUT",
                "/streams",
                Some(&json!(items(9, &["a", "b", "c"])).to_string())
            )
            .status,
            201
        );
        let del = json!([item("p0", &ts(0), 0, "a")]).to_string();
        assert_eq!(app.call("DELETE", "/streams", Some(&del)).status, 200);
        let adds = cluster(app, &[C1], b'+');
        let removes = cluster(app, &[C1], b'-');
        wipe(app, C2A);
        wipe(app, C2B);
        assert_eq!(app.call("POST", "/streams/repair", None).status, 401);
        let r = app.call_with(
            "POST",
            "/streams/repair",
            None,
            &[("authorization", "Bearer wrong")],
        );
        assert_eq!(r.status, 401);
        let r = app.call_with(
            "POST",
            "/streams/repair",
            None,
            &[("authorization", "Bearer s3cret")],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let report = r.json();
        assert_eq!(report["keys"], 3, "{report}");
        assert_eq!(
            report["writes"], 9,
            "8 inserts and 1 delete re-issued: {report}"
        );
        assert_eq!(cluster(app, &[C2A, C2B], b'+'), adds);
        assert_eq!(cluster(app, &[C2A, C2B], b'-'), removes);
        // Nothing left to do.
        let r = app.call_with(
            "POST",
            "/streams/repair",
            None,
            &[("authorization", "Bearer s3cret")],
        );
        assert_eq!(r.json()["writes"], 0);
    });
    // Without a token the route is off.
    let app = App::start("streams_repair_off", &[("streams_farm", &farm)], &[]);
    assert_eq!(app.call("POST", "/streams/repair", None).status, 404);
    // On a schedule: cluster 2 is repaired with no read at all.
    let app = App::start_with(
        "streams_repair_cron",
        &[],
        |_| {
            vec![
                ("streams_farm".into(), farm.clone()),
                ("streams_repair_keys".into(), "10".into()),
            ]
        },
        |m| m.cron("* * * * * *", "streams"),
    );
    assert_eq!(
        app.call(
            "PUT",
            "/streams",
            Some(&json!(items(30, &["a", "b", "c", "d", "e", "f"])).to_string())
        )
        .status,
        201
    );
    let adds = cluster(&app, &[C1], b'+');
    wipe(&app, C2A);
    wipe(&app, C2B);
    let repaired = eventually(Duration::from_secs(20), || {
        (cluster(&app, &[C2A, C2B], b'+') == adds).then_some(())
    });
    assert!(
        repaired.is_some(),
        "the cron walk did not repair cluster 2:\n{}",
        app.host.log()
    );
}
