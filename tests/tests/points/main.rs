//! End-to-end tests of the points component (`components/points`) through the real host
//! against the real Redis: each test's keys live under its own prefix.

mod bad_input;
mod compat;
mod counts;
mod health;
mod leaderboards;
mod messages;
mod queries;
mod round_trips;
mod validation;
mod windows;
mod wit;
mod writes;

use std::path::PathBuf;

use redis::TypedCommands;
use serde_json::Value;
use tally_tests::http::Reply;
use tally_tests::{Backends, Host, ManifestBuilder, component_wasm};

/// Instance reuse as Spin 4 does it, and a fresh instance for every request.
pub const MODES: [&[&str]; 2] = [
    &[],
    &[
        "--max-instance-reuse-count",
        "1",
        "--max-instance-concurrent-reuse-count",
        "1",
    ],
];

/// The component's `.wasm`.
pub fn points_wasm() -> PathBuf {
    component_wasm("tally-points")
}

/// The key prefix the component is given: the test's prefix and a colon, so the
/// harness's clean-up (`<prefix>:*`) removes every key.
pub fn key_prefix(backends: &Backends) -> String {
    format!("{}:", backends.prefix)
}

/// A manifest with points on `/points/...`, keys under the test's prefix.
pub fn points_app(backends: &Backends) -> ManifestBuilder {
    ManifestBuilder::new()
        .variable(
            "redis_url",
            &format!("{{ default = {:?} }}", backends.redis_url),
        )
        .variable(
            "points_prefix",
            &format!("{{ default = {:?} }}", key_prefix(backends)),
        )
        .http("/points/...", "points")
        .component(
            "points",
            &points_wasm(),
            &["redis://127.0.0.1:6379"],
            &[
                ("redis_url", "{{ redis_url }}"),
                ("key_prefix", "{{ points_prefix }}"),
            ],
        )
}

/// Starts the app in each instance mode (fresh keys each time) and runs `check`.
pub fn in_each_mode(test: &str, check: impl Fn(&Host, &Backends)) {
    for mode in MODES {
        let backends = Backends::new(test);
        let dir = tempfile::tempdir().unwrap();
        let manifest = points_app(&backends).write(dir.path());
        let host = Host::start(&manifest, &[], mode);
        check(&host, &backends);
    }
}

/// `POST path` with a JSON body.
pub fn post_json(host: &Host, path: &str, body: &str) -> Reply {
    host.post(path, "application/json", body)
}

/// `POST path` with a form body.
pub fn post_form(host: &Host, path: &str, body: &str) -> Reply {
    host.post(path, "application/x-www-form-urlencoded", body)
}

/// Asserts a 200 and parses the JSON body.
pub fn ok_json(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    serde_json::from_str(&reply.body).expect("JSON body")
}

/// Asserts a 200 and parses the plain-text integer body.
pub fn ok_int(reply: Reply) -> i64 {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body.trim().parse().expect("an integer body")
}

/// A write (diffadd unless `mode` is given) as JSON.
pub fn metric(
    thing: &str,
    uid: i64,
    atid: i64,
    aid: i64,
    value: i64,
    ts1: i64,
    ts2: i64,
) -> String {
    format!(
        r#"{{"thing":"{thing}","uid":{uid},"atid":{atid},"aid":{aid},"value":{value},"ts1":{ts1},"ts2":{ts2}}}"#
    )
}

/// An increment-mode write as JSON.
pub fn increment(thing: &str, uid: i64, atid: i64, aid: i64, value: i64, ts: i64) -> String {
    format!(
        r#"{{"thing":"{thing}","uid":{uid},"atid":{atid},"aid":{aid},"value":{value},"ts2":{ts},"mode":"increment"}}"#
    )
}

/// Writes `body` and asserts it was accepted.
pub fn write_ok(host: &Host, body: &str) {
    let r = post_json(host, "/points/v1/write", body);
    assert_eq!(r.status, 200, "{body}: {}", r.body);
}

/// `GET /points/v1/query/...` as a number.
pub fn query(host: &Host, uid: i64, thing: &str, atid: &str, start: i64, end: i64) -> i64 {
    ok_int(host.get(&format!(
        "/points/v1/query/{uid}/{thing}/{atid}/{start}/{end}"
    )))
}

/// Every key under the test's prefix.
pub fn keys(backends: &Backends) -> Vec<String> {
    let mut redis = backends.redis();
    let mut keys: Vec<String> = redis
        .scan_match::<_, String>(format!("{}:*", backends.prefix))
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    keys.sort();
    keys
}

/// The TTL of `key` in seconds (-2: no such key, -1: no expiry).
pub fn ttl(backends: &Backends, key: &str) -> i64 {
    redis::cmd("TTL")
        .arg(key)
        .query(&mut backends.redis())
        .unwrap()
}
