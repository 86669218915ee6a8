//! Per-test isolation on the shared Postgres and Redis: a key prefix and a schema of
//! the test's own, removed when the test ends.

use std::sync::atomic::{AtomicU32, Ordering};

use redis::TypedCommands;

/// Where the local services are; override with `TALLY_TEST_REDIS` / `TALLY_TEST_POSTGRES`.
pub fn redis_url() -> String {
    std::env::var("TALLY_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string())
}

/// The Postgres the tests use (a database that exists; each test adds its own schema).
pub fn postgres_base_url() -> String {
    std::env::var("TALLY_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://tally:tally@127.0.0.1:5432/tally".to_string())
}

/// A test's own slice of Redis and Postgres.
pub struct Backends {
    /// Prefix for every Redis key and channel of the test.
    pub prefix: String,
    /// The test's Postgres schema.
    pub schema: String,
    /// The Redis URL.
    pub redis_url: String,
    /// A Postgres URL whose `search_path` is the test's schema.
    pub postgres_url: String,
    /// The database's URL without the schema setting.
    base_url: String,
}

impl Backends {
    /// A fresh prefix and schema named after `test` and this process, on the shared
    /// local servers.
    pub fn new(test: &str) -> Backends {
        Backends::on(test, &redis_url(), &postgres_base_url())
    }

    /// Like [`Backends::new`], on the servers at `redis` and `postgres` (e.g. a test's
    /// own [`crate::servers`]).
    pub fn on(test: &str, redis: &str, postgres: &str) -> Backends {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let id = format!(
            "t{}_{}_{}",
            std::process::id(),
            n,
            test.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        )
        .to_lowercase();
        let sep = if postgres.contains('?') { '&' } else { '?' };
        let backends = Backends {
            prefix: id.clone(),
            schema: id.clone(),
            redis_url: redis.to_string(),
            postgres_url: format!("{postgres}{sep}options=-csearch_path%3D{id}"),
            base_url: postgres.to_string(),
        };
        backends.sql(&format!(
            "DROP SCHEMA IF EXISTS {id} CASCADE; CREATE SCHEMA {id}"
        ));
        backends
    }

    /// A connection to the test's schema.
    pub fn postgres(&self) -> postgres::Client {
        postgres::Client::connect(&self.postgres_url, postgres::NoTls)
            .expect("Postgres is reachable")
    }

    /// Runs SQL (several statements allowed) in the test's database.
    pub fn sql(&self, sql: &str) {
        let mut client = postgres::Client::connect(&self.base_url, postgres::NoTls)
            .expect("Postgres is reachable");
        client.batch_execute(sql).expect("SQL runs");
    }

    /// A Redis connection.
    pub fn redis(&self) -> redis::Connection {
        redis::Client::open(self.redis_url.as_str())
            .and_then(|c| c.get_connection())
            .expect("Redis is reachable")
    }

    /// The test's key `name` (`<prefix>:<name>`).
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }
}

impl Drop for Backends {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base_url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
        if let Ok(mut conn) =
            redis::Client::open(self.redis_url.as_str()).and_then(|c| c.get_connection())
        {
            let keys: Vec<String> = match conn.scan_match::<_, String>(format!("{}:*", self.prefix))
            {
                Ok(iter) => iter.filter_map(Result::ok).collect(),
                Err(_) => Vec::new(),
            };
            if !keys.is_empty() {
                let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query(&mut conn);
            }
        }
    }
}
