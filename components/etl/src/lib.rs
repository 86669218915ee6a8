//! `etl`: the ad-metrics pipeline, after the ad-metric design doc. TSV files of ad
//! events, announced by S3/SQS events or posted as batches, are loaded exactly once into
//! deduplicated fact tables that move hourly metrics per ad; the dashboard queries them.
//! See `README.md` for the input format, the routes and the variables.
//!
//! Pure modules (unit-tested natively): [`timestamp`], [`header`], [`row`], [`parser`]
//! (streaming TSV, bad-row accounting, SHA-256), [`events`] (S3/SQS event bodies),
//! [`query`] (dashboard parameters), [`series`] (points, CSV), [`sql`] (the load's
//! statements), [`config`]. Adapters: [`s3`] (fetching objects), [`ledger`]
//! (`etl_files`), [`load`] (one file, one transaction), [`trigger`] (events and
//! retries), [`dashboard`], [`http`]; the entry point only in the component.

pub mod config;
pub mod dashboard;
pub mod events;
pub mod header;
pub mod http;
pub mod ledger;
pub mod load;
pub mod parser;
#[cfg(test)]
mod properties;
pub mod query;
pub mod row;
pub mod s3;
pub mod series;
pub mod sql;
pub mod timestamp;
pub mod trigger;
// The entry point exists only in the component: its export symbols are not valid in a
// native library, and the native build (unit tests, data generator) does not need it.
#[cfg(target_arch = "wasm32")]
mod entry;
