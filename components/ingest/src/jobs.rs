//! The scheduled jobs, run by the cron trigger (every 5 minutes) or by
//! `POST /impressions/jobs/tick` on platforms without one: drain the counter outbox, roll
//! up the previous and current hour, refresh the daily views, and — in the first 5
//! minutes of every hour —
//! partition maintenance (idempotent, so running it more often is harmless).

use chrono::{DateTime, Timelike, Utc};
use serde_json::{Value, json};
use tally_common::problem::Problem;

use crate::config::Config;
use crate::rollup::{self, Hours};
use crate::{maintenance, outbox, store};

/// Whether partition maintenance runs at `now`.
pub fn maintenance_due(now: DateTime<Utc>) -> bool {
    now.minute() < 5
}

/// Rolls up `hours` and refreshes the daily views.
pub async fn rollup(config: &Config, hours: Hours) -> Result<rollup::Report, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    rollup::run(&conn, hours).await
}

/// Refreshes the daily views.
pub async fn refresh(config: &Config) -> Result<Vec<&'static str>, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    rollup::refresh_views(&conn).await
}

/// Runs every job due at `now`; `Err` carries the report and what failed.
pub async fn tick(config: &Config, now: DateTime<Utc>) -> Result<Value, (Value, String)> {
    let mut report = json!({"now": crate::time::format(now)});
    let mut failures = Vec::new();
    match outbox::drain(config).await {
        Ok(d) => report["counters"] = json!(d),
        Err(p) => failures.push(format!("counters: {}", p.detail)),
    }
    match rollup(config, Hours::around(now)).await {
        Ok(r) => report["rollup"] = json!(r),
        Err(p) => failures.push(format!("rollup: {}", p.detail)),
    }
    match refresh(config).await {
        Ok(v) => report["views_refreshed"] = json!(v),
        Err(p) => failures.push(format!("views: {}", p.detail)),
    }
    if maintenance_due(now) {
        match maintenance::run(config, now).await {
            Ok(r) => {
                failures.extend(r.archive_errors.iter().map(|e| format!("archive: {e}")));
                report["maintenance"] = json!(r);
            }
            Err(p) => failures.push(format!("maintenance: {}", p.detail)),
        }
    }
    if failures.is_empty() {
        Ok(report)
    } else {
        report["errors"] = json!(failures);
        let message = failures.join("; ");
        Err((report, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_once_an_hour_on_a_five_minute_schedule() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(maintenance_due(at("2017-01-01T03:00:00Z")));
        assert!(maintenance_due(at("2017-01-01T03:04:59Z")));
        assert!(!maintenance_due(at("2017-01-01T03:05:00Z")));
    }
}
