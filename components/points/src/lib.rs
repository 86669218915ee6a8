//! Points: per-user metrics in hierarchical time buckets (year .. second), after
//! pointspaced. Any window's sum, for many users and things at once, is one Redis round
//! trip; leaderboards rank users over any window.
//!
//! Pure modules (unit-tested natively): [`calendar`], [`decompose`] (the range
//! decomposition), [`fenwick`] (the sums-hash fields a span reads), [`things`], [`input`]
//! (validation), [`scripts`] (the Lua scripts and their arguments), [`plan`] (query
//! planning and replies), [`messages`].
//! The Spin adapter: [`config`], [`store`] (Redis), [`service`], [`routes`] (HTTP), and
//! (in the component only) the HTTP and Redis-channel entry points and the
//! `tally:bundle/points` WIT export.

pub mod calendar;
pub mod config;
pub mod decompose;
pub mod fenwick;
pub mod input;
pub mod messages;
pub mod plan;
#[cfg(test)]
mod properties;
pub mod routes;
pub mod scripts;
pub mod service;
pub mod store;
pub mod things;
// The entry points exist only in the component: their export symbols are not valid in a
// native shared library, and the native build (unit tests, benchmark) does not need them.
#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod wit_api;
