use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::*;

fn kinesis(records: &[(&str, &[u8])]) -> KinesisEvent {
    let records: Vec<Value> = records
        .iter()
        .map(|(seq, data)| {
            json!({"eventSource": "aws:kinesis", "eventID": format!("shardId-000:{seq}"),
                   "kinesis": {"data": STANDARD.encode(data), "sequenceNumber": seq,
                               "partitionKey": "p", "approximateArrivalTimestamp": 1.5e9,
                               "kinesisSchemaVersion": "1.0"}})
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).unwrap()
}

fn ids(response: &impl serde::Serialize) -> Vec<String> {
    let value = serde_json::to_value(response).unwrap();
    value["batchItemFailures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["itemIdentifier"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn records_become_one_line_each_and_non_json_is_held_back() {
    let event = kinesis(&[
        ("1", b"{\"post\": {\"id\": \"1\"},\n \"viewed_at\": 1.5}"),
        ("2", b"not json"),
        ("3", b"[1, 2]"),
    ]);
    let batch = kinesis_batch(&event);
    assert_eq!(
        String::from_utf8(batch.body.clone()).unwrap(),
        "{\"post\":{\"id\":\"1\"},\"viewed_at\":1.5}\n[1,2]\n"
    );
    assert_eq!(batch.lines, ["1", "3"]);
    assert_eq!(batch.unreadable, ["2"]);
}

#[test]
fn rejected_lines_and_unreadable_records_are_delivered_again() {
    let batch = kinesis_batch(&kinesis(&[
        ("1", b"{}"),
        ("2", b"x"),
        ("3", b"{}"),
        ("4", b"{}"),
    ]));
    let answer = json!({"accepted": 1, "duplicates": 0, "rejected": [{"index": 1, "error": "e"}]});
    let failures = kinesis_failures(&batch, 200, answer.to_string().as_bytes());
    assert_eq!(ids(&failures), ["3", "2"]);
    let clean = json!({"accepted": 3, "rejected": []}).to_string();
    assert_eq!(ids(&kinesis_failures(&batch, 200, clean.as_bytes())), ["2"]);
}

#[test]
fn a_failed_or_unreadable_answer_fails_the_whole_batch() {
    let batch = kinesis_batch(&kinesis(&[("1", b"{}"), ("2", b"{}")]));
    assert_eq!(
        ids(&kinesis_failures(&batch, 503, b"{\"rejected\":[]}")),
        ["1", "2"]
    );
    assert_eq!(ids(&kinesis_failures(&batch, 200, b"<html>")), ["1", "2"]);
    assert_eq!(
        ids(&kinesis_failures(&batch, 200, b"{\"rejected\":[{}]}")),
        ["1", "2"]
    );
}

fn sqs(ids: &[&str]) -> SqsEvent {
    let records: Vec<Value> = ids
        .iter()
        .map(|id| json!({"messageId": id, "eventSource": "aws:sqs", "body": "{}"}))
        .collect();
    serde_json::from_value(json!({ "Records": records })).unwrap()
}

#[test]
fn sqs_messages_are_retried_as_the_answer_says() {
    let event = sqs(&["m1", "m2", "m3"]);
    assert!(ids(&sqs_failures(&event, 200, b"{}")).is_empty());
    let answer = json!({"loaded": 1, "skipped": 1, "failed": 1,
        "records": [{"message_id": "m2", "status": "failed"}],
        "batchItemFailures": [{"itemIdentifier": "m2"}]});
    assert_eq!(
        ids(&sqs_failures(&event, 207, answer.to_string().as_bytes())),
        ["m2"]
    );
    assert_eq!(ids(&sqs_failures(&event, 503, b"down")), ["m1", "m2", "m3"]);
    assert_eq!(
        ids(&sqs_failures(&event, 400, answer.to_string().as_bytes())),
        ["m1", "m2", "m3"]
    );
    let unknown = json!({"batchItemFailures": [{"itemIdentifier": "zz"}]}).to_string();
    assert_eq!(
        ids(&sqs_failures(&event, 207, unknown.as_bytes())),
        ["m1", "m2", "m3"]
    );
    let none = json!({"batchItemFailures": []}).to_string();
    assert_eq!(
        ids(&sqs_failures(&event, 207, none.as_bytes())),
        ["m1", "m2", "m3"]
    );
}
