//! Demo data for a running Tally bundle, sent through the bundle's own HTTP APIs.
//!
//! Everything is generated from a [`Plan`] (a seed, an instant and a number of days) by
//! pure, deterministic functions — the same plan always gives the same data — and each
//! capability's module also computes what the bundle must answer for that data, which
//! the dashboard's browser tests compare with what the pages show.
//!
//! - [`plan`]: the seed, the time window and the random number generators;
//! - [`ingest`], [`slices`], [`points`], [`streams`], [`ads`]: each capability's data and
//!   expected answers (no I/O);
//! - [`client`]: the HTTP calls; [`send`]: sending a plan's data to a bundle.

pub mod ads;
pub mod client;
pub mod ingest;
pub mod plan;
pub mod points;
pub mod send;
pub mod slices;
pub mod streams;

pub use plan::Plan;
