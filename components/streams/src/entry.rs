//! The component's entry points (compiled for wasm only): HTTP and cron.

use spin_sdk::http::{Request, Response};
use spin_sdk::http_service;

/// The HTTP entry point.
#[http_service]
async fn handle(req: Request) -> Result<Response<String>, std::convert::Infallible> {
    Ok(crate::api::handle(req).await)
}

/// The cron trigger: one bounded step of the repair walk.
struct Cron;

impl tally_common::cron::CronHandler for Cron {
    async fn handle_cron_event(
        _metadata: tally_common::cron::Metadata,
    ) -> Result<(), tally_common::cron::Error> {
        let fail = tally_common::cron::Error::Other;
        let cfg = crate::config::Config::load().await.map_err(fail)?;
        let report = crate::walker::run(&cfg.farm, cfg.repair_keys)
            .await
            .map_err(|e| fail(e.to_string()))?;
        if report.writes > 0 || !report.skipped.is_empty() {
            eprintln!("streams: repair walk {}", report.to_json());
        }
        Ok(())
    }
}

tally_common::cron::export_cron!(Cron);
