//! `streams`: activity feeds after Ello Streams over SoundCloud Roshi.
//!
//! Each logical key is an LWW element set stored as two Redis sorted sets (`K+` adds,
//! `K-` removes), written by one Lua script per batch of writes and read by one Lua
//! script per instance, sharded over Redis instances and optionally replicated over a
//! farm of clusters with a write quorum, read repair and a cron repair walk.
//!
//! Pure modules (unit-tested natively): [`model`], [`cursor`], [`query`], [`crdt`],
//! [`quorum`], [`shard`], [`reconcile`], [`scripts`], [`config`], [`ello`], [`roshi`].
//! I/O: [`cluster`], [`farm`], [`walker`], [`metrics`], and the adapters [`api`] (HTTP) and `typed`
//! (the WIT interface `tally:bundle/streams`).

pub mod api;
pub mod cluster;
pub mod config;
pub mod crdt;
pub mod cursor;
pub mod ello;
pub mod farm;
pub mod metrics;
pub mod model;
#[cfg(test)]
mod properties;
pub mod query;
pub mod quorum;
pub mod reconcile;
pub mod roshi;
pub mod scripts;
pub mod shard;
mod typed;
pub mod walker;

use spin_sdk::http::{Request, Response};
use spin_sdk::http_service;

#[http_service]
async fn handle(req: Request) -> Result<Response<String>, std::convert::Infallible> {
    Ok(api::handle(req).await)
}

/// The cron trigger: one bounded step of the repair walk.
struct Cron;

impl tally_common::cron::CronHandler for Cron {
    async fn handle_cron_event(
        _metadata: tally_common::cron::Metadata,
    ) -> Result<(), tally_common::cron::Error> {
        let fail = tally_common::cron::Error::Other;
        let cfg = config::Config::load().await.map_err(fail)?;
        let report = walker::run(&cfg.farm, cfg.repair_keys)
            .await
            .map_err(|e| fail(e.to_string()))?;
        if report.writes > 0 || !report.skipped.is_empty() {
            eprintln!("streams: repair walk {}", report.to_json());
        }
        Ok(())
    }
}

tally_common::cron::export_cron!(Cron);
