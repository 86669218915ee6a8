//! streams: Redis killed and restarted under a stream of feed inserts.

use std::collections::BTreeSet;

use tally_tests::backends::postgres_base_url;
use tally_tests::http::request;
use tally_tests::servers::RedisServer;
use tally_tests::{Backends, Host, apps};

use crate::{OUTAGE, drive, report};

const STREAMS: usize = 8;

#[test]
fn streams_contents_stay_exact_across_a_redis_outage() {
    let mut redis = RedisServer::start();
    let backends = Backends::on("fault_streams", &redis.url(), &postgres_base_url());
    let dir = tempfile::tempdir().unwrap();
    let manifest = apps::streams::manifest(&backends).write(dir.path());
    let mut host = Host::start(&manifest, &[], &[]);
    let n = 800;
    let item = |i: usize| {
        format!(
            r#"[{{"id":"post-{i}","ts":"2024-03-01T{:02}:{:02}:{:02}Z","type":{},"stream_id":"s{}"}}]"#,
            i / 3600,
            i / 60 % 60,
            i % 60,
            i % 2,
            i % STREAMS
        )
    };
    let outcome = drive(
        n,
        4,
        n / 4,
        |i| {
            let url = format!("{}/streams", host.url);
            request("PUT", &url, &[], Some(("application/json", &item(i))))
        },
        || {
            redis.kill();
            std::thread::sleep(OUTAGE);
            redis.restart();
        },
    );
    let (mut lost, mut doubled) = (0i64, 0i64);
    for s in 0..STREAMS {
        let reply = host.get(&format!("/stream/s{s}?limit=1000"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let items = reply.json();
        let got: Vec<String> = items
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect();
        let distinct: BTreeSet<&String> = got.iter().collect();
        let want: BTreeSet<String> = (0..n)
            .filter(|i| i % STREAMS == s)
            .map(|i| format!("post-{i}"))
            .collect();
        doubled += (got.len() - distinct.len()) as i64;
        lost += want.iter().filter(|id| !distinct.contains(id)).count() as i64;
        doubled += distinct.iter().filter(|id| !want.contains(**id)).count() as i64;
    }
    report("streams (Redis killed)", &mut host, &outcome, lost, doubled);
}
