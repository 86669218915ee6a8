//! End-to-end tests of the `slices` component: built for wasm32-wasip2, served by the real
//! host, counting into the real Redis over several logical shards (Redis databases of the
//! local server), each test under its own key prefix.

mod bad_input;
mod basics;
mod concurrency;
mod params;
mod privacy;
mod routing;
mod time;
mod typed;

use std::path::PathBuf;

use tally_tests::{Backends, Host, ManifestBuilder, component_wasm};

/// Instance reuse as Spin 4 does it, and a fresh instance for every request.
pub const MODES: [&[&str]; 2] = [
    &[],
    &[
        "--max-instance-reuse-count",
        "1",
        "--max-instance-concurrent-reuse-count",
        "1",
    ],
];

/// Start of slice 0 in the tests: 2024-01-01T00:00:00Z.
pub const T0: i64 = 1_704_067_200;

/// The component's `.wasm`.
pub fn wasm() -> PathBuf {
    component_wasm("tally-slices")
}

/// A test's shards: logical Redis databases of the local server, keys under the test's
/// prefix, removed from every database when dropped.
pub struct Shards {
    /// The test's backends (prefix; database 0 is cleaned by it).
    pub backends: Backends,
    /// Database numbers of the shards, in `slices_shards` order.
    pub dbs: Vec<u8>,
}

impl Shards {
    /// Shards on databases `dbs` for test `name`.
    pub fn new(name: &str, dbs: &[u8]) -> Shards {
        Shards {
            backends: Backends::new(name),
            dbs: dbs.to_vec(),
        }
    }

    /// The address of database `db`.
    pub fn url(&self, db: u8) -> String {
        format!("{}/{db}", self.backends.redis_url.trim_end_matches('/'))
    }

    /// The `slices_shards` value.
    pub fn list(&self) -> String {
        let urls: Vec<String> = self.dbs.iter().map(|&db| self.url(db)).collect();
        urls.join(",")
    }

    /// A native connection to database `db`.
    pub fn redis(&self, db: u8) -> redis::Connection {
        redis::Client::open(self.url(db).as_str())
            .and_then(|c| c.get_connection())
            .expect("Redis is reachable")
    }

    /// Every key of database `db` matching `pattern`.
    pub fn keys(&self, db: u8, pattern: &str) -> Vec<Vec<u8>> {
        let mut conn = self.redis(db);
        let mut cursor = 0u64;
        let mut keys = Vec::new();
        loop {
            let (next, batch): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(1000)
                .query(&mut conn)
                .expect("SCAN works");
            keys.extend(batch);
            if next == 0 {
                return keys;
            }
            cursor = next;
        }
    }

    /// The test's keys (`<prefix>:*`) in database `db`.
    pub fn own_keys(&self, db: u8) -> Vec<Vec<u8>> {
        self.keys(db, &format!("{}:*", self.backends.prefix))
    }

    /// The manifest serving the component on `/analytics/...` with these shards and `vars`
    /// (which override the defaults given here).
    pub fn app(&self, vars: &[(&str, &str)]) -> ManifestBuilder {
        let shards = self.list();
        let mut all: Vec<(&str, &str)> = vec![
            ("slices_shards", shards.as_str()),
            ("slices_prefix", self.backends.prefix.as_str()),
            ("slices_salt", "test-salt"),
            ("slices_first_slice", "2024-01-01T00:00:00Z"),
        ];
        for (k, v) in vars {
            all.retain(|(name, _)| name != k);
            all.push((k, v));
        }
        ManifestBuilder::new()
            .http("/analytics/...", "slices")
            .component(
                "slices",
                &wasm(),
                &["redis://127.0.0.1:6379", "redis://127.0.0.1:1"],
                &all,
            )
    }

    /// Starts the host with [`Shards::app`] and `args`.
    pub fn start(&self, dir: &std::path::Path, vars: &[(&str, &str)], args: &[&str]) -> Host {
        let manifest = self.app(vars).write(dir);
        Host::start(&manifest, &[], args)
    }
}

impl Drop for Shards {
    fn drop(&mut self) {
        for &db in &self.dbs {
            let keys = self.own_keys(db);
            if !keys.is_empty() {
                let _: redis::RedisResult<()> =
                    redis::cmd("DEL").arg(keys).query(&mut self.redis(db));
            }
        }
    }
}

/// Runs `check` against a fresh app (own prefix, shards on `dbs`) in each instance mode.
pub fn in_each_mode(name: &str, dbs: &[u8], vars: &[(&str, &str)], check: impl Fn(&Host, &Shards)) {
    for mode in MODES {
        let shards = Shards::new(name, dbs);
        let dir = tempfile::tempdir().unwrap();
        let host = shards.start(dir.path(), vars, mode);
        check(&host, &shards);
    }
}

/// `POST /analytics?<query>`, asserting 202 and an empty body.
pub fn event(host: &Host, query: &str) {
    let reply = host.post(&format!("/analytics?{query}"), "text/plain", "");
    assert_eq!(reply.status, 202, "POST {query}: {}", reply.body);
    assert_eq!(reply.body, "", "POST {query}");
}

/// `GET /analytics?timestamp=<ts>&format=json`, parsed, asserting 200.
pub fn summary(host: &Host, ts: i64) -> serde_json::Value {
    let reply = host.get(&format!("/analytics?timestamp={ts}&format=json"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    serde_json::from_str(&reply.body).expect("JSON body")
}

/// `(unique_users, clicks, impressions)` of a JSON summary.
pub fn triple(v: &serde_json::Value) -> (u64, u64, u64) {
    (
        v["unique_users"].as_u64().expect("unique_users"),
        v["clicks"].as_u64().expect("clicks"),
        v["impressions"].as_u64().expect("impressions"),
    )
}

/// The `text/plain` body the original answers.
pub fn text(unique: u64, clicks: u64, impressions: u64) -> String {
    format!("unique_users,{unique}\nclicks,{clicks}\nimpressions,{impressions}\n")
}
