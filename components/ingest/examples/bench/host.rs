//! The host side: `tally up` with the ingest component on the benchmark's schema, driven
//! over HTTP.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tally_ingest::event::Impression;

use crate::data::Env;

/// A running `tally up`, killed on drop.
pub struct Host {
    child: Child,
    url: String,
    agent: ureq::Agent,
    dir: PathBuf,
}

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

impl Host {
    /// Writes a manifest for the component on `schema` and starts the host.
    pub fn start(env: &Env, schema: &str) -> Host {
        let dir = std::env::temp_dir().join(format!("bench_ingest_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let wasm = root().join("target/wasm32-wasip2/release/tally_ingest.wasm");
        assert!(
            wasm.exists(),
            "build the component first: bench/ingest.sh does"
        );
        let manifest = format!(
            r#"spin_manifest_version = 2
[application]
name = "bench-ingest"
[variables]
postgres_url = {{ default = {pg:?} }}
[[trigger.http]]
route = "/..."
component = "ingest"
[component.ingest]
source = {wasm:?}
allowed_outbound_hosts = ["redis://127.0.0.1:6379", "postgres://127.0.0.1:5432"]
[component.ingest.variables]
redis_url = {redis:?}
postgres_url = "{{{{ postgres_url }}}}"
ingest_prefix = {prefix:?}
ingest_admin_token = ""
basic_auth_user = ""
basic_auth_password = ""
ingest_retention_days = "180"
ingest_partitions_ahead = "4"
ingest_archive_url = ""
ingest_archive_bucket = ""
ingest_archive_prefix = ""
ingest_max_future_seconds = "86400"
"#,
            pg = env.url(schema),
            wasm = wasm.display().to_string(),
            redis = env.redis,
            prefix = env.prefix("host"),
        );
        std::fs::write(dir.join("spin.toml"), manifest).unwrap();
        let mut child = Command::new(root().join("target/release/tally"))
            .args(["up", "-f"])
            .arg(dir.join("spin.toml"))
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("target/release/tally runs");
        let stdout = child.stdout.take().unwrap();
        let mut url = None;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(u) = line.strip_prefix("Listening on ") {
                url = Some(u.trim().to_string());
                break;
            }
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Host {
            child,
            url: url.expect("the host started"),
            agent,
            dir,
        }
    }

    /// Posts every batch (bodies serialized beforehand) from `threads` threads; returns the
    /// seconds taken and the summed `(accepted, duplicates)`.
    pub fn ingest(&self, batches: &[Vec<Impression>], threads: usize) -> (f64, (u64, u64)) {
        let bodies: Vec<String> = batches.iter().map(|b| body(b)).collect();
        let totals = std::sync::Mutex::new((0u64, 0u64));
        let url = format!("{}/impressions", self.url);
        let secs = crate::parallel(bodies.len(), threads, |i| {
            let mut r = self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(bodies[i].as_str())
                .expect("the host answers");
            let text = r.body_mut().read_to_string().unwrap();
            assert_eq!(r.status(), 200, "{text}");
            let v: Value = serde_json::from_str(&text).unwrap();
            let mut t = totals.lock().unwrap();
            t.0 += v["accepted"].as_u64().unwrap();
            t.1 += v["duplicates"].as_u64().unwrap();
        });
        (secs, totals.into_inner().unwrap())
    }

    /// Latencies of `calls` sequential `GET /posts/view_counts` for `posts`.
    pub fn view_counts(&self, posts: &[String], calls: usize) -> Vec<Duration> {
        let url = format!("{}/posts/view_counts?ids={}", self.url, posts.join(","));
        (0..calls + 50)
            .map(|_| {
                let t = Instant::now();
                let mut r = self.agent.get(&url).call().unwrap();
                let text = r.body_mut().read_to_string().unwrap();
                let elapsed = t.elapsed();
                assert_eq!(r.status(), 200, "{text}");
                elapsed
            })
            .skip(50)
            .collect()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The JSON array of the original's events for `batch`.
pub fn body(batch: &[Impression]) -> String {
    let events: Vec<Value> = batch
        .iter()
        .map(|i| {
            let mut e = json!({
                "post": {"id": i.post_id},
                "author": {"id": i.author_id},
                "viewed_at": i.created_at as f64 / 1e6,
                "stream_kind": i.stream_kind,
                "stream_id": i.stream_id,
            });
            if let Some(v) = &i.viewer_id {
                e["viewer"] = json!({"id": v});
            }
            if let Some(a) = &i.artist_invite_id {
                e["post"]["artist_invite_id"] = json!(a);
            }
            e
        })
        .collect();
    Value::Array(events).to_string()
}
