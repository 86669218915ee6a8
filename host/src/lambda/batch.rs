//! Batch events (Kinesis, SQS) to one request for a component, and the component's answer
//! to a partial batch response: the records Lambda must deliver again.

use aws_lambda_events::kinesis::KinesisEvent;
use aws_lambda_events::sqs::SqsEvent;
use aws_lambda_events::streams::{
    KinesisBatchItemFailure, KinesisEventResponse, SqsBatchItemFailure, SqsEventResponse,
};
use serde_json::Value;

/// The records of a Kinesis event as one NDJSON body, and which record each line is.
#[derive(Debug, Default)]
pub struct NdjsonBatch {
    /// One compact JSON document per line.
    pub body: Vec<u8>,
    /// The sequence number of the record on each line.
    pub lines: Vec<String>,
    /// Sequence numbers of records whose data is not JSON (never sent).
    pub unreadable: Vec<String>,
}

/// Each record's (base64-decoded) data is one JSON document; it is re-written compactly,
/// so a document spread over several lines still takes one NDJSON line.
pub fn kinesis_batch(event: &KinesisEvent) -> NdjsonBatch {
    let mut batch = NdjsonBatch::default();
    for record in &event.records {
        let sequence = record.kinesis.sequence_number.clone();
        match serde_json::from_slice::<Value>(&record.kinesis.data) {
            Ok(document) => {
                serde_json::to_writer(&mut batch.body, &document)
                    .expect("writing JSON to a Vec cannot fail");
                batch.body.push(b'\n');
                batch.lines.push(sequence);
            }
            Err(e) => {
                tracing::warn!(%sequence, "Kinesis record is not JSON: {e}");
                batch.unreadable.push(sequence);
            }
        }
    }
    batch
}

/// The records to deliver again after the batch was answered `status` with `body`:
/// every record unless the answer is 200 with `rejected: [{index}, …]` (ingest's), else
/// the rejected lines and the unreadable records.
pub fn kinesis_failures(batch: &NdjsonBatch, status: u16, body: &[u8]) -> KinesisEventResponse {
    let rejected = (status == 200)
        .then(|| serde_json::from_slice::<Value>(body).ok())
        .flatten()
        .and_then(|answer| rejected_indexes(&answer));
    let failed: Vec<&String> = match rejected {
        Some(indexes) => indexes
            .into_iter()
            .filter_map(|i| batch.lines.get(i))
            .chain(&batch.unreadable)
            .collect(),
        None => batch.lines.iter().chain(&batch.unreadable).collect(),
    };
    let mut response = KinesisEventResponse::default();
    for sequence in failed {
        let mut failure = KinesisBatchItemFailure::default();
        failure.item_identifier = Some(sequence.clone());
        response.batch_item_failures.push(failure);
    }
    response
}

fn rejected_indexes(answer: &Value) -> Option<Vec<usize>> {
    answer
        .get("rejected")?
        .as_array()?
        .iter()
        .map(|r| r.get("index").and_then(Value::as_u64).map(|i| i as usize))
        .collect()
}

/// The messages to deliver again after an SQS event was answered `status` with `body`:
/// none on 200; on 207 (some records failed) the ones the answer's own
/// `batchItemFailures` names (etl answers with that shape); otherwise — or when the answer
/// names none, or a message not in the event — every message.
pub fn sqs_failures(event: &SqsEvent, status: u16, body: &[u8]) -> SqsEventResponse {
    let mut response = SqsEventResponse::default();
    if status == 200 {
        return response;
    }
    let all: Vec<String> = event
        .records
        .iter()
        .filter_map(|m| m.message_id.clone())
        .collect();
    let named: Option<Vec<String>> = (status == 207)
        .then(|| serde_json::from_slice::<SqsEventResponse>(body).ok())
        .flatten()
        .map(|answer| {
            answer
                .batch_item_failures
                .into_iter()
                .filter_map(|f| f.item_identifier)
                .collect()
        })
        .filter(|ids: &Vec<String>| !ids.is_empty() && ids.iter().all(|id| all.contains(id)));
    for id in named.unwrap_or(all) {
        let mut failure = SqsBatchItemFailure::default();
        failure.item_identifier = Some(id);
        response.batch_item_failures.push(failure);
    }
    response
}

#[cfg(test)]
mod tests;
