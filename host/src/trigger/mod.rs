//! The triggers that call components: HTTP, Redis channels, cron schedules.

pub mod cron;
pub mod http;
pub mod redis;

use std::fmt::Debug;
use std::time::Duration;

/// Runs one Redis-message or cron call under the deadline, logs how it ended, and returns
/// whether it succeeded. `call` resolves to the guest's own `result` inside the host's.
pub async fn run_guarded<E: Debug>(
    deadline: Duration,
    component: &str,
    what: &str,
    call: impl Future<Output = wasmtime::Result<Result<(), E>>>,
) -> bool {
    match tokio::time::timeout(deadline, call).await {
        Ok(Ok(Ok(()))) => true,
        Ok(Ok(Err(e))) => {
            tracing::warn!(%component, "{what} returned an error: {e:?}");
            false
        }
        Ok(Err(e)) => {
            tracing::error!(%component, "{what} failed: {e:?}");
            false
        }
        Err(_) => {
            tracing::error!(%component, "{what} cut off at its deadline");
            false
        }
    }
}
