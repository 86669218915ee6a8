//! Spin manifest version 2 (`spin.toml`, the Spin 3/4 schema): loading and validation.
//!
//! Reads `spin_manifest_version`, `[application]` (with `[application.trigger.http]` and
//! `[application.trigger.redis]`), `[variables]`, `[[trigger.http]]`, `[[trigger.redis]]`,
//! `[[trigger.cron]]` and `[component.<id>]` (with `variables`, `allowed_outbound_hosts` and
//! `build`). `tool` tables are accepted and ignored, as in Spin. Any other key is an error
//! naming the key, its table and its line; Spin fields this host does not implement
//! (`files`, `environment`, `key_value_stores`, ...) are called out as such.

mod convert;
mod error;
mod raw;
mod triggers;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use error::{Location, ManifestError};

use crate::routes::{RouteError, Router};

/// A validated Spin application manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file (absolute).
    pub path: PathBuf,
    /// The directory holding the manifest (absolute); relative paths start here.
    pub dir: PathBuf,
    /// `[application]`.
    pub application: Application,
    /// `[variables]`, by name.
    pub variables: BTreeMap<String, Variable>,
    /// `[[trigger.http]]`, in file order.
    pub http_triggers: Vec<HttpTrigger>,
    /// `[[trigger.redis]]`, in file order.
    pub redis_triggers: Vec<RedisTrigger>,
    /// `[[trigger.cron]]`, in file order.
    pub cron_triggers: Vec<CronTrigger>,
    /// `[component.<id>]`, by id.
    pub components: BTreeMap<String, Component>,
}

/// `[application]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `authors`.
    pub authors: Vec<String>,
    /// `[application.trigger.*]` settings.
    pub trigger: ApplicationTrigger,
}

/// Application-wide trigger settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationTrigger {
    /// `[application.trigger.http] base`: always `/` (Spin 3 removed other bases).
    pub http_base: String,
    /// `[application.trigger.redis] address`: the default for redis triggers (may contain
    /// `{{ variable }}` templates).
    pub redis_address: Option<String>,
}

/// `[variables] name = { ... }`: exactly one of `default` and `required` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The value used when `SPIN_VARIABLE_<NAME>` is not set.
    pub default: Option<String>,
    /// A value must come from the environment.
    pub required: bool,
    /// The value is sensitive: never log it.
    pub secret: bool,
    /// `description`.
    pub description: Option<String>,
}

/// `[[trigger.http]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTrigger {
    /// Optional trigger `id`.
    pub id: Option<String>,
    /// `route`.
    pub route: Route,
    /// The component id.
    pub component: String,
    /// `executor`; only Spin's default executor is supported.
    pub executor: Option<HttpExecutor>,
}

/// An HTTP trigger's `route`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `route = "/path"` or `"/prefix/..."`.
    Path(String),
    /// `route = { private = true }`: reachable only by service chaining.
    Private,
}

impl Route {
    /// The route pattern, or `None` for a private route.
    pub fn path(&self) -> Option<&str> {
        match self {
            Route::Path(p) => Some(p),
            Route::Private => None,
        }
    }
}

/// `executor = { type = "spin" }` (Spin also spells it `"http"`); Wagi is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpExecutor {
    /// The component exports a Spin/WASI HTTP handler.
    Spin,
}

/// `[[trigger.redis]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisTrigger {
    /// Optional trigger `id`.
    pub id: Option<String>,
    /// The effective address: the trigger's own or `[application.trigger.redis]`'s. Always
    /// `Some` in a loaded manifest; may contain `{{ variable }}` templates.
    pub address: Option<String>,
    /// `channel` (may contain templates).
    pub channel: String,
    /// The component id.
    pub component: String,
}

/// `[[trigger.cron]]`: `cron_expression` has six or seven fields, seconds first (UTC).
#[derive(Debug, Clone)]
pub struct CronTrigger {
    /// Optional trigger `id`.
    pub id: Option<String>,
    /// The expression as written.
    pub cron_expression: String,
    /// The component id.
    pub component: String,
    schedule: cron::Schedule,
}

impl CronTrigger {
    /// The parsed schedule (`schedule().upcoming(chrono::Utc)` lists fire times).
    pub fn schedule(&self) -> &cron::Schedule {
        &self.schedule
    }

    /// The first fire time strictly after `after`, if the schedule has one.
    pub fn next_after(&self, after: SystemTime) -> Option<SystemTime> {
        let after: chrono::DateTime<chrono::Utc> = after.into();
        self.schedule.after(&after).next().map(SystemTime::from)
    }
}

/// `[component.<id>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// The component id (the table key).
    pub id: String,
    /// `description`.
    pub description: Option<String>,
    /// `source`, resolved against the manifest directory.
    pub source: PathBuf,
    /// `allowed_outbound_hosts`, as written (may contain templates).
    pub allowed_outbound_hosts: Vec<String>,
    /// `[component.<id>.variables]`: name to template.
    pub variables: BTreeMap<String, String>,
    /// `[component.<id>.build]`.
    pub build: Option<Build>,
}

/// `[component.<id>.build]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The command, or the commands joined with ` && ` when a list is given.
    pub command: String,
    /// Each command, in order.
    pub commands: Vec<String>,
    /// `workdir`, relative to the manifest directory.
    pub workdir: Option<String>,
    /// `watch` globs.
    pub watch: Vec<String>,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Manifest, ManifestError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse(&text, path)
    }

    /// Validates manifest `text`; `path` names it in errors and anchors relative paths.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Manifest, ManifestError> {
        convert::parse(text, path.as_ref())
    }

    /// A component by id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.get(id)
    }

    /// The router for every public HTTP route (private routes are left out).
    pub fn router(&self) -> Result<Router, RouteError> {
        Router::new(
            self.http_triggers
                .iter()
                .filter_map(|t| t.route.path().map(|p| (p.to_string(), t.component.clone()))),
        )
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_errors;
