//! ingest: Postgres, then Redis, killed and restarted under a stream of impression
//! batches. Stored impressions are deduplicated by Postgres; the view counters must end
//! equal to the distinct stored impressions (the counter outbox covers batches whose
//! counters Redis missed).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use tally_tests::apps::{copy_migrations, ingest};
use tally_tests::http::request;
use tally_tests::servers::{PostgresServer, RedisServer};
use tally_tests::{Backends, Host};

use crate::{OUTAGE, Outcome, drive, report};

const PER_BATCH: usize = 5;
const POSTS: usize = 20;

/// Batch `i`: five impressions by viewers `v<i>-<j>` of posts spread over `POSTS`.
fn batch(i: usize) -> Value {
    let events: Vec<Value> = (0..PER_BATCH)
        .map(|j| {
            let post = (i * PER_BATCH + j) % POSTS;
            json!({
                "post": {"id": format!("p{post}")},
                "author": {"id": format!("a{}", post % 4)},
                "viewer": {"id": format!("v{i}-{j}")},
                "viewed_at": 1_700_000_000 + i as i64,
            })
        })
        .collect();
    Value::Array(events)
}

#[test]
fn ingest_counts_stay_exact_across_postgres_and_redis_outages() {
    let mut redis = RedisServer::start();
    let mut pg = PostgresServer::start();
    let backends = Backends::on("fault_ingest", &redis.url(), &pg.url());
    let dir = tempfile::tempdir().unwrap();
    copy_migrations("ingest", dir.path());
    let hosts = [
        format!("redis://{}", redis.host()),
        format!("postgres://{}", pg.host()),
    ];
    let hosts: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let manifest = ingest::manifest(&backends, &[], &hosts, |b| b).write(dir.path());
    let mut host = Host::start(&manifest, &[], &[]);
    let send = |i: usize| {
        let url = format!("{}/impressions", host.url);
        let body = batch(i).to_string();
        request("POST", &url, &[], Some(("application/json", &body)))
    };

    let n = 400;
    let pg_outcome = drive(n, 4, n / 4, send, || {
        pg.kill();
        std::thread::sleep(OUTAGE);
        pg.restart();
    });
    let redis_outcome = drive(
        n,
        4,
        n / 4,
        |i| send(n + i),
        || {
            redis.kill();
            std::thread::sleep(OUTAGE);
            redis.restart();
        },
    );
    // The jobs tick drains the counter outbox.
    let bearer = format!("Bearer {}", ingest::TOKEN);
    let tick = request(
        "POST",
        &format!("{}/impressions/jobs/tick", host.url),
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(tick.status, 200, "{}", tick.body);
    let applied = tick.json()["counters"]["applied"].as_u64().unwrap();
    assert!(
        applied > 0,
        "no batch missed Redis: the Redis outage was not exercised"
    );

    let total = 2 * n * PER_BATCH;
    let mut client = backends.postgres();
    let stored: i64 = client
        .query_one("SELECT count(*) FROM impressions", &[])
        .unwrap()
        .get(0);
    let pending: i64 = client
        .query_one("SELECT count(*) FROM counter_outbox", &[])
        .unwrap()
        .get(0);
    assert_eq!(pending, 0, "the drain left outbox rows");

    let mut want: BTreeMap<String, i64> = BTreeMap::new();
    for i in 0..2 * n {
        for j in 0..PER_BATCH {
            *want
                .entry(format!("p{}", (i * PER_BATCH + j) % POSTS))
                .or_default() += 1;
        }
    }
    let ids: Vec<&String> = want.keys().collect();
    let ids: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
    let counts = host.get(&format!("/posts/view_counts?ids={}", ids.join(",")));
    assert_eq!(counts.status, 200, "{}", counts.body);
    let counts = counts.json();
    let (mut lost, mut doubled) = (0i64, 0i64);
    lost += (total as i64 - stored).max(0);
    doubled += (stored - total as i64).max(0);
    for (post, n) in &want {
        let got = counts[post].as_i64().unwrap();
        lost += (n - got).max(0);
        doubled += (got - n).max(0);
    }
    let outcome = Outcome {
        sent: pg_outcome.sent + redis_outcome.sent,
        failed: pg_outcome.failed + redis_outcome.failed,
        retries: pg_outcome.retries + redis_outcome.retries,
    };
    println!(
        "RELIABILITY ingest detail: postgres outage failed={} redis outage failed={} (a Redis outage fails no request: counters wait in the outbox)",
        pg_outcome.failed, redis_outcome.failed
    );
    report(
        "ingest (Postgres killed, then Redis killed)",
        &mut host,
        &outcome,
        lost,
        doubled,
    );
}
