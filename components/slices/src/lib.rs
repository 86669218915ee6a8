//! `slices`: hourly click/impression analytics with exact unique users, after "rt".
//!
//! Events (`POST /analytics`) are counted per time slice (an hour by default) in Redis,
//! sharded by a routing table; the user name is replaced by a keyed hash before anything is
//! stored, and each event is one atomic script call. Reads sum the counters of every shard
//! of a slice, read concurrently. See `README.md` for the API and the configuration.
//!
//! Modules without I/O (unit-tested natively): [`slicing`], [`routing`], [`privacy`],
//! [`addresses`], [`admission`], [`config`], [`keys`], [`scripts`], [`model`], [`request`], [`render`], [`error`].
//! Adapters: [`settings`] (variables), [`shards`] (connections), [`store`] (Redis calls), [`placement`] (recorded
//! placements), [`service`] (operations), [`http`] (routes), `wit` (typed export, wasm only).

pub mod addresses;
pub mod admission;
pub mod config;
pub mod error;
pub mod http;
pub mod keys;
pub mod model;
pub mod placement;
pub mod privacy;
#[cfg(test)]
mod properties;
pub mod render;
pub mod request;
pub mod routing;
pub mod scripts;
pub mod service;
pub mod settings;
pub mod shards;
pub mod slicing;
pub mod store;
// The export symbols of the entry points are not valid in a native library (the fuzz
// targets in fuzz/ link this crate natively).
#[cfg(target_arch = "wasm32")]
mod entry;
#[cfg(target_arch = "wasm32")]
pub mod wit;
