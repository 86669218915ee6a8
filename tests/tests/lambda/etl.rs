//! S3 and SQS events to etl: each file loaded once, partial batch responses for SQS, a
//! failed S3 event reported as a function error so Lambda retries it.

use serde_json::{Value, json};
use tally_tests::apps;
use tally_tests::s3::{S3Server, put_record, sqs_message};

use super::events::failures;
use super::{Fixture, start};

/// The seed's sample file: 27 rows, ads 100/101/102 on 2019-01-03/04.
fn sample() -> String {
    let path = tally_tests::workspace_root().join("components/etl/testdata/ad-events-sample.tsv");
    std::fs::read_to_string(path).unwrap()
}

fn etl(test: &str, s3: &S3Server) -> Fixture {
    let s3_host = format!("http://{}", s3.host());
    let hosts = ["postgres://127.0.0.1:5432", s3_host.as_str()];
    start(
        test,
        |b| apps::etl::manifest(b, s3.url(), &hosts),
        "etl",
        &[],
    )
}

fn count(f: &Fixture, sql: &str) -> i64 {
    f.backends.postgres().query_one(sql, &[]).unwrap().get(0)
}

/// Distinct impressions of ad 100 on 2019-01-03 (4 in the sample file), and all facts.
fn loaded(f: &Fixture) -> (i64, i64) {
    let day = count(
        f,
        "SELECT count(DISTINCT impression_id) FROM ad_impressions \
          WHERE ad_id = 100 AND hour >= '2019-01-03' AND hour < '2019-01-04'",
    );
    (day, count(f, "SELECT count(*) FROM ad_impressions"))
}

fn gets(s3: &S3Server) -> usize {
    s3.requests()
        .iter()
        .filter(|r| r.starts_with("GET /ads/"))
        .count()
}

#[test]
fn an_s3_event_loads_its_file_once() {
    let s3 = S3Server::start();
    let mut f = etl("lambda_s3", &s3);
    let etag = s3.put("ads", "2019/01/03/sample part.tsv", sample());
    let event = json!({"Records": [put_record("ads", "2019/01/03/sample+part.tsv", &etag)]});
    let out = f.function.invoke(&event).response();
    assert_eq!(
        (out["loaded"].clone(), out["failed"].clone()),
        (json!(1), json!(0)),
        "{out}"
    );
    assert_eq!(out["records"][0]["rows"], 27);
    let after = loaded(&f);
    assert_eq!(after.0, 4, "ad 100 had 4 impressions on 2019-01-03");

    // Lambda delivers the notification again: skipped without fetching, nothing changes.
    let out = f.function.invoke(&event).response();
    assert_eq!(
        (out["loaded"].clone(), out["skipped"].clone()),
        (json!(0), json!(1)),
        "{out}"
    );
    assert_eq!(loaded(&f), after);
    assert_eq!(gets(&s3), 1, "{:?}", s3.requests());
}

#[test]
fn a_failed_s3_event_is_a_function_error() {
    let s3 = S3Server::start();
    let mut f = etl("lambda_s3_missing", &s3);
    let event = json!({"Records": [put_record("ads", "missing.tsv", "0123")]});
    let message = f.function.invoke(&event).error_message();
    assert!(message.contains("/etl/events answered 207"), "{message}");
    let failed = count(&f, "SELECT count(*) FROM etl_files WHERE status = 'failed'");
    assert_eq!(failed, 1, "recorded in the ledger for a retry");
}

#[test]
fn an_sqs_event_reports_the_messages_to_deliver_again() {
    let s3 = S3Server::start();
    let mut f = etl("lambda_sqs", &s3);
    let etag = s3.put("ads", "sample.tsv", sample());
    let notification = |key: &str, etag: &str| -> String {
        json!({"Records": [put_record("ads", key, etag)]}).to_string()
    };
    let event = json!({"Records": [
        sqs_message("m-1", &notification("sample.tsv", &etag)),
        sqs_message("m-2", &notification("late.tsv", "0123")),
        sqs_message("m-3", "not an S3 notification"),
    ]});
    let out = f.function.invoke(&event).response();
    assert_eq!(failures(&out), ["m-2", "m-3"], "{out}");
    assert_eq!(loaded(&f).0, 4);

    // Lambda delivers only m-2 again, after the object arrived: nothing left to retry.
    s3.put("ads", "late.tsv", sample());
    let again: Value = json!({"Records": [sqs_message("m-2", &notification("late.tsv", "0123"))]});
    let out = f.function.invoke(&again).response();
    assert_eq!(failures(&out), Vec::<String>::new(), "{out}");
    assert_eq!(
        loaded(&f).0,
        4,
        "the same events in a second file are counted once"
    );
}
