//! Configuration from Spin variables, read once per instance.

use std::cell::RefCell;
use std::rc::Rc;

use spin_sdk::http::StatusCode;
use tally_common::problem::Problem;

/// Every variable the component reads.
pub const VARIABLES: [&str; 12] = [
    "redis_url",
    "postgres_url",
    "ingest_prefix",
    "ingest_admin_token",
    "basic_auth_user",
    "basic_auth_password",
    "ingest_retention_days",
    "ingest_partitions_ahead",
    "ingest_archive_url",
    "ingest_archive_bucket",
    "ingest_archive_prefix",
    "ingest_max_future_seconds",
];

/// The component's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Redis address of the counters.
    pub redis_url: String,
    /// Postgres address of the warehouse (its `search_path` picks the schema).
    pub postgres_url: String,
    /// Prepended to every Redis key (empty: the original's `post:<id>:view_counter`).
    pub prefix: String,
    /// Bearer token of the job and admin routes; empty disables them.
    pub admin_token: String,
    /// Basic-auth credentials of the Grandstand routes, when both are set.
    pub basic_auth: Option<(String, String)>,
    /// Partitions older than this many days are archived and dropped.
    pub retention_days: i64,
    /// Day partitions created ahead of today.
    pub partitions_ahead: i64,
    /// Archive base URL (`http://host:port`, S3-compatible path style); empty: no archiving.
    pub archive_url: String,
    /// Archive bucket.
    pub archive_bucket: String,
    /// Archive key prefix (`impressions/`).
    pub archive_prefix: String,
    /// How far in the future `viewed_at` may be (clock skew), in seconds.
    pub max_future_seconds: i64,
}

impl Config {
    /// Builds the settings from variable values (`lookup(name)`; missing = empty).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let text = |name: &str| lookup(name).unwrap_or_default().trim().to_string();
        let number = |name: &str, default: i64, min: i64| -> Result<i64, String> {
            let v = text(name);
            if v.is_empty() {
                return Ok(default);
            }
            match v.parse::<i64>() {
                Ok(n) if n >= min => Ok(n),
                _ => Err(format!(
                    "variable `{name}` must be an integer >= {min}, not {v:?}"
                )),
            }
        };
        let (user, password) = (text("basic_auth_user"), text("basic_auth_password"));
        let bucket = text("ingest_archive_bucket");
        Ok(Config {
            redis_url: text("redis_url"),
            postgres_url: text("postgres_url"),
            prefix: lookup("ingest_prefix").unwrap_or_default(),
            admin_token: text("ingest_admin_token"),
            basic_auth: (!user.is_empty() && !password.is_empty()).then_some((user, password)),
            retention_days: number("ingest_retention_days", 180, 1)?,
            partitions_ahead: number("ingest_partitions_ahead", 4, 0)?,
            archive_url: text("ingest_archive_url").trim_end_matches('/').to_string(),
            archive_bucket: if bucket.is_empty() {
                "tally-archive".into()
            } else {
                bucket
            },
            archive_prefix: text("ingest_archive_prefix"),
            max_future_seconds: number("ingest_max_future_seconds", 86_400, 0)?,
        })
    }
}

thread_local! {
    static CONFIG: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

/// The settings of this instance (read from the variables on first use).
pub async fn get() -> Result<Rc<Config>, Problem> {
    if let Some(c) = CONFIG.with(|c| c.borrow().clone()) {
        return Ok(c);
    }
    let mut values = Vec::with_capacity(VARIABLES.len());
    for name in VARIABLES {
        values.push((name, spin_sdk::variables::get(name).await.ok()));
    }
    let config = Config::from_lookup(|name| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.clone())
    })
    .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    if config.postgres_url.is_empty() || config.redis_url.is_empty() {
        return Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "variables `postgres_url` and `redis_url` must be set",
        ));
    }
    let config = Rc::new(config);
    CONFIG.with(|c| *c.borrow_mut() = Some(config.clone()));
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::from_lookup(|n| (n == "redis_url").then(|| "redis://x".into())).unwrap();
        assert_eq!(c.retention_days, 180);
        assert_eq!(c.partitions_ahead, 4);
        assert_eq!(c.prefix, "");
        assert_eq!(c.basic_auth, None);
        assert_eq!(c.archive_bucket, "tally-archive");
        let c = Config::from_lookup(|n| match n {
            "ingest_retention_days" => Some("30".into()),
            "basic_auth_user" => Some("u".into()),
            "basic_auth_password" => Some("p".into()),
            "ingest_archive_url" => Some("http://a:1/".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.retention_days, 30);
        assert_eq!(c.basic_auth, Some(("u".into(), "p".into())));
        assert_eq!(c.archive_url, "http://a:1");
    }

    #[test]
    fn bad_numbers_name_the_variable() {
        let e = Config::from_lookup(|n| (n == "ingest_retention_days").then(|| "0".into()))
            .unwrap_err();
        assert!(e.contains("ingest_retention_days"));
    }
}
