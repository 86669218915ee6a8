//! What a Lambda function serves, read from its environment, and how an event's kind is
//! told from its shape.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::Value;

use crate::options::HostOptions;

/// `tally lambda` settings: flags, or the function's environment variables.
#[derive(Args, Clone, Debug)]
pub struct LambdaArgs {
    /// The component this function serves (default: the manifest's only component).
    #[arg(long, env = "TALLY_COMPONENT")]
    pub component: Option<String>,

    /// The kind of every event this function receives (default: told from each event's shape).
    #[arg(long, env = "TALLY_TRIGGER", value_enum)]
    pub trigger: Option<TriggerKind>,

    /// The manifest (default: `$LAMBDA_TASK_ROOT/spin.toml`, else `./spin.toml`).
    #[arg(long, short = 'f', env = "TALLY_MANIFEST")]
    pub manifest: Option<PathBuf>,

    /// Where S3 and SQS events are posted, unchanged, as JSON.
    #[arg(long, env = "TALLY_EVENTS_PATH", default_value = "/etl/events")]
    pub events_path: String,

    /// Where the records of a Kinesis event are posted, as one NDJSON batch.
    #[arg(long, env = "TALLY_KINESIS_PATH", default_value = "/impressions")]
    pub kinesis_path: String,

    #[command(flatten)]
    pub options: HostOptions,
}

impl LambdaArgs {
    /// The manifest to load: the flag, else the package's, else `./spin.toml`.
    pub fn manifest_path(&self) -> PathBuf {
        if let Some(path) = &self.manifest {
            return path.clone();
        }
        match std::env::var_os("LAMBDA_TASK_ROOT") {
            Some(root) => PathBuf::from(root).join("spin.toml"),
            None => PathBuf::from("spin.toml"),
        }
    }
}

/// The kinds of Lambda event the host maps to a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TriggerKind {
    /// API Gateway HTTP API (payload 2.0) or a Function URL: the HTTP trigger.
    Http,
    /// An S3 event notification: posted to the events path.
    S3,
    /// An SQS event (messages carrying S3 notifications): posted to the events path.
    Sqs,
    /// A Kinesis event (records of impression JSON): posted as NDJSON.
    Kinesis,
    /// An EventBridge schedule: the component's cron handler.
    Schedule,
}

/// Tells an event's kind from fields only that kind has: `Records[0].eventSource`
/// (`aws:s3`, `aws:sqs`, `aws:kinesis`), `requestContext.http` (HTTP API payload 2.0 and
/// Function URLs), or `source = "aws.events"` with `detail-type = "Scheduled Event"`.
pub fn infer(event: &Value) -> Result<TriggerKind, String> {
    if let Some(records) = event.get("Records").and_then(Value::as_array) {
        let source = records
            .first()
            .and_then(|r| r.get("eventSource"))
            .and_then(Value::as_str);
        return match source {
            Some("aws:s3") => Ok(TriggerKind::S3),
            Some("aws:sqs") => Ok(TriggerKind::Sqs),
            Some("aws:kinesis") => Ok(TriggerKind::Kinesis),
            Some(other) => Err(format!("records from `{other}` are not supported")),
            None => Err("an event with `Records` but no `eventSource` in the first record".into()),
        };
    }
    if event.pointer("/requestContext/http").is_some() {
        return Ok(TriggerKind::Http);
    }
    if event.get("source").and_then(Value::as_str) == Some("aws.events")
        && event.get("detail-type").and_then(Value::as_str) == Some("Scheduled Event")
    {
        return Ok(TriggerKind::Schedule);
    }
    Err("cannot tell the kind of this event; set TALLY_TRIGGER (http, s3, sqs, kinesis or schedule)".into())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn kinds_are_told_by_their_own_fields() {
        let records = |source: &str| json!({"Records": [{"eventSource": source}]});
        assert_eq!(infer(&records("aws:s3")), Ok(TriggerKind::S3));
        assert_eq!(infer(&records("aws:sqs")), Ok(TriggerKind::Sqs));
        assert_eq!(infer(&records("aws:kinesis")), Ok(TriggerKind::Kinesis));
        let http = json!({"version": "2.0", "rawPath": "/", "requestContext": {"http": {"method": "GET"}}});
        assert_eq!(infer(&http), Ok(TriggerKind::Http));
        let schedule =
            json!({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}});
        assert_eq!(infer(&schedule), Ok(TriggerKind::Schedule));
    }

    #[test]
    fn unknown_shapes_are_errors_that_say_what_to_do() {
        let sns = json!({"Records": [{"EventSource": "aws:sns"}]});
        assert!(infer(&sns).unwrap_err().contains("no `eventSource`"));
        let dynamo = json!({"Records": [{"eventSource": "aws:dynamodb"}]});
        assert!(infer(&dynamo).unwrap_err().contains("aws:dynamodb"));
        // An API Gateway REST (payload 1.0) event has no `requestContext.http`.
        let rest = json!({"httpMethod": "GET", "requestContext": {"stage": "prod"}});
        assert!(infer(&rest).unwrap_err().contains("TALLY_TRIGGER"));
        let other_rule = json!({"source": "aws.ec2", "detail-type": "EC2 State Change"});
        assert!(infer(&other_rule).is_err());
    }
}
