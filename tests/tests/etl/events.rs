//! `POST /etl/events` (S3 and SQS events), fetching from the object server, the ledger's
//! failures, retries and dead letters.

use serde_json::json;

use tally_tests::s3::{put_record as s3_record, sqs_message};

use super::{App, sample, testdata};

fn gets(app: &App) -> usize {
    app.s3
        .requests()
        .iter()
        .filter(|r| r.starts_with("GET /ads/"))
        .count()
}

#[test]
fn an_s3_event_with_two_records() {
    let app = App::start("etl_s3_two");
    let e1 = app.s3.put("ads", "2019/01/03/sample part.tsv", sample());
    let e2 = app
        .s3
        .put("ads", "2024/05/01/hourly.tsv", testdata("hourly.tsv"));
    let event = json!({"Records": [
        s3_record("ads", "2019/01/03/sample+part.tsv", &e1),
        s3_record("ads", "2024/05/01/hourly.tsv", &e2),
    ]});
    let reply = app.event(&event);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(
        (body["loaded"].clone(), body["failed"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(body["records"][0]["key"], "2019/01/03/sample part.tsv");
    assert_eq!(body["records"][0]["rows"], 27);
    assert_eq!(body["records"][1]["rows"], 13);
    assert_eq!(body["records"][1]["version"], format!("etag:{e2}"));
    // The key's space was requested escaped, path style.
    assert!(
        app.s3
            .requests()
            .contains(&"GET /ads/2019/01/03/sample%20part.tsv".to_string())
    );
    let day = app.get_json("/ads/100/metrics?from=2019-01-03&to=2019-01-04&granularity=day");
    assert_eq!(day["series"][0]["impressions"], 4);
    assert_eq!(
        app.metrics(8),
        vec![("2024-05-01T10".to_string(), 1, 1, 1, 1)]
    );
    // Delivered again: skipped from the ledger, without fetching the objects.
    let before = gets(&app);
    let again = app.event(&event).json();
    assert_eq!(
        (again["skipped"].clone(), again["loaded"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(again["records"][1]["skipped"], "already loaded");
    assert_eq!(gets(&app), before);
}

#[test]
fn an_sqs_event_wrapping_s3_notifications() {
    let app = App::start("etl_sqs");
    let etag = app.s3.put("ads", "hourly.tsv", testdata("hourly.tsv"));
    let notification = json!({"Records": [s3_record("ads", "hourly.tsv", &etag)]});
    let event = json!({"Records": [
        sqs_message("m-1", &notification.to_string()),
        sqs_message("m-2", r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-05-02T00:00:00Z","Bucket":"ads"}"#),
        sqs_message("m-3", "not an S3 notification"),
    ]});
    let reply = app.event(&event);
    // One record failed: a partial failure, with the message to deliver again.
    assert_eq!(reply.status, 207, "{}", reply.body);
    let body = reply.json();
    assert_eq!(
        (
            body["loaded"].clone(),
            body["ignored"].clone(),
            body["failed"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(body["records"][0]["message_id"], "m-1");
    assert_eq!(body["records"][0]["status"], "loaded");
    assert_eq!(body["records"][1]["status"], "ignored");
    assert!(
        body["records"][2]["reason"]
            .as_str()
            .unwrap()
            .contains("not an S3 event notification")
    );
    assert_eq!(
        body["batchItemFailures"],
        json!([{"itemIdentifier": "m-3"}])
    );
    assert_eq!(
        app.metrics(8),
        vec![("2024-05-01T10".to_string(), 1, 1, 1, 1)]
    );
    // Malformed bodies are 400s.
    let bad = app.call(
        "POST",
        "/etl/events",
        Some(("application/json", "{\"records\": 1}")),
    );
    assert_eq!(bad.status, 400);
    assert!(bad.json()["detail"].as_str().unwrap().contains("`Records`"));
}

#[test]
fn an_unreachable_object_is_recorded_as_failed_and_retried() {
    let app = App::start("etl_retry");
    let file = testdata("hourly.tsv");
    let etag = "0123456789abcdef";
    let event = json!({"Records": [s3_record("ads", "late.tsv", etag)]});
    let reply = app.event(&event);
    assert_eq!(reply.status, 207, "{}", reply.body);
    let record = reply.json()["records"][0].clone();
    assert_eq!(record["status"], "failed");
    assert!(
        record["reason"].as_str().unwrap().contains("404"),
        "{record}"
    );
    let id = record["file"]["id"].as_i64().unwrap();
    assert_eq!(
        (
            record["file"]["attempts"].clone(),
            record["file"]["retryable"].clone()
        ),
        (json!(1), json!(true))
    );
    let failed = app.get_json("/etl/files?status=failed");
    assert_eq!(failed["files"][0]["id"], id);
    assert_eq!(app.table_counts(), [0; 5]);
    // Still missing: a second attempt.
    let again = app.retry(id);
    assert_eq!(again.status, 502, "{}", again.body);
    assert_eq!(again.json()["file"]["attempts"], 2);
    // The object arrives; the retry loads it under the event's version.
    app.s3.put("ads", "late.tsv", file);
    let retried = app.retry(id);
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.json()["status"], "loaded");
    assert_eq!(retried.json()["file_id"], id);
    assert_eq!(
        app.metrics(8),
        vec![("2024-05-01T10".to_string(), 1, 1, 1, 1)]
    );
    assert_eq!(
        app.get_json(&format!("/etl/files/{id}"))["status"],
        "loaded"
    );
    assert_eq!(app.get_json("/etl/files?status=failed")["files"], json!([]));
    // A loaded file is not retried; the event delivered again is skipped.
    assert_eq!(app.retry(id).status, 409);
    assert_eq!(app.event(&event).json()["skipped"], 1);
    assert_eq!(app.retry(99999).status, 404);
}

#[test]
fn after_three_failures_an_object_stays_failed() {
    let app = App::start("etl_dead_letter");
    let event = json!({"Records": [s3_record("ads", "never.tsv", "feed")]});
    let id = app.event(&event).json()["records"][0]["file"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(app.retry(id).status, 502);
    assert_eq!(app.retry(id).status, 502);
    let dead = app.retry(id);
    assert_eq!(dead.status, 409, "{}", dead.body);
    assert!(
        dead.json()["detail"]
            .as_str()
            .unwrap()
            .contains("stays failed")
    );
    let listed = app.get_json("/etl/files?status=failed")["files"][0].clone();
    assert_eq!(
        (listed["attempts"].clone(), listed["retryable"].clone()),
        (json!(3), json!(false))
    );
    // Even once the object exists, events no longer fetch it.
    app.s3.put("ads", "never.tsv", testdata("hourly.tsv"));
    let before = gets(&app);
    let reply = app.event(&event);
    assert_eq!(reply.status, 207);
    assert!(
        reply.json()["records"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("dead-lettered")
    );
    assert_eq!(gets(&app), before);
    assert_eq!(app.table_counts(), [0; 5]);
}

#[test]
fn a_rejected_object_is_a_failed_record_with_its_reason() {
    let app = App::start("etl_s3_rejected");
    let etag = app.s3.put("ads", "bad.tsv", "ad_id\tip\n1\t10.0.0.1\n");
    let reply = app.event(&json!({"Records": [s3_record("ads", "bad.tsv", &etag)]}));
    assert_eq!(reply.status, 207, "{}", reply.body);
    let record = reply.json()["records"][0].clone();
    assert!(
        record["reason"].as_str().unwrap().contains("`timestamp`"),
        "{record}"
    );
    assert_eq!(record["file"]["version"], format!("etag:{etag}"));
    assert_eq!(app.table_counts(), [0; 5]);
}

#[test]
fn retries_need_the_admin_token() {
    let app = App::start("etl_retry_auth");
    let event = json!({"Records": [s3_record("ads", "missing.tsv", "e-1")]});
    let id = app.event(&event).json()["records"][0]["file"]["id"]
        .as_i64()
        .unwrap();
    let bearer = |token: &str| format!("Bearer {token}");
    for authorization in [None, Some(bearer("wrong")), Some("Basic eDp5".to_string())] {
        let headers: Vec<(&str, &str)> = authorization
            .as_deref()
            .map(|a| ("authorization", a))
            .into_iter()
            .collect();
        let url = format!("{}/etl/retry/{id}", app.host.url);
        let refused = tally_tests::http::request("POST", &url, &headers, None);
        assert_eq!(refused.status, 401, "{authorization:?}: {}", refused.body);
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    }
    // Nothing was fetched or counted by the refused calls.
    assert_eq!(gets(&app), 1);
    assert_eq!(app.get_json(&format!("/etl/files/{id}"))["attempts"], 1);
    // With the token, the retry runs (the object is still missing: 502).
    assert_eq!(app.retry(id).status, 502);
    // No token configured: the route is disabled.
    let off = App::start_with("etl_retry_off", &[("etl_admin_token", "")], &[]);
    let reply = off.retry(1);
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(reply.body.contains("`etl_admin_token`"), "{}", reply.body);
}
