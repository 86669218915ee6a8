//! Runtime settings of the host, shared by `up` and the test harness.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// How the host runs components. Defaults follow Spin 4.
#[derive(Args, Clone, Debug)]
pub struct HostOptions {
    /// Address to serve HTTP on.
    #[arg(long, default_value = "127.0.0.1:3000", env = "TALLY_LISTEN")]
    pub listen: SocketAddr,

    /// Longest a request (or a Redis message, or a cron run) may take before it is cut off.
    #[arg(long, default_value = "30s", value_parser = parse_duration, env = "TALLY_REQUEST_TIMEOUT")]
    pub request_timeout: Duration,

    /// Most linear memory one component instance may use, in MiB.
    #[arg(long, default_value_t = 256, env = "TALLY_MEMORY_LIMIT_MB")]
    pub memory_limit_mb: usize,

    /// Requests one instance serves before it is retired (1 = a fresh instance per request).
    #[arg(long, default_value_t = 128, env = "TALLY_MAX_INSTANCE_REUSE_COUNT")]
    pub max_instance_reuse_count: usize,

    /// Requests one instance serves at the same time.
    #[arg(
        long,
        default_value_t = 16,
        env = "TALLY_MAX_INSTANCE_CONCURRENT_REUSE_COUNT"
    )]
    pub max_instance_concurrent_reuse_count: usize,

    /// How long an idle instance is kept for reuse.
    #[arg(long, default_value = "1s", value_parser = parse_duration, env = "TALLY_IDLE_INSTANCE_TIMEOUT")]
    pub idle_instance_timeout: Duration,

    /// Where precompiled components are cached (default: `$XDG_CACHE_HOME/tally` or `~/.cache/tally`).
    #[arg(long, env = "TALLY_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Do not read or write the precompiled-component cache.
    #[arg(long)]
    pub no_cache: bool,

    /// Use on-demand instance allocation instead of the pooling allocator (for hosts with
    /// little virtual memory, such as Lambda).
    #[arg(long, env = "TALLY_NO_POOLING")]
    pub no_pooling: bool,

    /// Most component instances alive at once (pooling allocator slots).
    #[arg(long, default_value_t = 256, env = "TALLY_MAX_INSTANCES")]
    pub max_instances: u32,

    /// Most Postgres connections per address.
    #[arg(long, default_value_t = 32, env = "TALLY_PG_POOL_SIZE")]
    pub pg_pool_size: usize,
}

impl HostOptions {
    /// The cache directory to use, if caching is on.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        if let Some(dir) = &self.cache_dir {
            return Some(dir.clone());
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("tally"))
    }
}

/// Parses `250ms`, `30s`, `5m` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(text.len()),
    );
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {text:?}: expected e.g. 500ms, 30s, 2m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("invalid duration unit in {text:?}: use ms, s or m")),
    };
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert!(parse_duration("1h").is_err());
        assert!(parse_duration("x").is_err());
    }
}
