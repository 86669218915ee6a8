//! The component's entry points (compiled for wasm only): HTTP, the Redis channel and cron.

use spin_sdk::http::Request;
use spin_sdk::wasip3::http::types::{ErrorCode, Response};

use crate::batch::Format;
use crate::{config, jobs, service};

/// The HTTP entry point.
#[spin_sdk::http_service]
async fn handle(req: Request) -> Result<Response, ErrorCode> {
    crate::http::handle(req).await
}

/// A message on the `impressions` channel: one JSON event or an array of them.
#[spin_sdk::redis_subscriber]
async fn on_message(message: Vec<u8>) -> anyhow::Result<()> {
    let config = config::get().await.map_err(|p| anyhow::anyhow!(p.detail))?;
    let batch = service::parse(&config, &message, Format::Json)
        .map_err(|e| anyhow::anyhow!("message refused: {e:?}"))?;
    for r in &batch.rejected {
        eprintln!(
            "ingest: event {} of a message rejected: {}",
            r.index, r.error
        );
    }
    service::ingest(&config, batch)
        .await
        .map_err(|p| anyhow::anyhow!(p.detail))?;
    Ok(())
}

struct Cron;

impl tally_common::cron::CronHandler for Cron {
    async fn handle_cron_event(
        metadata: tally_common::cron::Metadata,
    ) -> Result<(), tally_common::cron::Error> {
        let fail = tally_common::cron::Error::Other;
        let config = config::get().await.map_err(|p| fail(p.detail))?;
        let now = chrono::DateTime::from_timestamp(metadata.timestamp as i64, 0)
            .unwrap_or_else(crate::time::now);
        jobs::tick(&config, now)
            .await
            .map(|_| ())
            .map_err(|(_, e)| fail(e))
    }
}

tally_common::cron::export_cron!(Cron);
