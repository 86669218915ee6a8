//! streams: the same insert and delete bodies delivered three times.

use tally_tests::http::request;
use tally_tests::{Backends, Host, apps};

use crate::thrice;

#[test]
fn repeated_inserts_and_deletes_change_nothing() {
    let backends = Backends::new("dup_streams");
    let dir = tempfile::tempdir().unwrap();
    let host = Host::start(
        &apps::streams::manifest(&backends).write(dir.path()),
        &[],
        &[],
    );
    let send = |method: &str, body: &str| {
        let reply = request(
            method,
            &format!("{}/streams", host.url),
            &[],
            Some(("application/json", body)),
        );
        assert!(
            reply.status < 300,
            "{method}: {} {}",
            reply.status,
            reply.body
        );
    };
    let feed = || {
        let reply = host.get("/stream/s1?limit=100");
        assert_eq!(reply.status, 200, "{}", reply.body);
        Some(reply.json())
    };
    let items = r#"[{"id":"a","ts":"2024-03-01T10:00:00Z","type":0,"stream_id":"s1"},
                    {"id":"b","ts":"2024-03-01T10:00:01Z","type":1,"stream_id":"s1"}]"#;
    thrice("PUT /streams", feed().unwrap(), || send("PUT", items), feed);
    let delete = r#"[{"id":"a","ts":"2024-03-01T10:00:00Z","type":0,"stream_id":"s1"}]"#;
    thrice(
        "DELETE /streams",
        feed().unwrap(),
        || send("DELETE", delete),
        feed,
    );
    assert_eq!(feed().unwrap().as_array().unwrap().len(), 1);
}
