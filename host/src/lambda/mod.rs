//! `tally lambda`: the host as an AWS Lambda custom runtime (`bootstrap`).
//!
//! One function serves one component of the manifest. At start it loads that component
//! (the manifest cut down to it, variables from `SPIN_VARIABLE_*` then the manifest's
//! defaults, on-demand instance allocation, the precompiled component from the package's
//! cache) and applies pending migrations, exactly as `up`. Then each event goes through
//! the same code as on `up`: HTTP events through the HTTP trigger's router and instance
//! pool, S3/SQS/Kinesis events as one HTTP request each to the component, schedules to
//! its cron handler.

pub mod apigw;
pub mod batch;
pub mod config;
pub mod package;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context as _;
use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use aws_lambda_events::kinesis::KinesisEvent;
use aws_lambda_events::s3::S3Event;
use aws_lambda_events::sqs::SqsEvent;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::{Value, json};
use tally_manifest::{Filter, Manifest};

use crate::app::{App, LoadedComponent};
use crate::metrics::Metrics;
use crate::trigger::http::{HttpServer, full_body};
use crate::up::{DATABASE_VARIABLE, migrate_app};
pub use config::{LambdaArgs, TriggerKind};

/// Environment variables the Lambda service sets for a custom runtime.
const LAMBDA_ENV: [&str; 4] = [
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// Loads the function's component and serves invocations until the runtime API goes away.
pub async fn run(args: LambdaArgs) -> anyhow::Result<()> {
    for name in LAMBDA_ENV {
        if std::env::var_os(name).is_none() {
            anyhow::bail!(
                "{name} is not set: `tally lambda` runs inside AWS Lambda (or against a Runtime API emulator)"
            );
        }
    }
    let started = std::time::Instant::now();
    let handler = Arc::new(Handler::load(&args)?);
    migrate_app(&handler.app).await?;
    tracing::info!(
        component = %handler.component.env.id,
        ready_ms = started.elapsed().as_millis() as u64,
        "Lambda runtime ready"
    );
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let handler = handler.clone();
        async move { handler.invoke(event.payload).await }
    }))
    .await
    .map_err(|e| anyhow::anyhow!("Lambda runtime: {e}"))
}

/// The loaded component and how events reach it.
struct Handler {
    app: Arc<App>,
    component: Arc<LoadedComponent>,
    http: HttpServer,
    trigger: Option<TriggerKind>,
    events_path: String,
    kinesis_path: String,
}

impl Handler {
    fn load(args: &LambdaArgs) -> anyhow::Result<Handler> {
        let path = args.manifest_path();
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the manifest {}", path.display()))?;
        let component = match &args.component {
            Some(id) => id.clone(),
            None => only_component(&Manifest::parse(&text, &path)?)?,
        };
        let filter = Filter {
            component: Some(&component),
            keep_variables: &[DATABASE_VARIABLE],
            ..Default::default()
        };
        let manifest = Manifest::parse(&tally_manifest::filter(&text, &path, &filter)?, &path)?;
        let mut options = args.options.clone();
        options.no_pooling = true;
        if options.cache_dir.is_none() {
            options.cache_dir = Some(manifest.dir.join("cache"));
        }
        let app = Arc::new(App::from_manifest(manifest, options)?);
        let http = HttpServer::new(&app, Arc::new(Metrics::default()))?;
        Ok(Handler {
            component: app.component(&component)?,
            app,
            http,
            trigger: args.trigger,
            events_path: args.events_path.clone(),
            kinesis_path: args.kinesis_path.clone(),
        })
    }

    /// Handles one invocation; an `Err` is reported to Lambda as a function error.
    async fn invoke(&self, event: Value) -> Result<Value, lambda_runtime::Error> {
        let kind = match self.trigger {
            Some(kind) => kind,
            None => config::infer(&event)?,
        };
        let result = match kind {
            TriggerKind::Http => self.http_event(event).await,
            TriggerKind::S3 => self.s3_event(event).await,
            TriggerKind::Sqs => self.sqs_event(event).await,
            TriggerKind::Kinesis => self.kinesis_event(event).await,
            TriggerKind::Schedule => self.schedule_event(event).await,
        };
        result.map_err(|e| format!("{e:#}").into())
    }

    async fn http_event(&self, event: Value) -> anyhow::Result<Value> {
        let event: ApiGatewayV2httpRequest =
            serde_json::from_value(event).context("not an HTTP API (2.0) or Function URL event")?;
        let response = match apigw::to_request(event) {
            Ok((request, client)) => self.call(request, client, "https").await?,
            Err(e) => Response::builder()
                .status(StatusCode::BAD_REQUEST)
                .header("content-type", "text/plain; charset=utf-8")
                .body(Bytes::from(format!("{e}\n")))?,
        };
        Ok(serde_json::to_value(apigw::to_response(response))?)
    }

    async fn s3_event(&self, event: Value) -> anyhow::Result<Value> {
        let parsed: S3Event = serde_json::from_value(event.clone()).context("not an S3 event")?;
        let (status, body) = self.post_event(&event).await?;
        let answer = String::from_utf8_lossy(&body);
        tracing::info!(records = parsed.records.len(), status, "S3 event delivered");
        if status != 200 {
            anyhow::bail!("{} answered {status}: {answer}", self.events_path);
        }
        Ok(serde_json::from_slice(&body).unwrap_or_else(|_| json!({ "answer": answer })))
    }

    async fn sqs_event(&self, event: Value) -> anyhow::Result<Value> {
        let parsed: SqsEvent = serde_json::from_value(event.clone()).context("not an SQS event")?;
        let (status, body) = self.post_event(&event).await?;
        let response = batch::sqs_failures(&parsed, status, &body);
        let failed = response.batch_item_failures.len();
        batch_response("SQS", parsed.records.len(), status, failed, response)
    }

    async fn kinesis_event(&self, event: Value) -> anyhow::Result<Value> {
        let parsed: KinesisEvent = serde_json::from_value(event).context("not a Kinesis event")?;
        let ndjson = batch::kinesis_batch(&parsed);
        let (status, body) = if ndjson.lines.is_empty() {
            (200, Bytes::from_static(b"{\"rejected\":[]}"))
        } else {
            let body = ndjson.body.clone();
            self.post(&self.kinesis_path, "application/x-ndjson", body)
                .await?
        };
        let response = batch::kinesis_failures(&ndjson, status, &body);
        let failed = response.batch_item_failures.len();
        batch_response("Kinesis", parsed.records.len(), status, failed, response)
    }

    async fn schedule_event(&self, event: Value) -> anyhow::Result<Value> {
        let time = serde_json::from_value::<EventBridgeEvent>(event)
            .ok()
            .and_then(|e| e.time)
            .unwrap_or_else(chrono::Utc::now);
        let timestamp = time.timestamp().max(0) as u64;
        if !crate::trigger::cron::fire(&self.app, &self.component, timestamp).await {
            anyhow::bail!("the cron handler of `{}` failed", self.component.env.id);
        }
        Ok(json!({ "component": self.component.env.id, "timestamp": timestamp }))
    }

    /// An S3 or SQS event, unchanged, as `POST <events path>`; the status and body.
    async fn post_event(&self, event: &Value) -> anyhow::Result<(u16, Bytes)> {
        let body = serde_json::to_vec(event)?;
        self.post(&self.events_path, "application/json", body).await
    }

    /// `POST path` to the component through the HTTP trigger; the status and body.
    async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> anyhow::Result<(u16, Bytes)> {
        let request = Request::post(path)
            .header("host", "localhost")
            .header("content-type", content_type)
            .body(Bytes::from(body))?;
        let client = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let response = self.call(request, client, "http").await?;
        Ok((response.status().as_u16(), response.into_body()))
    }

    /// Runs `request` through the HTTP trigger and collects the response body.
    async fn call(
        &self,
        request: Request<Bytes>,
        client: SocketAddr,
        scheme: &str,
    ) -> anyhow::Result<Response<Bytes>> {
        let response = self
            .http
            .handle(request.map(full_body), client, scheme)
            .await;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| anyhow::anyhow!("reading the component's response: {e:?}"))?
            .to_bytes();
        Ok(Response::from_parts(parts, body))
    }
}

/// Logs how a batch event went and returns its partial batch response.
fn batch_response(
    kind: &str,
    records: usize,
    status: u16,
    failed: usize,
    response: impl serde::Serialize,
) -> anyhow::Result<Value> {
    tracing::info!(records, status, failed, "{kind} event delivered");
    Ok(serde_json::to_value(response)?)
}

/// The id of the manifest's only component (a function package holds exactly one).
fn only_component(manifest: &Manifest) -> anyhow::Result<String> {
    let mut ids = manifest.components.keys();
    match (ids.next(), ids.next()) {
        (Some(id), None) => Ok(id.clone()),
        _ => anyhow::bail!(
            "the manifest has {} components: set TALLY_COMPONENT to the one this function serves",
            manifest.components.len()
        ),
    }
}
