//! Configuration from Spin variables (every one optional, with defaults that work against
//! a local Redis).

use crate::cluster::{Cluster, Layout};
use crate::farm::{Farm, Strategy};
use crate::quorum::Quorum;

/// Roshi's default side size.
pub const DEFAULT_MAX_SIZE: u64 = 10_000;
/// Keys the repair walk looks at per run, by default.
pub const DEFAULT_REPAIR_KEYS: usize = 1_000;

/// Everything the component reads from variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The clusters, layout, quorum and read strategy.
    pub farm: Farm,
    /// The token the `POST /streams/repair` route requires (empty: route disabled).
    pub repair_token: String,
    /// Keys the repair walk looks at per run (its rate limit).
    pub repair_keys: usize,
    /// Whether operation latencies are recorded (`streams_metrics`, default on).
    pub metrics: bool,
}

/// The raw variable values (`None`: not set).
#[derive(Debug, Clone, Default)]
pub struct Raw {
    /// `redis_url`: the single cluster when no farm is configured.
    pub redis_url: Option<String>,
    /// `streams_prefix`.
    pub prefix: Option<String>,
    /// `streams_farm`: clusters separated by `;`, instances by `,`.
    pub farm: Option<String>,
    /// `streams_max_size`.
    pub max_size: Option<String>,
    /// `streams_write_quorum`: a count or a percentage.
    pub quorum: Option<String>,
    /// `streams_read_strategy`.
    pub strategy: Option<String>,
    /// `streams_repair_token`.
    pub repair_token: Option<String>,
    /// `streams_repair_keys`.
    pub repair_keys: Option<String>,
    /// `streams_metrics`: `true` (default) or `false`.
    pub metrics: Option<String>,
}

/// Reads the variables (concurrently); unset ones are `None`.
pub async fn read() -> Raw {
    use spin_sdk::variables::get;
    let (redis_url, prefix, farm, max_size, quorum, strategy, repair_token, repair_keys, metrics) = futures::join!(
        get("redis_url"),
        get("streams_prefix"),
        get("streams_farm"),
        get("streams_max_size"),
        get("streams_write_quorum"),
        get("streams_read_strategy"),
        get("streams_repair_token"),
        get("streams_repair_keys"),
        get("streams_metrics"),
    );
    let set = |r: Result<String, _>| r.ok().filter(|v: &String| !v.trim().is_empty());
    Raw {
        redis_url: set(redis_url),
        prefix: prefix.ok(),
        farm: set(farm),
        max_size: set(max_size),
        quorum: set(quorum),
        strategy: set(strategy),
        repair_token: set(repair_token),
        repair_keys: set(repair_keys),
        metrics: set(metrics),
    }
}

/// Parses a farm: clusters separated by `;`, instances by `,`, blanks ignored.
pub fn parse_farm(text: &str) -> Result<Vec<Cluster>, String> {
    let clusters: Vec<Cluster> = text
        .split(';')
        .map(|c| Cluster {
            urls: c
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_string)
                .collect(),
        })
        .filter(|c| !c.urls.is_empty())
        .collect();
    if clusters.is_empty() {
        return Err(format!("streams_farm {text:?} names no Redis instance"));
    }
    Ok(clusters)
}

impl Config {
    /// Validates the raw values; the error names the bad variable.
    pub fn from_raw(raw: Raw) -> Result<Config, String> {
        let clusters = match (&raw.farm, &raw.redis_url) {
            (Some(farm), _) => parse_farm(farm)?,
            (None, Some(url)) => vec![Cluster {
                urls: vec![url.trim().to_string()],
            }],
            (None, None) => vec![Cluster {
                urls: vec!["redis://127.0.0.1:6379".to_string()],
            }],
        };
        let max_size = match &raw.max_size {
            None => DEFAULT_MAX_SIZE,
            Some(v) => v
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("streams_max_size {v:?} is not a positive integer"))?,
        };
        let quorum: Quorum = match &raw.quorum {
            None => Quorum::default(),
            Some(v) => v
                .parse()
                .map_err(|e| format!("streams_write_quorum: {e}"))?,
        };
        quorum
            .required(clusters.len())
            .map_err(|e| format!("streams_write_quorum: {e}"))?;
        let strategy: Strategy = raw
            .strategy
            .as_deref()
            .unwrap_or("")
            .parse()
            .map_err(|e| format!("streams_read_strategy: {e}"))?;
        let repair_keys =
            match &raw.repair_keys {
                None => DEFAULT_REPAIR_KEYS,
                Some(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("streams_repair_keys {v:?} is not a positive integer")
                })?,
            };
        let metrics = match raw.metrics.as_deref().map(str::trim) {
            None | Some("true" | "1" | "on") => true,
            Some("false" | "0" | "off") => false,
            Some(v) => return Err(format!("streams_metrics {v:?} is neither true nor false")),
        };
        Ok(Config {
            farm: Farm {
                clusters,
                layout: Layout {
                    prefix: raw.prefix.unwrap_or_default().into_bytes(),
                    max_size,
                },
                quorum,
                strategy,
            },
            repair_token: raw.repair_token.unwrap_or_default(),
            repair_keys,
            metrics,
        })
    }

    /// Reads and validates the variables.
    pub async fn load() -> Result<Config, String> {
        Config::from_raw(read().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_against_a_local_redis() {
        let c = Config::from_raw(Raw::default()).unwrap();
        assert_eq!(
            c.farm.clusters,
            [Cluster {
                urls: vec!["redis://127.0.0.1:6379".into()]
            }]
        );
        assert_eq!(
            c.farm.layout,
            Layout {
                prefix: vec![],
                max_size: 10_000
            }
        );
        assert_eq!(c.farm.quorum, Quorum::Percent(51));
        assert_eq!(c.farm.strategy, Strategy::SendAllReadAll);
        assert_eq!(c.repair_token, "");
    }

    #[test]
    fn farms_parse() {
        let farm = parse_farm("redis://a:6379, redis://b:6379 ;redis://c:6379;").unwrap();
        assert_eq!(farm.len(), 2);
        assert_eq!(farm[0].urls, ["redis://a:6379", "redis://b:6379"]);
        assert_eq!(farm[1].urls, ["redis://c:6379"]);
        assert!(parse_farm(" ; , ").is_err());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let bad = |raw: Raw, name: &str| {
            let e = Config::from_raw(raw).unwrap_err();
            assert!(e.contains(name), "{e}");
        };
        bad(
            Raw {
                max_size: Some("0".into()),
                ..Raw::default()
            },
            "streams_max_size",
        );
        bad(
            Raw {
                quorum: Some("2".into()),
                ..Raw::default()
            },
            "streams_write_quorum",
        );
        bad(
            Raw {
                strategy: Some("read-some".into()),
                ..Raw::default()
            },
            "streams_read_strategy",
        );
        bad(
            Raw {
                repair_keys: Some("x".into()),
                ..Raw::default()
            },
            "streams_repair_keys",
        );
        let ok = Raw {
            farm: Some("redis://a;redis://b".into()),
            quorum: Some("2".into()),
            ..Raw::default()
        };
        assert_eq!(Config::from_raw(ok).unwrap().farm.clusters.len(), 2);
    }
}
