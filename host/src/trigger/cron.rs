//! The cron trigger: six-field (seconds first) UTC schedules calling the component's
//! `tally:bundle/cron` export.

use std::sync::Arc;

use chrono::Utc;

use crate::app::{App, LoadedComponent};
use crate::bindings::cron_trigger::CronComponentPre;
use crate::bindings::cron_trigger::exports::tally::bundle::cron::Metadata;
use crate::metrics::Metrics;

/// Starts one task per `[[trigger.cron]]`; runs of one schedule never overlap.
pub fn start(
    app: &Arc<App>,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut tasks = Vec::new();
    for trigger in &app.manifest.cron_triggers {
        let component = app.component(&trigger.component)?;
        CronComponentPre::new(component.pre.clone()).map_err(|e| {
            anyhow::anyhow!(
                "component `{}` does not export tally:bundle/cron: {e}",
                trigger.component
            )
        })?;
        let schedule = trigger.schedule().clone();
        let expression = trigger.cron_expression.clone();
        let (app, metrics) = (app.clone(), metrics.clone());
        tasks.push(tokio::spawn(async move {
            for next in schedule.upcoming(Utc) {
                let wait = (next - Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(wait).await;
                let ok = fire(&app, &component, next.timestamp() as u64).await;
                metrics.record_trigger(&component.env.id, "cron", ok);
                tracing::info!(component = %component.env.id, schedule = %expression, ok, "cron run");
            }
        }));
    }
    Ok(tasks)
}

/// Runs the component's cron handler once on a fresh instance.
pub async fn fire(app: &App, component: &LoadedComponent, timestamp: u64) -> bool {
    let id = &component.env.id;
    let run = async {
        let pre = CronComponentPre::new(component.pre.clone())?;
        let mut store = component.new_store(&app.engine, &app.options);
        let instance = pre.instantiate_async(&mut store).await?;
        store
            .run_concurrent(async move |accessor| {
                instance
                    .tally_bundle_cron()
                    .call_handle_cron_event(accessor, Metadata { timestamp })
                    .await
            })
            .await?
    };
    super::run_guarded(app.options.request_timeout, id, "cron handler", run).await
}
