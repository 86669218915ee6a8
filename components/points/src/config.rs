//! The component's settings, from Spin variables (read once per instance).

use std::sync::OnceLock;

use spin_sdk::variables;
use tally_common::problem::Problem;

use crate::scripts::Layout;

/// Everything the component is configured with.
#[derive(Debug, Clone)]
pub struct Config {
    /// `redis_url`: where the buckets live.
    pub redis_url: String,
    /// `key_prefix`, `expire_seconds`, `count_expire_seconds`, `leaderboards`.
    pub layout: Layout,
}

/// 90 days, the original's default.
pub const DEFAULT_EXPIRE: i64 = 90 * 86_400;
/// 30 days.
pub const DEFAULT_COUNT_EXPIRE: i64 = 30 * 86_400;

/// The configuration, read from the variables on first use.
pub async fn get() -> Result<&'static Config, Problem> {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    if let Some(c) = CONFIG.get() {
        return Ok(c);
    }
    let config = Config {
        redis_url: variables::get("redis_url").await?,
        layout: Layout {
            prefix: optional("key_prefix").await?.unwrap_or_default(),
            expire_seconds: number("expire_seconds", DEFAULT_EXPIRE).await?,
            count_expire_seconds: number("count_expire_seconds", DEFAULT_COUNT_EXPIRE).await?,
            leaderboards: optional("leaderboards").await?.as_deref() != Some("false"),
        },
    };
    Ok(CONFIG.get_or_init(|| config))
}

/// A variable that may be left undeclared.
async fn optional(name: &str) -> Result<Option<String>, Problem> {
    match variables::get(name).await {
        Ok(v) => Ok(Some(v)),
        Err(variables::Error::Undefined(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn number(name: &str, default: i64) -> Result<i64, Problem> {
    match optional(name).await? {
        None => Ok(default),
        Some(v) if v.trim().is_empty() => Ok(default),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Problem::new(
                spin_sdk::http::StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "configuration error: variable `{name}` must be a positive integer, got {v:?}"
                ),
            )),
        },
    }
}
