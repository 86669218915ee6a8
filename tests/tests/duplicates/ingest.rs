//! ingest: the same batch as JSON, as NDJSON, and as a Redis-channel message, each
//! delivered three times: stored once, counted once.

use redis::TypedCommands;
use serde_json::{Value, json};
use tally_tests::apps::{copy_migrations, ingest};
use tally_tests::http::request;
use tally_tests::{Backends, Host};

use crate::thrice;

fn event(post: &str, viewer: &str, at: i64) -> Value {
    json!({"post": {"id": post}, "author": {"id": "a1"}, "viewer": {"id": viewer}, "viewed_at": at})
}

#[test]
fn repeated_batches_and_messages_are_stored_and_counted_once() {
    let backends = Backends::new("dup_ingest");
    let channel = backends.key("impressions");
    let dir = tempfile::tempdir().unwrap();
    copy_migrations("ingest", dir.path());
    let manifest = ingest::manifest(&backends, &[], &[], |b| {
        b.redis(&backends.redis_url, &channel, "ingest")
    })
    .write(dir.path());
    let host = Host::start(&manifest, &[], &[]);
    let state = || {
        let stored: i64 = backends
            .postgres()
            .query_one("SELECT count(*) FROM impressions", &[])
            .unwrap()
            .get(0);
        let reply = host.get("/posts/view_counts?ids=p1,p2,p3");
        assert_eq!(reply.status, 200, "{}", reply.body);
        Some((stored, reply.json()))
    };
    let post = |content_type: &str, body: &str| {
        let url = format!("{}/impressions", host.url);
        let reply = request("POST", &url, &[], Some((content_type, body)));
        assert!(reply.status < 300, "{}: {}", reply.status, reply.body);
    };
    let json_batch = json!([
        event("p1", "v1", 1_700_000_000),
        event("p2", "v1", 1_700_000_001)
    ]);
    thrice(
        "JSON batch",
        state().unwrap(),
        || post("application/json", &json_batch.to_string()),
        state,
    );
    let ndjson = format!(
        "{}\n{}\n",
        event("p2", "v2", 1_700_000_002),
        event("p3", "v2", 1_700_000_003)
    );
    thrice(
        "NDJSON batch",
        state().unwrap(),
        || post("application/x-ndjson", &ndjson),
        state,
    );

    let mut redis = backends.redis();
    let message = json!([event("p3", "v3", 1_700_000_004)]).to_string();
    let before = state().unwrap();
    let changed = before.clone();
    thrice(
        "channel message",
        before,
        || {
            let heard = tally_tests::host::eventually(std::time::Duration::from_secs(10), || {
                (redis.publish(&channel, &message).unwrap() > 0).then_some(())
            });
            assert!(heard.is_some(), "no subscriber: {}", host.log());
        },
        || state().filter(|s| *s != changed),
    );
}
