//! End-to-end tests of `ingest`: the component driven through `tally up` against the
//! real Postgres and Redis, each test in its own schema and key prefix.

mod archive;
mod bad_input;
mod counters;
mod impressions;
mod partitions;
mod reports;
mod rollups;
mod security;
mod wit;

use serde_json::{Value, json};
use tally_tests::apps::copy_migrations;
use tally_tests::{Backends, Host, ManifestBuilder};

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

pub use tally_tests::apps::ingest::{TOKEN, manifest, variables};

/// A running ingest app on its own schema and prefix.
pub struct App {
    /// The test's Redis prefix and Postgres schema.
    pub backends: Backends,
    /// The host.
    pub host: Host,
    _dir: tempfile::TempDir,
}

impl App {
    /// Starts the app for `test` in `mode` with variable `overrides`.
    pub fn start(test: &str, mode: &[&str], overrides: &[(&str, &str)]) -> App {
        App::start_with(test, mode, overrides, &[], |b| b)
    }

    /// Like [`App::start`], with more outbound hosts and triggers.
    pub fn start_with(
        test: &str,
        mode: &[&str],
        overrides: &[(&str, &str)],
        allowed: &[&str],
        extra: impl FnOnce(ManifestBuilder) -> ManifestBuilder,
    ) -> App {
        let backends = Backends::new(test);
        let dir = tempfile::tempdir().unwrap();
        copy_migrations("ingest", dir.path());
        let path = manifest(&backends, overrides, allowed, extra).write(dir.path());
        let host = Host::start(&path, &[], mode);
        App {
            backends,
            host,
            _dir: dir,
        }
    }

    /// `method path` with `headers` and an optional body of `content_type`.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> Reply {
        call(&format!("{}{path}", self.host.url), method, headers, body)
    }

    /// `POST /impressions` with a JSON body.
    pub fn ingest(&self, events: &Value) -> Reply {
        self.call(
            "POST",
            "/impressions",
            &[],
            Some(("application/json", events.to_string())),
        )
    }

    /// `method path` with the admin token; asserts 200 and returns the JSON.
    pub fn admin(&self, method: &str, path: &str) -> Value {
        let bearer = format!("Bearer {TOKEN}");
        let reply = self.call(method, path, &[("authorization", &bearer)], None);
        assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
        reply.json()
    }

    /// `GET path`; asserts 200 and returns the JSON.
    pub fn get_json(&self, path: &str) -> Value {
        let reply = self.call("GET", path, &[], None);
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        reply.json()
    }

    /// A Postgres client on the test's schema.
    pub fn pg(&self) -> postgres::Client {
        self.backends.postgres()
    }

    /// A Redis connection.
    pub fn redis(&self) -> redis::Connection {
        self.backends.redis()
    }
}

/// Runs `check` against a fresh app in each instance mode.
pub fn in_each_mode(test: &str, overrides: &[(&str, &str)], check: impl Fn(&App)) {
    for mode in MODES {
        let app = App::start(test, mode, overrides);
        check(&app);
    }
}

pub use tally_tests::http::Reply;

/// Any method, headers and body.
pub fn call(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, String)>,
) -> Reply {
    tally_tests::http::request(
        method,
        url,
        headers,
        body.as_ref().map(|(ct, b)| (*ct, b.as_str())),
    )
}

/// An event viewed at `at` (RFC 3339) of `post` by `author`, with optional parts.
pub fn event(
    at: &str,
    post: &str,
    author: &str,
    viewer: Option<&str>,
    kind: Option<&str>,
    stream: Option<&str>,
    invite: Option<&str>,
) -> Value {
    let mut e = json!({"post": {"id": post}, "author": {"id": author}, "viewed_at": epoch(at)});
    if let Some(v) = viewer {
        e["viewer"] = json!({"id": v});
    }
    if let Some(k) = kind {
        e["stream_kind"] = json!(k);
    }
    if let Some(s) = stream {
        e["stream_id"] = json!(s);
    }
    if let Some(i) = invite {
        e["post"]["artist_invite_id"] = json!(i);
    }
    e
}

/// Rows of `sql` as text columns (NULL as `-`).
pub fn rows(pg: &mut postgres::Client, sql: &str) -> Vec<Vec<String>> {
    pg.query(sql, &[])
        .unwrap()
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.get::<_, Option<String>>(i).unwrap_or_else(|| "-".into()))
                .collect()
        })
        .collect()
}

/// The test's integer result of `sql`.
pub fn count(pg: &mut postgres::Client, sql: &str) -> i64 {
    pg.query_one(sql, &[]).unwrap().get(0)
}

/// Epoch seconds of `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
pub fn epoch(at: &str) -> f64 {
    let at = at.trim_end_matches('Z');
    let (date, time) = at.split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let t: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if d[1] <= 2 {
        (d[0] - 1, d[1] + 9)
    } else {
        (d[0], d[1] - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d[2] - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + t[0] * 3600 + t[1] * 60 + t.get(2).copied().unwrap_or(0);
    let micros: i64 = format!("{frac:0<6}")[..6].parse().unwrap();
    secs as f64 + micros as f64 / 1e6
}
