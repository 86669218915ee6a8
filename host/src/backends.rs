//! Connection pools shared by every component of the application.
//!
//! One Redis connection manager per address (multiplexed: concurrent guest calls are
//! pipelined over one socket, and it reconnects by itself after an outage) and one
//! Postgres pool per connection string.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// Sizes and timeouts of the backend pools.
#[derive(Clone, Debug)]
pub struct BackendOptions {
    /// Most Postgres connections kept per address.
    pub pg_pool_size: usize,
    /// How long to wait for a Redis or Postgres connection before giving up.
    pub connect_timeout: Duration,
}

impl Default for BackendOptions {
    fn default() -> Self {
        Self {
            pg_pool_size: 32,
            connect_timeout: Duration::from_secs(3),
        }
    }
}

/// Why a backend connection could not be had.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The address could not be parsed.
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    /// The backend did not answer.
    #[error("connection failed: {0}")]
    Connect(String),
}

/// The application's Redis and Postgres pools, keyed by address.
#[derive(Default)]
pub struct Backends {
    options: BackendOptions,
    redis: Mutex<HashMap<String, ConnectionManager>>,
    postgres: Mutex<HashMap<String, Pool>>,
}

impl Backends {
    /// Empty pools with the given options; connections are made on first use.
    pub fn new(options: BackendOptions) -> Self {
        Self {
            options,
            ..Default::default()
        }
    }

    /// A multiplexed, self-reconnecting Redis connection to `address`.
    pub async fn redis(&self, address: &str) -> Result<ConnectionManager, BackendError> {
        if let Some(conn) = self.redis.lock().unwrap().get(address) {
            return Ok(conn.clone());
        }
        // Connect without holding the map's lock, so an unreachable address never
        // delays callers of other addresses; a racing first connect keeps the winner's.
        let client = redis::Client::open(address)
            .map_err(|e| BackendError::InvalidAddress(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.options.connect_timeout))
            .set_number_of_retries(1);
        let conn = tokio::time::timeout(
            self.options.connect_timeout,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| BackendError::Connect(format!("timed out connecting to {address}")))?
        .map_err(|e| BackendError::Connect(e.to_string()))?;
        let mut map = self.redis.lock().unwrap();
        Ok(map.entry(address.to_string()).or_insert(conn).clone())
    }

    /// The Postgres pool for `address` (a URL or a `key=value` connection string).
    pub fn postgres(&self, address: &str) -> Result<Pool, BackendError> {
        let mut map = self.postgres.lock().unwrap();
        if let Some(pool) = map.get(address) {
            return Ok(pool.clone());
        }
        let mut config = tokio_postgres::Config::from_str(address)
            .map_err(|e| BackendError::InvalidAddress(e.to_string()))?;
        config.connect_timeout(self.options.connect_timeout);
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(self.options.pg_pool_size)
            .wait_timeout(Some(self.options.connect_timeout))
            .create_timeout(Some(self.options.connect_timeout))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| BackendError::InvalidAddress(e.to_string()))?;
        map.insert(address.to_string(), pool.clone());
        Ok(pool)
    }
}
