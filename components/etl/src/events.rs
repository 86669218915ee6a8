//! Event bodies of `POST /etl/events`: an S3 event notification, or an SQS event whose
//! messages carry S3 notifications (directly or in an SNS envelope), in the
//! `aws-lambda-events` shapes. Each S3 record becomes an [`Item`]; test events and other
//! S3 events are ignored; records that are neither are per-record errors.

use aws_lambda_events::event::s3::S3EventRecord;
use aws_lambda_events::event::sqs::SqsMessage;
use serde_json::Value;

/// One S3 record of the event, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The position of its record in the event's `Records`, from 0.
    pub index: usize,
    /// The SQS message that carried it, if any.
    pub message_id: Option<String>,
    /// What to do.
    pub kind: Kind,
}

/// What an item asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Load this object.
    Object {
        /// The bucket.
        bucket: String,
        /// The key, URL-decoded.
        key: String,
        /// The ETag the notification names.
        etag: Option<String>,
    },
    /// Nothing to load (a test event, an event other than object creation).
    Ignored(String),
    /// Not understood.
    Invalid(String),
}

/// The items of an event body; `Err` (a 400) when the body is no event at all.
pub fn parse(body: &[u8]) -> Result<Vec<Item>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if let Some(test) = test_event(&value) {
        return Ok(vec![item(0, None, Kind::Ignored(test))]);
    }
    let Some(Value::Array(records)) = value.get("Records") else {
        return Err("the body is neither an S3 nor an SQS event: it has no `Records` array".into());
    };
    let mut items = Vec::new();
    for (index, record) in records.iter().enumerate() {
        if record.get("s3").is_some() {
            items.push(item(index, None, s3_record(record)));
        } else if record.get("body").is_some() || record.get("messageId").is_some() {
            sqs_message(index, record, &mut items);
        } else {
            let kind =
                Kind::Invalid("the record is neither an S3 notification nor an SQS message".into());
            items.push(item(index, None, kind));
        }
    }
    Ok(items)
}

fn item(index: usize, message_id: Option<String>, kind: Kind) -> Item {
    Item {
        index,
        message_id,
        kind,
    }
}

/// `Some(event name)` for an S3 test event (`{"Event":"s3:TestEvent",...}`).
fn test_event(value: &Value) -> Option<String> {
    let event = value.get("Event")?.as_str()?;
    (value.get("Records").is_none()).then(|| format!("{event} (nothing to load)"))
}

/// The items of one SQS message: the S3 records of its body.
fn sqs_message(index: usize, record: &Value, items: &mut Vec<Item>) {
    let message = match serde_json::from_value::<SqsMessage>(record.clone()) {
        Ok(m) => m,
        Err(e) => {
            let id = record
                .get("messageId")
                .and_then(Value::as_str)
                .map(str::to_string);
            items.push(item(
                index,
                id,
                Kind::Invalid(format!("not an SQS message: {e}")),
            ));
            return;
        }
    };
    let id = message.message_id.clone();
    let not_s3 = || Kind::Invalid("the SQS message body is not an S3 event notification".into());
    let Some(body) = message
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
    else {
        items.push(item(index, id, not_s3()));
        return;
    };
    // S3 -> SNS -> SQS: the notification is the SNS envelope's `Message`.
    let body = match (
        body.get("Type").and_then(Value::as_str),
        body.get("Message").and_then(Value::as_str),
    ) {
        (Some("Notification"), Some(inner)) => serde_json::from_str(inner).unwrap_or(Value::Null),
        _ => body,
    };
    if let Some(test) = test_event(&body) {
        items.push(item(index, id, Kind::Ignored(test)));
        return;
    }
    match body.get("Records") {
        Some(Value::Array(records)) if records.iter().all(|r| r.get("s3").is_some()) => {
            for r in records {
                items.push(item(index, id.clone(), s3_record(r)));
            }
        }
        _ => items.push(item(index, id, not_s3())),
    }
}

/// What one S3 notification record asks for.
fn s3_record(record: &Value) -> Kind {
    let record = match serde_json::from_value::<S3EventRecord>(record.clone()) {
        Ok(r) => r,
        Err(e) => return Kind::Invalid(format!("not an S3 notification record: {e}")),
    };
    if let Some(name) = &record.event_name
        && !name.starts_with("ObjectCreated:")
        && !name.starts_with("s3:ObjectCreated:")
    {
        return Kind::Ignored(format!("{name} is not an object creation"));
    }
    let (Some(bucket), Some(raw_key)) = (record.s3.bucket.name, record.s3.object.key) else {
        return Kind::Invalid("the S3 record names no bucket or no key".into());
    };
    match crate::s3::decode_key(&raw_key) {
        Ok(key) => Kind::Object {
            bucket,
            key,
            etag: record.s3.object.e_tag,
        },
        Err(e) => Kind::Invalid(e),
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
