//! The typed WIT export `tally:bundle/slices` (see `wit/slices.wit`): the HTTP operations
//! for other components, over the same [`service`] code.

use crate::error::Error;
use crate::model::{Counts, Kind};
use crate::request::Event;
use crate::{service, settings};

spin_sdk::wit_bindgen::generate!({
    path: "../../wit",
    world: "tally:bundle/slices-component",
    runtime_path: "::spin_sdk::wit_bindgen::rt",
});

use exports::tally::bundle::slices as api;

impl From<Error> for api::Error {
    fn from(e: Error) -> api::Error {
        match e {
            Error::BadRequest(d) => api::Error::BadRequest(d),
            Error::Conflict(d) => api::Error::Conflict(d),
            Error::Unavailable(d) => api::Error::Unavailable(d),
            Error::Internal(d) => api::Error::Internal(d),
        }
    }
}

fn counts(c: Counts) -> api::Counts {
    api::Counts {
        unique_users: c.unique_users,
        clicks: c.clicks,
        impressions: c.impressions,
        late_events: c.late_events,
    }
}

fn summary(config: &crate::config::Config, slice: u64, c: Counts) -> api::SliceSummary {
    api::SliceSummary {
        slice,
        start_ms: config.slicing.start_ms(slice),
        end_ms: config.slicing.end_ms(slice),
        counts: counts(c),
    }
}

struct Slices;

impl api::Guest for Slices {
    async fn record_event(
        timestamp_ms: i64,
        user: String,
        kind: api::EventKind,
    ) -> Result<(), api::Error> {
        if user.is_empty() || user.len() > crate::request::MAX_USER_BYTES {
            return Err(api::Error::BadRequest("`user` is empty or too long".into()));
        }
        let kind = match kind {
            api::EventKind::Click => Kind::Click,
            api::EventKind::Impression => Kind::Impression,
        };
        let config = settings::config().await?;
        let event = Event {
            ts_ms: timestamp_ms,
            user,
            kind,
            id: None,
        };
        service::record(&config, &event, service::now_ms()).await?;
        Ok(())
    }

    async fn summary(timestamp_ms: i64) -> Result<api::SliceSummary, api::Error> {
        let config = settings::config().await?;
        let slice = service::slice_at(&config, timestamp_ms, "timestamp-ms")?;
        let report = service::reports(&config, &[slice]).await?.remove(0);
        Ok(summary(&config, slice, report.total()))
    }

    async fn range(from_ms: i64, to_ms: i64) -> Result<api::RangeSummary, api::Error> {
        let config = settings::config().await?;
        let slices = config.slicing.overlapping(from_ms, to_ms).ok_or_else(|| {
            Error::BadRequest("`to-ms` must be after `from-ms` and the first slice".into())
        })?;
        if slices.end() - slices.start() >= service::MAX_SLICES as u64 {
            return Err(Error::BadRequest(format!(
                "the range covers more than {} slices",
                service::MAX_SLICES
            ))
            .into());
        }
        let slices: Vec<u64> = slices.collect();
        let reports = service::reports(&config, &slices).await?;
        let approx = service::approx_unique_users(&config, &slices).await?;
        let total = crate::render::sum(&reports);
        Ok(api::RangeSummary {
            slices: reports
                .iter()
                .map(|r| summary(&config, r.slice, r.total()))
                .collect(),
            clicks: total.clicks,
            impressions: total.impressions,
            approx_unique_users: approx,
        })
    }
}

export!(Slices);
