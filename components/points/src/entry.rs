//! The component's HTTP and Redis-channel entry points.

use spin_sdk::http::{Request, Response};
use spin_sdk::{http_service, redis_subscriber};

/// The route prefix the component is mounted at in `spin.toml`.
const ROUTE_PREFIX: &str = "/points";

/// The largest request body (a batch of [`crate::input::MAX_BATCH`] writes fits): 413 beyond.
pub const MAX_BODY_BYTES: usize = 4 << 20;

#[http_service]
async fn handle(req: Request) -> anyhow::Result<Response<String>> {
    let path = req
        .headers()
        .get("spin-path-info")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| {
            let p = req.uri().path();
            p.strip_prefix(ROUTE_PREFIX).unwrap_or(p).to_string()
        });
    let method = req.method().clone();
    let query = req.uri().query().map(str::to_string);
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = match tally_common::body::read(req, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(p) => return Ok(p.into_response()),
    };
    Ok(crate::routes::handle(crate::routes::Call {
        method,
        path,
        query,
        body,
        content_type,
    })
    .await)
}

/// A channel message: applied when valid; otherwise logged and counted in
/// `<prefix>psd:errors` (reason in `<prefix>psd:last_error`) and acknowledged, so the
/// subscription carries on. Only an unreachable Redis fails the handler.
#[redis_subscriber]
async fn on_message(message: Vec<u8>) -> anyhow::Result<()> {
    let result = match crate::messages::parse(&message) {
        Ok(crate::messages::Job::Metrics(writes)) => {
            crate::service::write(&writes).await.map(|_| ())
        }
        Ok(crate::messages::Job::Counts(counts)) => crate::service::count(&counts).await,
        Err(invalid) => {
            let reason = format!("rejected message: {invalid}");
            eprintln!("points: {reason}");
            let store = crate::store::Store::open()
                .await
                .map_err(|p| anyhow::anyhow!(p.detail))?;
            store
                .record_bad_message(&reason)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            return Ok(());
        }
    };
    result.map_err(|p| anyhow::anyhow!("points: {}", p.detail))
}
