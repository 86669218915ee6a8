//! The typed interface `tally:bundle/ingest` (`wit/ingest.wit`): the same operations as
//! the HTTP routes, for components and adapters that call ingest without HTTP.

use tally_common::problem::Problem;

use crate::batch::{Batch, MAX_EVENTS, Rejection};
use crate::event::{self, Impression as Stored};
use crate::rollup::Hours;
use crate::{config, jobs, service, time};

mod bindings {
    spin_sdk::wit_bindgen::generate!({
        path: "../../wit",
        world: "tally:bundle/ingest-component",
        runtime_path: "::spin_sdk::wit_bindgen::rt",
    });
}

use bindings::exports::tally::bundle::ingest::{
    Error, Guest, Impression, Rejection as WitRejection, Summary,
};

struct Ingest;

impl From<Problem> for Error {
    fn from(p: Problem) -> Error {
        match p.status {
            503 => Error::Unavailable(p.detail),
            400..=499 => Error::Invalid(p.detail),
            _ => Error::Internal(p.detail),
        }
    }
}

/// Checks one typed impression by the rules of the JSON events.
fn check(i: Impression, window: event::Window) -> Result<Stored, String> {
    let required = |path: &str, v: String| {
        event::check_id(path, Some(v))?.ok_or_else(|| format!("field `{path}` is missing"))
    };
    let secs = i.viewed_at as f64 / 1e6;
    Ok(Stored {
        post_id: required("post_id", i.post_id)?,
        author_id: required("author_id", i.author_id)?,
        viewer_id: event::check_id("viewer_id", i.viewer_id)?,
        created_at: event::check_time(secs, window).map(|_| i.viewed_at)?,
        stream_kind: event::check_id("stream_kind", i.stream_kind)?,
        stream_id: event::check_id("stream_id", i.stream_id)?,
        artist_invite_id: event::check_id("artist_invite_id", i.artist_invite_id)?,
    })
}

impl Guest for Ingest {
    async fn ingest(impressions: Vec<Impression>) -> Result<Summary, Error> {
        if impressions.len() > MAX_EVENTS {
            return Err(Error::Invalid(format!(
                "{} impressions; at most {MAX_EVENTS} per batch",
                impressions.len()
            )));
        }
        let config = config::get().await?;
        let window = service::window(&config);
        let mut items = Vec::with_capacity(impressions.len());
        let mut rejected = Vec::new();
        for (index, i) in impressions.into_iter().enumerate() {
            match check(i, window) {
                Ok(s) => items.push(s),
                Err(error) => rejected.push(Rejection { index, error }),
            }
        }
        let mut batch = Batch::from_valid(items);
        batch.rejected = rejected;
        let stored = service::ingest(&config, batch).await?;
        let s = stored.summary;
        Ok(Summary {
            accepted: s.accepted as u32,
            duplicates: s.duplicates as u32,
            rejected: s
                .rejected
                .into_iter()
                .map(|r| WitRejection {
                    index: r.index as u32,
                    error: r.error,
                })
                .collect(),
            counters_updated: stored.counters_updated,
        })
    }

    async fn view_counts(post_ids: Vec<String>) -> Result<Vec<i64>, Error> {
        let config = config::get().await?;
        let counts = service::view_counts(&config, &post_ids).await?;
        Ok(post_ids
            .iter()
            .map(|id| counts.get(id).and_then(|v| v.as_i64()).unwrap_or(0))
            .collect())
    }

    async fn rollup(from: i64, to: i64) -> Result<u64, Error> {
        let config = config::get().await?;
        let hours = Hours::covering(time::from_micros(from), time::from_micros(to))
            .map_err(Error::Invalid)?;
        let r = jobs::rollup(&config, hours).await?;
        Ok(r.hourly_impressions
            + r.user_hourly_impressions
            + r.artist_invite_hourly_impressions
            + r.email_active_user_rollups)
    }
}

bindings::export!(Ingest with_types_in bindings);
