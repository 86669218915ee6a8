//! `ingest`: the impression warehouse, realtime view counters and rollups, after Ello
//! Grandstand. See `README.md` for the event format, the routes and the jobs.
//!
//! Pure modules (unit-tested natively): [`time`], [`event`] (one event's validation),
//! [`fast`] (typed parsing of well-typed batches),
//! [`batch`] (body formats, limits, dedup), [`counters`] (Redis keys and the increment
//! script), [`partitions`] (names, bounds, the maintenance plan), [`csv`], [`auth`],
//! [`config`]. Adapters: [`store`] (the batch insert), [`service`] (ingest and counters),
//! [`rollup`], [`maintenance`] and [`archive`], [`reports`], [`grandstand`], [`export`],
//! [`outbox`] (exactly-once counters), [`tracked`], [`jobs`], [`http`]; the entry points
//! and the `tally:bundle/ingest` WIT export (`wit/ingest.wit`) only in the component.

pub mod archive;
pub mod auth;
pub mod batch;
pub mod config;
pub mod counters;
pub mod csv;
pub mod event;
pub mod export;
pub mod fast;
pub mod grandstand;
pub mod http;
pub mod jobs;
pub mod maintenance;
pub mod outbox;
pub mod partitions;
#[cfg(test)]
mod properties;
pub mod reports;
pub mod rollup;
pub mod service;
pub mod store;
pub mod time;
pub mod tracked;
// The entry points exist only in the component: their export symbols are not valid in a
// native library, and the native build (unit tests, benchmark) does not need them.
#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod wit_api;
