//! End-to-end tests of `etl`: the component driven through `tally up` against the real
//! Postgres (a schema of each test's own) and a real loopback S3-style object server.

mod bad_input;
mod batches;
mod bulk;
mod dashboard;
mod events;

use serde_json::Value;
use tally_tests::http::{Reply, request};
use tally_tests::s3::S3Server;
use tally_tests::{Backends, Host, workspace_root};

/// The seed's sample file (27 rows, ads 100/101/102 on 2019-01-03/04).
pub fn sample() -> String {
    testdata("ad-events-sample.tsv")
}

/// `components/etl/testdata/<name>`.
pub fn testdata(name: &str) -> String {
    std::fs::read_to_string(workspace_root().join("components/etl/testdata").join(name))
        .expect("test data")
}

/// A running etl app on its own schema, with an object server.
pub struct App {
    /// The test's Postgres schema.
    pub backends: Backends,
    /// The object server the component fetches from.
    pub s3: S3Server,
    /// The host.
    pub host: Host,
    _dir: tempfile::TempDir,
}

impl App {
    /// Starts the app for `test` with the default settings.
    pub fn start(test: &str) -> App {
        App::start_with(test, &[], &[])
    }

    /// Starts the app with variable `overrides` and host `args`.
    pub fn start_with(test: &str, overrides: &[(&str, &str)], args: &[&str]) -> App {
        let backends = Backends::new(test);
        let s3 = S3Server::start();
        let dir = tempfile::tempdir().unwrap();
        tally_tests::apps::copy_migrations("etl", dir.path());
        let s3_host = format!("http://{}", s3.host());
        let hosts = ["postgres://127.0.0.1:5432", s3_host.as_str()];
        let manifest =
            tally_tests::apps::etl::manifest_with(&backends, s3.url(), &hosts, overrides);
        let path = manifest.write(dir.path());
        let host = Host::start(&path, &[], args);
        App {
            backends,
            s3,
            host,
            _dir: dir,
        }
    }

    /// `method path` with an optional body of `content_type`.
    pub fn call(&self, method: &str, path: &str, body: Option<(&str, &str)>) -> Reply {
        request(method, &format!("{}{path}", self.host.url), &[], body)
    }

    /// `POST /etl/batches?name=<name>` with `tsv`.
    pub fn batch(&self, name: &str, tsv: &str) -> Reply {
        self.call(
            "POST",
            &format!("/etl/batches?name={name}"),
            Some(("text/tab-separated-values", tsv)),
        )
    }

    /// `POST /etl/retry/<id>` with the admin token.
    pub fn retry(&self, id: i64) -> Reply {
        let bearer = format!("Bearer {}", tally_tests::apps::etl::TOKEN);
        request(
            "POST",
            &format!("{}/etl/retry/{id}", self.host.url),
            &[("authorization", &bearer)],
            None,
        )
    }

    /// `POST /etl/events` with `event`.
    pub fn event(&self, event: &Value) -> Reply {
        self.call(
            "POST",
            "/etl/events",
            Some(("application/json", &event.to_string())),
        )
    }

    /// `GET path`, asserting 200; the JSON.
    pub fn get_json(&self, path: &str) -> Value {
        let reply = self.call("GET", path, None);
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        reply.json()
    }

    /// One integer from `sql` in the test's schema.
    pub fn count(&self, sql: &str) -> i64 {
        self.backends.postgres().query_one(sql, &[]).unwrap().get(0)
    }

    /// Rows of the fact tables and the metrics: (impressions, clicks, sessions, users,
    /// ad_metrics).
    pub fn table_counts(&self) -> [i64; 5] {
        [
            "ad_impressions",
            "ad_clicks",
            "ad_sessions",
            "users",
            "ad_metrics",
        ]
        .map(|t| self.count(&format!("SELECT count(*) FROM {t}")))
    }

    /// `(hour "YYYY-MM-DDTHH", impressions, clicks, sessions, users)` of `ad` from
    /// `ad_metrics`, by hour.
    pub fn metrics(&self, ad: i64) -> Vec<(String, i64, i64, i64, i64)> {
        let sql = "SELECT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24'), total_impressions, \
                   total_clicks, total_sessions, total_users FROM ad_metrics WHERE ad_id = $1 ORDER BY hour";
        self.backends
            .postgres()
            .query(sql, &[&ad])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect()
    }
}

/// `(time, impressions, clicks, sessions, users)` of a series response.
pub fn points(series: &Value) -> Vec<(String, i64, i64, i64, i64)> {
    series["series"]
        .as_array()
        .expect("a series")
        .iter()
        .map(|p| {
            let n = |k: &str| p[k].as_i64().unwrap();
            (
                p["time"].as_str().unwrap().to_string(),
                n("impressions"),
                n("clicks"),
                n("sessions"),
                n("users"),
            )
        })
        .collect()
}
