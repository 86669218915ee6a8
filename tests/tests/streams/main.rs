//! End-to-end tests of the `streams` component through the real host against the real
//! Redis: the Ello Streams API, the Roshi API, farm replication and the typed interface.

mod bad_input;
mod ello;
mod farm;
mod pages;
mod roshi;
mod security;
mod wit;

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

/// A Redis address nothing listens on (allowed, so the failure is the connection's).
pub const DOWN: &str = "redis://127.0.0.1:1";

/// The streams component's `.wasm`.
pub fn wasm() -> std::path::PathBuf {
    component_wasm("tally-streams")
}

/// The streams app with `vars` (component variable name, value) set as application
/// variables of the same name; the key prefix is the test's own.
pub fn manifest(backends: &Backends, vars: &[(&str, &str)]) -> ManifestBuilder {
    let prefix = format!("{}:", backends.prefix);
    let mut all: Vec<(&str, String)> = vec![
        ("redis_url", backends.redis_url.clone()),
        ("streams_prefix", prefix),
    ];
    for (k, v) in vars {
        all.retain(|(name, _)| name != k);
        all.push((k, v.to_string()));
    }
    let mut m = ManifestBuilder::new();
    for (k, v) in &all {
        m = m.variable(k, &format!("{{ default = {v:?} }}"));
    }
    let templates: Vec<(String, String)> = all
        .iter()
        .map(|(k, _)| (k.to_string(), format!("{{{{ {k} }}}}")))
        .collect();
    let templates: Vec<(&str, &str)> = templates
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    m.http("/streams/...", "streams")
        .http("/stream/...", "streams")
        .http("/roshi/...", "streams")
        .component(
            "streams",
            &wasm(),
            &["redis://127.0.0.1:6379", DOWN],
            &templates,
        )
}

/// A running streams app and its backends; removes every key of the test on drop, in
/// every database the test used (keys may be binary, which `Backends` skips).
pub struct App {
    /// The host.
    pub host: Host,
    /// The test's prefix and services.
    pub backends: Backends,
    /// Redis URLs (with database) the app writes to.
    pub dbs: Vec<String>,
    _dir: tempfile::TempDir,
}

impl App {
    /// Starts the app with `vars` and host `args`.
    pub fn start(test: &str, vars: &[(&str, &str)], args: &[&str]) -> App {
        Self::start_with(
            test,
            args,
            |_| {
                vars.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            },
            |m| m,
        )
    }

    /// Starts the app with variables computed from the test's backends and a manifest
    /// hook (for triggers).
    pub fn start_with(
        test: &str,
        args: &[&str],
        vars: impl FnOnce(&Backends) -> Vec<(String, String)>,
        extra: impl FnOnce(ManifestBuilder) -> ManifestBuilder,
    ) -> App {
        let backends = Backends::new(test);
        let vars = vars(&backends);
        let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = extra(manifest(&backends, &refs)).write(dir.path());
        let host = Host::start(&path, &[], args);
        let mut dbs = vec![backends.redis_url.clone()];
        if let Some((_, farm)) = vars.iter().find(|(k, _)| k == "streams_farm") {
            dbs.extend(
                farm.split([';', ','])
                    .map(str::trim)
                    .filter(|u| !u.is_empty() && *u != DOWN)
                    .map(str::to_string),
            );
        }
        App {
            host,
            backends,
            dbs,
            _dir: dir,
        }
    }

    /// The test's Redis key prefix (`<prefix>:`).
    pub fn prefix(&self) -> String {
        format!("{}:", self.backends.prefix)
    }

    /// A request with an optional JSON body.
    pub fn call(&self, method: &str, path: &str, body: Option<&str>) -> Reply {
        call(&format!("{}{path}", self.host.url), method, body, &[])
    }

    /// A request with extra headers.
    pub fn call_with(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        call(&format!("{}{path}", self.host.url), method, body, headers)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        for url in &self.dbs {
            let Ok(mut conn) = redis::Client::open(url.as_str()).and_then(|c| c.get_connection())
            else {
                continue;
            };
            let pattern = format!("{}:*", self.backends.prefix);
            let keys: Vec<Vec<u8>> = redis::cmd("KEYS")
                .arg(&pattern)
                .query(&mut conn)
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query(&mut conn);
            }
        }
    }
}

/// Runs `check` against a fresh app in each instance mode.
pub fn in_each_mode(test: &str, vars: &[(&str, &str)], check: impl Fn(&App)) {
    for mode in MODES {
        let app = App::start(test, vars, mode);
        check(&app);
    }
}

pub use tally_tests::http::Reply;

/// Any method, with a JSON body if given (also on GET and DELETE).
pub fn call(url: &str, method: &str, body: Option<&str>, headers: &[(&str, &str)]) -> Reply {
    tally_tests::http::request(method, url, headers, body.map(|b| ("application/json", b)))
}

/// An Ello item as JSON text.
pub fn item(id: &str, ts: &str, kind: i64, stream: &str) -> serde_json::Value {
    serde_json::json!({ "id": id, "ts": ts, "type": kind, "stream_id": stream })
}
