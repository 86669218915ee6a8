use serde_json::{Value, json};

use super::*;

/// An S3 notification record as AWS sends it (`testdata/s3-put-record.json`), for
/// `event` of `bucket`/`key` with `etag`.
fn s3_record(event: &str, bucket: &str, key: &str, etag: &str) -> Value {
    let mut r: Value =
        serde_json::from_str(include_str!("../testdata/s3-put-record.json")).unwrap();
    r["eventName"] = json!(event);
    r["s3"]["bucket"]["name"] = json!(bucket);
    r["s3"]["object"]["key"] = json!(key);
    r["s3"]["object"]["eTag"] = json!(etag);
    r
}

fn sqs(id: &str, body: &str) -> Value {
    json!({
        "messageId": id,
        "receiptHandle": "handle",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "x",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:etl",
        "awsRegion": "us-east-1"
    })
}

fn object(bucket: &str, key: &str, etag: &str) -> Kind {
    Kind::Object {
        bucket: bucket.into(),
        key: key.into(),
        etag: Some(etag.into()),
    }
}

#[test]
fn an_s3_event_with_two_records() {
    let event = json!({"Records": [
        s3_record("ObjectCreated:Put", "ads", "2019/01/03/a+b.tsv", "e1"),
        s3_record("ObjectCreated:CompleteMultipartUpload", "ads", "c%3D1.tsv", "e2"),
    ]});
    let items = parse(event.to_string().as_bytes()).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0],
        Item {
            index: 0,
            message_id: None,
            kind: object("ads", "2019/01/03/a b.tsv", "e1")
        }
    );
    assert_eq!(items[1].index, 1);
    assert_eq!(items[1].kind, object("ads", "c=1.tsv", "e2"));
}

#[test]
fn an_sqs_event_wrapping_s3_notifications() {
    let inner = json!({"Records": [s3_record("ObjectCreated:Put", "ads", "x.tsv", "e1")]});
    let via_sns = json!({"Type": "Notification", "MessageId": "sns", "Message": inner.to_string()});
    let event = json!({"Records": [
        sqs("m1", &inner.to_string()),
        sqs("m2", r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"ads"}"#),
        sqs("m3", "hello"),
        sqs("m4", &via_sns.to_string()),
    ]});
    let items = parse(event.to_string().as_bytes()).unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].message_id.as_deref(), Some("m1"));
    assert_eq!(items[0].kind, object("ads", "x.tsv", "e1"));
    assert!(matches!(&items[1].kind, Kind::Ignored(r) if r.contains("s3:TestEvent")));
    assert_eq!(
        (items[2].index, items[2].message_id.as_deref()),
        (2, Some("m3"))
    );
    assert!(matches!(&items[2].kind, Kind::Invalid(r) if r.contains("not an S3 event")));
    assert_eq!(items[3].kind, object("ads", "x.tsv", "e1"));
}

#[test]
fn other_events_are_ignored_and_odd_records_are_errors() {
    let event = json!({"Records": [
        s3_record("ObjectRemoved:Delete", "ads", "x.tsv", "e1"),
        {"something": "else"},
        {"s3": {"bucket": {}}},
    ]});
    let items = parse(event.to_string().as_bytes()).unwrap();
    assert!(matches!(&items[0].kind, Kind::Ignored(r) if r.contains("ObjectRemoved:Delete")));
    assert!(matches!(&items[1].kind, Kind::Invalid(r) if r.contains("neither")));
    assert!(matches!(&items[2].kind, Kind::Invalid(r) if r.contains("S3 notification record")));
}

#[test]
fn a_direct_test_event_and_bodies_that_are_no_event() {
    let items = parse(br#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2019-01-04T00:00:00Z","Bucket":"ads"}"#).unwrap();
    assert!(matches!(&items[0].kind, Kind::Ignored(_)));
    assert!(parse(b"not json").unwrap_err().contains("not JSON"));
    assert!(
        parse(b"{\"records\": []}")
            .unwrap_err()
            .contains("`Records`")
    );
    assert_eq!(parse(b"{\"Records\": []}").unwrap(), vec![]);
}
