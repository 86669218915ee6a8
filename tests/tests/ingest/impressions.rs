//! `POST /impressions`: storage of every field, validation by index, dedup, limits.

use serde_json::{Value, json};

use super::{App, count, event, in_each_mode, rows};

#[test]
fn an_event_with_every_field_is_stored() {
    in_each_mode("ingest_every_field", &[], |app| {
        let e = json!({"uuid": "3f1c", "post": {"id": "p1", "artist_invite_id": "7"},
            "author": {"id": "a1"}, "viewer": {"id": "v1"}, "viewed_at": 1483228800.123456,
            "stream_kind": "category", "stream_id": "12", "ignored": {"x": 1}});
        let reply = app.ingest(&json!([e]));
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.json(),
            json!({"accepted": 1, "duplicates": 0, "ignored": 0, "rejected": []})
        );
        let mut pg = app.pg();
        let stored = rows(
            &mut pg,
            "SELECT viewer_id, post_id, author_id, \
                    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), \
                    stream_kind, stream_id, artist_invite_id FROM impressions",
        );
        assert_eq!(
            stored,
            [[
                "v1",
                "p1",
                "a1",
                "2017-01-01 00:00:00.123456",
                "category",
                "12",
                "7"
            ]]
        );
    });
}

#[test]
fn missing_viewer_or_stream_fields_are_stored_as_null() {
    in_each_mode("ingest_missing_fields", &[], |app| {
        let batch = json!([
            {"post": {"id": "p1"}, "author": {"id": "a1"}, "viewed_at": 1483228800},
            {"post": {"id": "p2"}, "author": {"id": "a1"}, "viewer": null, "viewed_at": 1483228801,
             "stream_kind": "following"},
            {"post": {"id": "p3"}, "author": {"id": "a1"}, "viewer": {"id": 42}, "viewed_at": 1483228802,
             "stream_kind": null, "stream_id": null},
        ]);
        let reply = app.ingest(&batch);
        assert_eq!(reply.json()["accepted"], 3, "{}", reply.body);
        let stored = rows(
            &mut app.pg(),
            "SELECT post_id, viewer_id, stream_kind, stream_id, artist_invite_id \
               FROM impressions ORDER BY post_id",
        );
        assert_eq!(
            stored,
            [
                ["p1", "-", "-", "-", "-"],
                ["p2", "-", "following", "-", "-"],
                ["p3", "42", "-", "-", "-"],
            ]
        );
    });
}

#[test]
fn invalid_events_are_rejected_by_index_and_the_rest_stored() {
    in_each_mode("ingest_rejections", &[], |app| {
        let good = |p: &str| {
            event(
                "2017-01-01T00:00:00Z",
                p,
                "a1",
                Some("v1"),
                None,
                None,
                None,
            )
        };
        let batch = json!([
            good("p1"),
            {"author": {"id": "a1"}, "viewed_at": 1},
            good("p2"),
            {"post": {"id": "p3"}, "author": {"id": "a1"}, "viewed_at": "yesterday"},
            "not an object",
            {"post": {"id": "p4"}, "author": {}, "viewed_at": 1},
            {"post": {"id": "p5"}, "author": {"id": "a1"}, "viewer": {}, "viewed_at": 1},
            {"event": "post_was_loved", "post": {"id": "p6"}},
        ]);
        let reply = app.ingest(&batch);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        assert_eq!(
            (body["accepted"].clone(), body["ignored"].clone()),
            (json!(2), json!(1))
        );
        let rejected: Vec<(u64, String)> = body["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["index"].as_u64().unwrap(),
                    r["error"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let indexes: Vec<u64> = rejected.iter().map(|r| r.0).collect();
        assert_eq!(indexes, [1, 3, 4, 5, 6]);
        for (want, (_, error)) in [
            "`post`",
            "`viewed_at`",
            "object",
            "`author.id`",
            "`viewer.id`",
        ]
        .iter()
        .zip(&rejected)
        {
            assert!(error.contains(want), "{error} should name {want}");
        }
        assert_eq!(count(&mut app.pg(), "SELECT count(*) FROM impressions"), 2);
    });
}

#[test]
fn duplicates_are_stored_once_and_counted_once() {
    in_each_mode("ingest_duplicates", &[], |app| {
        let e = |p: &str, at: &str| event(at, p, "a1", Some("v1"), Some("following"), None, None);
        let first = json!([
            e("p1", "2017-01-01T00:00:00Z"),
            e("p1", "2017-01-01T00:00:00Z"),
            e("p1", "2017-01-01T00:00:01Z"),
            e("p2", "2017-01-01T00:00:00Z"),
        ]);
        let reply = app.ingest(&first);
        assert_eq!(
            reply.json(),
            json!({"accepted": 3, "duplicates": 1, "ignored": 0, "rejected": []})
        );
        // The same batch again changes nothing; a second batch overlapping it stores only
        // what is new.
        assert_eq!(
            app.ingest(&first).json(),
            json!({"accepted": 0, "duplicates": 4, "ignored": 0, "rejected": []})
        );
        let second = json!([
            e("p2", "2017-01-01T00:00:00Z"),
            e("p3", "2017-01-01T00:00:00Z")
        ]);
        assert_eq!(app.ingest(&second).json()["accepted"], 1);
        let mut pg = app.pg();
        assert_eq!(count(&mut pg, "SELECT count(*) FROM impressions"), 4);
        let counts = app.get_json("/posts/view_counts?ids=p1,p2,p3,p404");
        assert_eq!(counts, json!({"p1": 2, "p2": 1, "p3": 1, "p404": 0}));
        let author: Option<i64> = redis::cmd("GET")
            .arg(app.backends.key("user:a1:total_post_views_counter"))
            .query(&mut app.redis())
            .unwrap();
        assert_eq!(author, Some(4));
    });
}

#[test]
fn ndjson_bodies_are_accepted() {
    let app = App::start("ingest_ndjson", &[], &[]);
    let lines = [
        event("2017-01-01T00:00:00Z", "p1", "a1", None, None, None, None).to_string(),
        String::new(),
        "{broken".to_string(),
        event("2017-01-01T00:00:00Z", "p2", "a1", None, None, None, None).to_string(),
    ];
    let reply = app.call(
        "POST",
        "/impressions",
        &[],
        Some(("application/x-ndjson", lines.join("\n"))),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["accepted"], 2);
    assert_eq!(body["rejected"][0]["index"], 1);
}

#[test]
fn oversized_batches_are_413_and_malformed_ones_400() {
    let app = App::start("ingest_limits", &[], &[]);
    let e = event("2017-01-01T00:00:00Z", "p1", "a1", None, None, None, None);
    let too_many = Value::Array(vec![e.clone(); 10_001]);
    let reply = app.ingest(&too_many);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/problem+json")
    );
    assert!(reply.body.contains("10000"), "{}", reply.body);
    // Just at the limit is fine (all duplicates of one event).
    let at_limit = Value::Array(vec![e; 10_000]);
    let reply = app.ingest(&at_limit);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["duplicates"], 9_999);
    // More than 10 MiB: refused from the declared length, before any byte is read...
    let (status, body) = raw_post(&app.host.url, "content-length: 20971520\r\n", &[]);
    assert_eq!(status, 413, "{body}");
    // ...or once more than 10 MiB arrived, when the length is not declared.
    let chunk = vec![b' '; 1 << 20];
    let chunks: Vec<&[u8]> = std::iter::once(&b"["[..])
        .chain(std::iter::repeat_n(&chunk[..], 10))
        .chain(std::iter::once(&b" ]"[..]))
        .collect();
    let (status, body) = raw_post(&app.host.url, "transfer-encoding: chunked\r\n", &chunks);
    assert_eq!(status, 413, "{body}");
    // Exactly 10 MiB is read.
    let mut exact = vec![b' '; 10 << 20];
    exact[0] = b'[';
    exact[(10 << 20) - 1] = b']';
    let (status, body) = raw_post(&app.host.url, "transfer-encoding: chunked\r\n", &[&exact]);
    assert_eq!(status, 200, "{body}");
    for bad in ["[1,", "42", "{\"a\":"] {
        let reply = app.call(
            "POST",
            "/impressions",
            &[],
            Some(("application/json", bad.into())),
        );
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
    }
    assert_eq!(count(&mut app.pg(), "SELECT count(*) FROM impressions"), 1);
}

#[test]
fn events_from_the_future_are_rejected() {
    let app = App::start("ingest_future", &[], &[("ingest_max_future_seconds", "60")]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let batch = json!([
        {"post": {"id": "p1"}, "author": {"id": "a1"}, "viewed_at": now},
        {"post": {"id": "p2"}, "author": {"id": "a1"}, "viewed_at": now + 3600.0},
    ]);
    let body = app.ingest(&batch).json();
    assert_eq!(body["accepted"], 1);
    assert_eq!(body["rejected"][0]["index"], 1);
    assert!(
        body["rejected"][0]["error"]
            .as_str()
            .unwrap()
            .contains("future")
    );
}

/// `POST /impressions` over a raw connection: `headers` (each ending in CRLF), then the
/// body in chunked encoding if there are `chunks`; returns the status and body. Write
/// errors are ignored: the server may answer before it reads everything.
fn raw_post(url: &str, headers: &str, chunks: &[&[u8]]) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "POST /impressions HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n{headers}connection: close\r\n\r\n"
    );
    let _ = stream.write_all(head.as_bytes());
    if headers.contains("chunked") {
        for c in chunks {
            let _ = stream.write_all(format!("{:x}\r\n", c.len()).as_bytes());
            let _ = stream.write_all(c);
            let _ = stream.write_all(b"\r\n");
        }
        let _ = stream.write_all(b"0\r\n\r\n");
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP response: {text:?}"));
    (status, text)
}
