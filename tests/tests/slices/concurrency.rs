//! Exact counts under concurrent load: 100,000 events of 1,000 users from many clients.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::{MODES, Shards, T0, summary, triple};

const EVENTS: usize = 100_000;
const USERS: usize = 1_000;
const CLIENTS: usize = 16;

/// Event `i`: user `i % USERS`; a click when `i % 3 == 0`, else an impression; the
/// timestamp moves through the slice, in seconds or milliseconds.
fn query(prefix: &str, i: usize) -> String {
    let ts = T0 + 7 * 3600 + (i % 3600) as i64;
    let ts = if i.is_multiple_of(2) {
        ts
    } else {
        ts * 1000 + 123
    };
    let kind = if i.is_multiple_of(3) {
        "click"
    } else {
        "impression"
    };
    format!(
        "/analytics?timestamp={ts}&user={prefix}-user-{}&{kind}",
        i % USERS
    )
}

#[test]
fn a_hundred_thousand_events_from_a_thousand_users_are_exact() {
    for (m, mode) in MODES.iter().enumerate() {
        // Instance reuse carries the full load; a fresh instance per request a tenth of it.
        let events = if m == 0 { EVENTS } else { EVENTS / 10 };
        let shards = Shards::new("concurrency", &[1, 2, 3]);
        let dir = tempfile::tempdir().unwrap();
        let host = shards.start(dir.path(), &[], mode);
        let prefix = shards.backends.prefix.clone();

        let next = AtomicUsize::new(0);
        let failures = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..CLIENTS {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= events {
                            break;
                        }
                        let reply = host.post(&query(&prefix, i), "text/plain", "");
                        if reply.status != 202 {
                            failures.fetch_add(1, Ordering::Relaxed);
                            eprintln!("event {i}: {} {}", reply.status, reply.body);
                        }
                    }
                });
            }
        });
        assert_eq!(
            failures.load(Ordering::Relaxed),
            0,
            "every event is accepted"
        );

        let clicks = (0..events).filter(|i| i.is_multiple_of(3)).count() as u64;
        let impressions = events as u64 - clicks;
        let users = USERS.min(events) as u64;
        let v = summary(&host, T0 + 7 * 3600);
        assert_eq!(triple(&v), (users, clicks, impressions), "mode {mode:?}");
        assert_eq!(clicks + impressions, events as u64);

        // The shards split the users between them and add up to the total.
        let reply = host.get(&format!(
            "/analytics/perworker?timestamp={}&format=json",
            T0 + 7 * 3600
        ));
        let w: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let workers = w["workers"].as_array().unwrap();
        assert_eq!(workers.len(), 3);
        let sum = |f: &str| workers.iter().map(|x| x[f].as_u64().unwrap()).sum::<u64>();
        assert_eq!(
            (sum("unique_users"), sum("clicks"), sum("impressions")),
            (users, clicks, impressions)
        );
        assert!(
            workers
                .iter()
                .all(|x| x["unique_users"].as_u64().unwrap() > users / 6),
            "users are spread over the shards: {workers:?}"
        );

        // And Redis itself holds exactly that many user hashes.
        let mut stored = 0u64;
        for &db in &shards.dbs {
            let key = format!("{prefix}:7:users");
            let n: u64 = redis::cmd("SCARD")
                .arg(&key)
                .query(&mut shards.redis(db))
                .unwrap();
            stored += n;
        }
        assert_eq!(stored, users);
    }
}
