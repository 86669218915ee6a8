//! Kinesis events to ingest: one NDJSON batch per event, partial batch responses by
//! sequence number, and a redelivered batch changing nothing.

use redis::TypedCommands;
use serde_json::json;

use super::events::{failures, kinesis, sequence};
use super::{Fixture, ingest_app, start};

/// Five records: three impressions (one pretty-printed over several lines), one event
/// ingest rejects (no `post.id`), one record that is not JSON.
fn records() -> Vec<Vec<u8>> {
    let e = |post: &str, author: &str, viewer: Option<&str>, at: f64| {
        let mut e = json!({"post": {"id": post}, "author": {"id": author}, "viewed_at": at,
                           "stream_kind": "following"});
        if let Some(v) = viewer {
            e["viewer"] = json!({"id": v});
        }
        e
    };
    vec![
        e("p1", "a1", Some("v1"), 1483228800.0)
            .to_string()
            .into_bytes(),
        e("p1", "a1", None, 1483228801.0).to_string().into_bytes(),
        json!({"post": {}, "author": {"id": "a1"}, "viewed_at": 1483228802})
            .to_string()
            .into_bytes(),
        b"this is not JSON".to_vec(),
        serde_json::to_string_pretty(&e("p2", "a2", Some("v2"), 1483232400.5))
            .unwrap()
            .into_bytes(),
    ]
}

fn stored(f: &Fixture) -> (i64, Option<String>, Option<String>) {
    let rows: i64 = f
        .backends
        .postgres()
        .query_one("SELECT count(*) FROM impressions", &[])
        .unwrap()
        .get(0);
    let mut redis = f.backends.redis();
    let counter = |post: &str| format!("{}:post:{post}:view_counter", f.backends.prefix);
    (
        rows,
        redis.get(counter("p1")).unwrap(),
        redis.get(counter("p2")).unwrap(),
    )
}

#[test]
fn records_are_ingested_and_rejected_ones_reported_by_sequence_number() {
    let mut f = start("lambda_kinesis", ingest_app, "ingest", &[]);
    let event = kinesis(&records());
    let out = f.function.invoke(&event).response();
    assert_eq!(failures(&out), [sequence(3), sequence(4)], "{out}");
    let after_first = stored(&f);
    assert_eq!(after_first, (3, Some("2".into()), Some("1".into())));

    // Lambda delivers the batch again (e.g. after a retry): nothing changes.
    let out = f.function.invoke(&event).response();
    assert_eq!(failures(&out), [sequence(3), sequence(4)], "{out}");
    assert_eq!(stored(&f), after_first);
}

#[test]
fn a_clean_batch_has_no_failures() {
    let mut f = start(
        "lambda_kinesis_clean",
        ingest_app,
        "ingest",
        &[("TALLY_TRIGGER", "kinesis")],
    );
    let records = records();
    let event = kinesis(&[records[0].clone(), records[4].clone()]);
    let out = f.function.invoke(&event).response();
    assert_eq!(failures(&out), Vec::<String>::new(), "{out}");
    assert_eq!(stored(&f).0, 2);
}
