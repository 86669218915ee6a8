//! `tally-manifest`: the Spin application model used by the Tally host.
//!
//! - [`manifest`]: load and validate a Spin manifest version 2 (`spin.toml`);
//! - [`routes`]: Spin's HTTP route matching and the `spin-*` request headers;
//! - [`variables`]: application variables (`SPIN_VARIABLE_*`) and component templates;
//! - [`outbound`]: `allowed_outbound_hosts` rules checked against connection URLs;
//! - [`filter`]: a manifest cut down to one component or without some trigger kinds.
//!
//! Pure logic, no I/O beyond reading the manifest file.

#![warn(missing_docs)]

pub mod filter;
pub mod manifest;
mod names;
pub mod outbound;
pub mod routes;
mod template;
pub mod variables;

pub use filter::{Filter, FilterError, filter};
pub use manifest::{
    Application, ApplicationTrigger, Build, Component, CronTrigger, HttpExecutor, HttpTrigger,
    Location, Manifest, ManifestError, RedisTrigger, Route, Variable,
};
pub use outbound::{AllowedHosts, OutboundError};
pub use routes::{RouteError, RouteMatch, Router, spin_headers};
pub use variables::{ResolvedVariables, VariableError, expand_template, resolve};

/// The `cron` crate, re-exported so the host can use [`CronTrigger::schedule`] without
/// depending on it directly.
pub use cron;
