//! The component's configuration, parsed from its Spin variables (no I/O here: the adapter
//! reads the variables into [`RawConfig`]).

use chrono::{DateTime, NaiveDateTime};

pub use crate::addresses::Shard;
use crate::addresses::parse_shards;
use crate::routing::{Placement, Routing};
use crate::slicing::Slicing;

/// A variable that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The variable's name.
    pub variable: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "variable `{}` is invalid: {}",
            self.variable, self.reason
        )
    }
}

impl std::error::Error for ConfigError {}

/// Every variable the component reads, as text (`None` when not defined).
#[derive(Debug, Clone, Default)]
pub struct RawConfig {
    /// `slices_shards`: Redis addresses, a JSON list or comma/space separated.
    pub shards: Option<String>,
    /// `slices_routing`: JSON routing table.
    pub routing: Option<String>,
    /// `slices_first_slice`: RFC 3339 start of slice 0.
    pub first_slice: Option<String>,
    /// `slices_length_seconds`: slice length.
    pub length_seconds: Option<String>,
    /// `slices_salt`: the secret key of the user hash.
    pub salt: Option<String>,
    /// `slices_prefix`: prefix of every Redis key.
    pub prefix: Option<String>,
    /// `slices_unique_label`: the label of the unique-user line.
    pub unique_label: Option<String>,
    /// `slices_retention_hours`: expiry of slice data after the slice ends (empty: keep).
    pub retention_hours: Option<String>,
    /// `slices_hll`: keep a HyperLogLog per slice for range estimates.
    pub hll: Option<String>,
    /// `slices_max_future_seconds`: how far ahead of the clock an event may be (< 0: any).
    pub max_future_seconds: Option<String>,
}

impl RawConfig {
    /// The variable names, in the order [`RawConfig::set`] takes them.
    pub const NAMES: [&'static str; 10] = [
        "slices_shards",
        "slices_routing",
        "slices_first_slice",
        "slices_length_seconds",
        "slices_salt",
        "slices_prefix",
        "slices_unique_label",
        "slices_retention_hours",
        "slices_hll",
        "slices_max_future_seconds",
    ];

    /// Sets the variable `name` (one of [`RawConfig::NAMES`]).
    pub fn set(&mut self, name: &str, value: Option<String>) {
        let slot = match name {
            "slices_shards" => &mut self.shards,
            "slices_routing" => &mut self.routing,
            "slices_first_slice" => &mut self.first_slice,
            "slices_length_seconds" => &mut self.length_seconds,
            "slices_salt" => &mut self.salt,
            "slices_prefix" => &mut self.prefix,
            "slices_unique_label" => &mut self.unique_label,
            "slices_retention_hours" => &mut self.retention_hours,
            "slices_hll" => &mut self.hll,
            "slices_max_future_seconds" => &mut self.max_future_seconds,
            _ => return,
        };
        *slot = value;
    }
}

/// The parsed configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The shards, in `slices_shards` order; the first also keeps the placement registry.
    pub shards: Vec<Shard>,
    /// The routing table.
    pub routing: Routing,
    /// Slice start and length.
    pub slicing: Slicing,
    /// Key of the user hash.
    pub salt: Vec<u8>,
    /// Prefix of every Redis key (without the `:` separator).
    pub prefix: String,
    /// Label of the unique-user counter in the text formats.
    pub unique_label: String,
    /// Hours slice data is kept after its slice ends (`None`: forever).
    pub retention_hours: Option<u64>,
    /// Whether a HyperLogLog is kept per slice for range estimates.
    pub hll: bool,
    /// How far in the future an event may be, ms (`None`: unlimited).
    pub max_future_ms: Option<i64>,
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().map(str::trim).unwrap_or("")
}

fn invalid(variable: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        reason: reason.into(),
    }
}

fn parse_first_slice(raw: &str) -> Result<i64, ConfigError> {
    if raw.is_empty() {
        return Ok(0);
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.timestamp_millis())
        .or_else(|_| {
            NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
                .map(|t| t.and_utc().timestamp_millis())
        })
        .map_err(|_| {
            invalid(
                "slices_first_slice",
                format!("{raw:?} is not an RFC 3339 time"),
            )
        })
}

fn parse_number<T: std::str::FromStr>(
    variable: &'static str,
    raw: &str,
    default: T,
) -> Result<T, ConfigError> {
    if raw.is_empty() {
        return Ok(default);
    }
    raw.parse()
        .map_err(|_| invalid(variable, format!("{raw:?} is not a number")))
}

fn parse_bool(variable: &'static str, raw: &str) -> Result<bool, ConfigError> {
    match raw.to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "off" => Ok(false),
        "true" | "1" | "yes" | "on" => Ok(true),
        _ => Err(invalid(variable, format!("{raw:?} is not true or false"))),
    }
}

impl Config {
    /// Parses and checks every variable; defaults fill what is undefined or empty.
    pub fn parse(raw: &RawConfig) -> Result<Config, ConfigError> {
        let shards = parse_shards(text(&raw.shards)).map_err(|e| invalid("slices_shards", e))?;
        let routing = Routing::parse(text(&raw.routing), shards.len())
            .map_err(|e| invalid("slices_routing", e))?;
        let length_seconds: i64 =
            parse_number("slices_length_seconds", text(&raw.length_seconds), 3600)?;
        if length_seconds <= 0 || length_seconds > 366 * 86_400 {
            return Err(invalid(
                "slices_length_seconds",
                "must be between 1 and 31622400",
            ));
        }
        let salt = text(&raw.salt);
        if salt.is_empty() {
            return Err(invalid("slices_salt", "a secret salt is required"));
        }
        let unique_label = match text(&raw.unique_label) {
            "" => "unique_users".to_string(),
            l if l.contains([',', '\n', '\r']) => {
                return Err(invalid(
                    "slices_unique_label",
                    "must not contain a comma or newline",
                ));
            }
            l => l.to_string(),
        };
        let retention: u64 = parse_number("slices_retention_hours", text(&raw.retention_hours), 0)?;
        let max_future: i64 = parse_number(
            "slices_max_future_seconds",
            text(&raw.max_future_seconds),
            3600,
        )?;
        Ok(Config {
            shards,
            routing,
            slicing: Slicing {
                first_ms: parse_first_slice(text(&raw.first_slice))?,
                length_ms: length_seconds * 1000,
            },
            salt: salt.as_bytes().to_vec(),
            prefix: raw.prefix.as_deref().unwrap_or("slices").trim().to_string(),
            unique_label,
            retention_hours: (retention > 0).then_some(retention),
            hll: parse_bool("slices_hll", text(&raw.hll))?,
            max_future_ms: (max_future >= 0).then(|| max_future.saturating_mul(1000)),
        })
    }

    /// The placement the routing table gives `slice`.
    pub fn placement(&self, slice: u64) -> Placement {
        Placement {
            addresses: self
                .routing
                .shards_for(slice, self.shards.len())
                .into_iter()
                .map(|i| self.shards[i].public.clone())
                .collect(),
        }
    }

    /// The configured shard (index and shard) with credential-free address `public`.
    pub fn shard(&self, public: &str) -> Option<(usize, &Shard)> {
        self.shards
            .iter()
            .enumerate()
            .find(|(_, s)| s.public == public)
    }

    /// The shard keeping the placement registry (the first one).
    pub fn home(&self) -> &Shard {
        &self.shards[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(shards: &str) -> RawConfig {
        RawConfig {
            shards: Some(shards.into()),
            salt: Some("s3cret".into()),
            ..Default::default()
        }
    }

    #[test]
    fn defaults() {
        let c = Config::parse(&raw("redis://127.0.0.1:6379")).unwrap();
        assert_eq!(c.shards.len(), 1);
        assert_eq!(
            c.slicing,
            Slicing {
                first_ms: 0,
                length_ms: 3_600_000
            }
        );
        assert_eq!(c.prefix, "slices");
        assert_eq!(c.unique_label, "unique_users");
        assert_eq!(c.retention_hours, None);
        assert!(!c.hll);
        assert_eq!(c.max_future_ms, Some(3_600_000));
        assert_eq!(c.placement(12).addresses, ["redis://127.0.0.1:6379"]);
    }

    #[test]
    fn shard_lists_and_credentials() {
        let c = Config::parse(&raw("redis://a:1/1, redis://:pw@a:1/2 redis://u:p@b:2")).unwrap();
        let public: Vec<_> = c.shards.iter().map(|s| s.public.as_str()).collect();
        assert_eq!(public, ["redis://a:1/1", "redis://a:1/2", "redis://b:2"]);
        assert_eq!(c.shards[1].address, "redis://:pw@a:1/2");
        assert_eq!(c.shard("redis://b:2").map(|(i, _)| i), Some(2));
        let json = Config::parse(&raw(r#"["redis://a:1/1","redis://a:1/2"]"#)).unwrap();
        assert_eq!(json.shards.len(), 2);
        let err = |s| Config::parse(&raw(s)).unwrap_err();
        assert_eq!(err("").variable, "slices_shards");
        assert!(err("redis://a/1,redis://x@a/1").reason.contains("twice"));
        assert!(err("http://a").reason.contains("redis://"));
    }

    #[test]
    fn every_variable_is_checked() {
        let mut r = raw("redis://a/1,redis://a/2");
        r.routing = Some(r#"[{"slice":0,"shards":[0]},{"slice":10,"shards":[1,0]}]"#.into());
        r.first_slice = Some("2017-05-20T00:00:00Z".into());
        r.length_seconds = Some("60".into());
        r.prefix = Some("t1".into());
        r.unique_label = Some("unqiue_users".into());
        r.retention_hours = Some("48".into());
        r.hll = Some("true".into());
        r.max_future_seconds = Some("-1".into());
        let c = Config::parse(&r).unwrap();
        assert_eq!(c.slicing.first_ms, 1_495_238_400_000);
        assert_eq!(c.slicing.length_ms, 60_000);
        assert_eq!(c.placement(9).addresses, ["redis://a/1"]);
        assert_eq!(c.placement(10).addresses, ["redis://a/2", "redis://a/1"]);
        assert_eq!(
            (c.prefix.as_str(), c.unique_label.as_str()),
            ("t1", "unqiue_users")
        );
        assert_eq!(
            (c.retention_hours, c.hll, c.max_future_ms),
            (Some(48), true, None)
        );
        let naive = RawConfig {
            first_slice: Some("2017-05-20T00:00:00".into()),
            ..raw("redis://a")
        };
        assert_eq!(
            Config::parse(&naive).unwrap().slicing.first_ms,
            1_495_238_400_000
        );
        for (name, value) in [
            ("slices_routing", r#"[{"slice":0,"shards":[2]}]"#),
            ("slices_first_slice", "yesterday"),
            ("slices_length_seconds", "0"),
            ("slices_length_seconds", "hour"),
            ("slices_salt", " "),
            ("slices_unique_label", "a,b"),
            ("slices_retention_hours", "-3"),
            ("slices_hll", "maybe"),
            ("slices_max_future_seconds", "soon"),
        ] {
            let mut r = raw("redis://a/1,redis://a/2");
            r.set(name, Some(value.into()));
            assert_eq!(
                Config::parse(&r).unwrap_err().variable,
                name,
                "{name}={value}"
            );
        }
    }
}
