//! Objects announced by events, and retries: skip a version the ledger has loaded
//! before fetching it, fetch it from the S3 endpoint, load it; a fetch that fails is a
//! failed ledger entry (retried by `POST /etl/retry/:id`, at most [`MAX_ATTEMPTS`] times).

use serde::Serialize;
use serde_json::{Value, json};
use spin_sdk::http::StatusCode;
use spin_sdk::pg::Connection;
use tally_common::problem::Problem;

use crate::config::Config;
use crate::events::{Item, Kind};
use crate::ledger::{self, FileRef, MAX_ATTEMPTS, Origin};
use crate::load::{self, LoadError, Outcome};
use crate::s3;

/// What happened to one record of an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Its position in the event's `Records`.
    pub index: usize,
    /// The SQS message that carried it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The S3 bucket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// The S3 key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The result.
    #[serde(flatten)]
    pub result: Handled,
}

/// A record's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Handled {
    /// Loaded, skipped or failed.
    Done(Box<Outcome>),
    /// Nothing to load (`"status": "ignored"`).
    Ignored {
        /// Always `ignored`.
        status: &'static str,
        /// Why.
        reason: String,
    },
}

impl Handled {
    fn failed(&self) -> bool {
        matches!(self, Handled::Done(o) if matches!(**o, Outcome::Failed { .. }))
    }
}

/// Fetches and loads the object `file`; the status is 200 (loaded or skipped), 422
/// (its content was refused) or 502 (it could not be fetched, or is dead-lettered).
pub async fn object(config: &Config, file: FileRef) -> Result<(Outcome, StatusCode), Problem> {
    let Origin::S3 { bucket, key, .. } = &file.origin else {
        return Err(Problem::bad_request("only S3 objects are fetched"));
    };
    if let Some(version) = &file.version {
        let conn = Connection::open(&config.postgres_url).await?;
        match ledger::find(&conn, &file.name, version).await? {
            Some(e) if e.status == "loaded" => {
                let skipped = Outcome::Skipped {
                    skipped: "already loaded",
                    file_id: Some(e.id),
                    version: version.clone(),
                };
                return Ok((skipped, StatusCode::OK));
            }
            Some(e) if e.attempts >= MAX_ATTEMPTS => {
                let reason = format!(
                    "failed {} times; it stays failed (dead-lettered): {}",
                    e.attempts,
                    e.error.clone().unwrap_or_default()
                );
                return Ok((
                    Outcome::Failed {
                        reason,
                        file: Some(Box::new(e)),
                        summary: None,
                    },
                    StatusCode::BAD_GATEWAY,
                ));
            }
            _ => {}
        }
    }
    let fetched = match s3::fetch(&config.s3_endpoint, bucket, key).await {
        Ok(o) => o,
        Err(reason) => return fetch_failed(config, &file, reason).await,
    };
    let file = match (&file.version, fetched.etag.as_deref()) {
        (None, Some(etag)) => FileRef::s3(bucket, key, Some(etag)),
        _ => file,
    };
    match load::load(config, &file, fetched.body).await {
        Ok(outcome @ Outcome::Failed { .. }) => Ok((outcome, StatusCode::UNPROCESSABLE_ENTITY)),
        Ok(outcome) => Ok((outcome, StatusCode::OK)),
        Err(LoadError::Body(e)) => {
            fetch_failed(config, &file, format!("reading the object failed: {e}")).await
        }
        Err(LoadError::Backend(p)) => Err(p),
    }
}

/// Records a failed fetch of `file`.
async fn fetch_failed(
    config: &Config,
    file: &FileRef,
    reason: String,
) -> Result<(Outcome, StatusCode), Problem> {
    let conn = Connection::open(&config.postgres_url).await?;
    let version = file
        .version
        .clone()
        .unwrap_or_else(|| "unknown".to_string());
    let entry = ledger::fail(&conn, file, &version, None, &reason).await?;
    Ok((
        Outcome::Failed {
            reason,
            file: entry.map(Box::new),
            summary: None,
        },
        StatusCode::BAD_GATEWAY,
    ))
}

/// Handles the items of an event in order. The status is 200 when no record failed and
/// 207 otherwise; `batchItemFailures` names the SQS messages to deliver again (the
/// shape of a Lambda SQS partial batch response).
pub async fn events(config: &Config, items: Vec<Item>) -> Result<(StatusCode, Value), Problem> {
    let mut records = Vec::with_capacity(items.len());
    for item in items {
        let (bucket, key, result) = match item.kind {
            Kind::Object { bucket, key, etag } => {
                let file = FileRef::s3(&bucket, &key, etag.as_deref());
                let (outcome, _) = object(config, file).await?;
                (Some(bucket), Some(key), Handled::Done(Box::new(outcome)))
            }
            Kind::Ignored(reason) => (
                None,
                None,
                Handled::Ignored {
                    status: "ignored",
                    reason,
                },
            ),
            Kind::Invalid(reason) => {
                let failed = Outcome::Failed {
                    reason,
                    file: None,
                    summary: None,
                };
                (None, None, Handled::Done(Box::new(failed)))
            }
        };
        records.push(Record {
            index: item.index,
            message_id: item.message_id,
            bucket,
            key,
            result,
        });
    }
    Ok(summarize(&records))
}

/// The response to an event: counts, records, and the SQS messages that failed.
pub fn summarize(records: &[Record]) -> (StatusCode, Value) {
    let count = |status: &str| {
        records
            .iter()
            .filter(|r| {
                serde_json::to_value(&r.result)
                    .ok()
                    .and_then(|v| v.get("status").cloned())
                    == Some(json!(status))
            })
            .count()
    };
    let mut failed_messages: Vec<&str> = records
        .iter()
        .filter(|r| r.result.failed())
        .filter_map(|r| r.message_id.as_deref())
        .collect();
    failed_messages.dedup();
    let failed = records.iter().filter(|r| r.result.failed()).count();
    let status = if failed == 0 {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    let body = json!({
        "loaded": count("loaded"),
        "skipped": count("skipped"),
        "ignored": count("ignored"),
        "failed": failed,
        "records": records,
        "batchItemFailures": failed_messages.iter().map(|id| json!({"itemIdentifier": id})).collect::<Vec<_>>(),
    });
    (status, body)
}

/// `POST /etl/retry/:id`: loads a failed S3 object again.
pub async fn retry(config: &Config, id: i64) -> Result<(Outcome, StatusCode), Problem> {
    let conn = Connection::open(&config.postgres_url).await?;
    let entry = ledger::get(&conn, id).await?.ok_or_else(|| {
        Problem::new(StatusCode::NOT_FOUND, format!("no file {id} in the ledger"))
    })?;
    entry
        .may_retry()
        .map_err(|e| Problem::new(StatusCode::CONFLICT, e))?;
    let (Some(bucket), Some(key)) = (&entry.bucket, &entry.key) else {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            format!("file {id} names no S3 object"),
        ));
    };
    let mut file = FileRef::s3(bucket, key, entry.etag.as_deref());
    file.version = Some(entry.version.clone());
    object(config, file).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(index: usize, message: Option<&str>, result: Handled) -> Record {
        Record {
            index,
            message_id: message.map(str::to_string),
            bucket: None,
            key: None,
            result,
        }
    }

    #[test]
    fn partial_failures_are_207_with_the_messages_to_redeliver() {
        let skipped = Handled::Done(Box::new(Outcome::Skipped {
            skipped: "already loaded",
            file_id: Some(1),
            version: "etag:x".into(),
        }));
        let failed = || {
            Handled::Done(Box::new(Outcome::Failed {
                reason: "GET answered 404".into(),
                file: None,
                summary: None,
            }))
        };
        let ignored = Handled::Ignored {
            status: "ignored",
            reason: "s3:TestEvent".into(),
        };
        let (status, body) = summarize(&[
            record(0, Some("m0"), skipped.clone()),
            record(1, Some("m1"), ignored.clone()),
        ]);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (
                body["skipped"].clone(),
                body["ignored"].clone(),
                body["failed"].clone()
            ),
            (json!(1), json!(1), json!(0))
        );
        assert_eq!(body["batchItemFailures"], json!([]));
        assert_eq!(body["records"][0]["message_id"], "m0");
        assert_eq!(body["records"][0]["skipped"], "already loaded");
        let (status, body) = summarize(&[
            record(0, Some("m0"), skipped),
            record(1, Some("m1"), failed()),
            record(1, Some("m1"), failed()),
            record(2, None, failed()),
        ]);
        assert_eq!(status, StatusCode::MULTI_STATUS);
        assert_eq!(body["failed"], 3);
        assert_eq!(body["batchItemFailures"], json!([{"itemIdentifier": "m1"}]));
        assert_eq!(body["records"][1]["status"], "failed");
        assert_eq!(body["records"][1]["reason"], "GET answered 404");
    }
}
