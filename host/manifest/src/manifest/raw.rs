//! The manifest as written: serde structures with spans, before validation.
//!
//! Every table denies unknown fields. Values Spin allows in several shapes (`route` as a
//! string or `{ private = true }`, `source` as a path or a URL table, `component` as an id or
//! an inline table, `command` as a string or a list) use [`StrOr`] so that an unsupported
//! shape can be reported precisely instead of failing an untagged enum.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// A string, a table (`T`) or a list of strings.
#[derive(Debug)]
pub(super) enum StrOr<T> {
    Str(String),
    Table(T),
    List(Vec<String>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for StrOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = StrOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrOr::Str(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(StrOr::Table)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(StrOr::List)
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawManifest {
    /// Checked beforehand by `convert::parse`.
    #[serde(rename = "spin_manifest_version")]
    pub _version: Option<toml::Value>,
    pub application: RawApplication,
    #[serde(default)]
    pub variables: BTreeMap<Spanned<String>, Spanned<RawVariable>>,
    #[serde(default)]
    pub trigger: RawTriggers,
    #[serde(default)]
    pub component: BTreeMap<Spanned<String>, RawComponent>,
}

/// `[application]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawApplication {
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub trigger: RawAppTrigger,
    /// Settings for other tools; Spin ignores them and so does this host.
    #[serde(default, rename = "tool")]
    pub _tool: Option<toml::Table>,
}

/// `[application.trigger.*]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAppTrigger {
    pub http: Option<RawAppHttp>,
    pub redis: Option<RawAppRedis>,
}

/// `[application.trigger.http]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAppHttp {
    pub base: Option<Spanned<String>>,
}

/// `[application.trigger.redis]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAppRedis {
    pub address: Spanned<String>,
}

/// `[variables] name = { ... }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariable {
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub secret: bool,
    pub description: Option<String>,
}

/// `[[trigger.*]]` arrays.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTriggers {
    #[serde(default)]
    pub http: Vec<Spanned<RawHttpTrigger>>,
    #[serde(default)]
    pub redis: Vec<Spanned<RawRedisTrigger>>,
    #[serde(default)]
    pub cron: Vec<Spanned<RawCronTrigger>>,
}

/// `route = { private = true }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrivate {
    pub private: bool,
}

/// `executor = { type = "spin" }` (Wagi's keys are read only to reject Wagi clearly).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExecutor {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, rename = "argv")]
    pub _argv: Option<String>,
    #[serde(default, rename = "entrypoint")]
    pub _entrypoint: Option<String>,
}

/// `[[trigger.http]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHttpTrigger {
    pub id: Option<String>,
    pub component: Spanned<StrOr<toml::Table>>,
    pub route: Spanned<StrOr<RawPrivate>>,
    pub executor: Option<Spanned<RawExecutor>>,
}

/// `[[trigger.redis]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRedisTrigger {
    pub id: Option<String>,
    pub component: Spanned<StrOr<toml::Table>>,
    pub channel: Spanned<String>,
    pub address: Option<Spanned<String>>,
}

/// `[[trigger.cron]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCronTrigger {
    pub id: Option<String>,
    pub component: Spanned<StrOr<toml::Table>>,
    pub cron_expression: Spanned<String>,
}

/// `[component.<id>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComponent {
    pub description: Option<String>,
    pub source: Spanned<StrOr<toml::Table>>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<Spanned<String>>,
    #[serde(default)]
    pub variables: BTreeMap<Spanned<String>, Spanned<String>>,
    pub build: Option<RawBuild>,
    /// Settings for other tools; Spin ignores them and so does this host.
    #[serde(default, rename = "tool")]
    pub _tool: Option<toml::Table>,
}

/// `[component.<id>.build]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBuild {
    pub command: Spanned<StrOr<toml::Table>>,
    pub workdir: Option<String>,
    #[serde(default)]
    pub watch: Vec<String>,
}
