//! `streams`: activity feeds after Ello Streams over SoundCloud Roshi.
//!
//! Each logical key is an LWW element set stored as two Redis sorted sets (`K+` adds,
//! `K-` removes), written by one Lua script per batch of writes and read by one Lua
//! script per instance, sharded over Redis instances and optionally replicated over a
//! farm of clusters with a write quorum, read repair and a cron repair walk.
//!
//! Pure modules (unit-tested natively): [`model`], [`cursor`], [`query`], [`crdt`],
//! [`quorum`], [`shard`], [`reconcile`], [`scripts`], [`config`], [`ello`], [`roshi`].
//! I/O: [`cluster`], [`farm`], [`walker`], [`metrics`], and the adapters [`api`] (HTTP) and `typed`
//! (the WIT interface `tally:bundle/streams`).

pub mod api;
pub mod cluster;
pub mod config;
pub mod crdt;
pub mod cursor;
pub mod ello;
pub mod farm;
pub mod metrics;
pub mod model;
#[cfg(test)]
mod properties;
pub mod query;
pub mod quorum;
pub mod reconcile;
pub mod roshi;
pub mod scripts;
pub mod shard;
pub mod walker;

// The export symbols of the entry points are not valid in a native library (the fuzz
// targets in fuzz/ link this crate natively).
#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
mod typed;
