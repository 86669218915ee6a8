//! The whole bundle as `spin.toml` declares it, run by the real host on the test's own
//! Redis key prefix and Postgres schema.
//!
//! The root `spin.toml` is used unchanged: it is copied into a temporary directory beside
//! two links, `target` (the build output its `source`s name) and `components` (whose
//! `migrations/` the host applies), and every setting the test needs is an application
//! variable given as `SPIN_VARIABLE_<NAME>`.

use std::path::Path;

use base64::Engine as _;
use serde_json::Value;
use tally_manifest::Manifest;
use tally_tests::{Backends, Host, build::target_dir, component_wasm, workspace_root};
use url::Url;

/// The bearer token of every token-protected route in the test bundle.
pub const TOKEN: &str = "openapi-test-token";
/// The Grandstand routes' basic-auth user and password in the test bundle.
pub const BASIC: (&str, &str) = ("grandstand", "openapi-test-password");

/// A running bundle.
pub struct Bundle {
    /// The test's Redis prefix and Postgres schema, removed when the bundle is dropped.
    _backends: Backends,
    /// The host.
    pub host: Host,
    /// The manifest it runs (the root `spin.toml`).
    pub manifest: Manifest,
    _dir: tempfile::TempDir,
}

/// The root `spin.toml`, parsed.
pub fn root_manifest() -> Manifest {
    let path = workspace_root().join("spin.toml");
    Manifest::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// `host:port` of a URL, as `allowed_outbound_hosts` names it.
fn authority(url: &str) -> String {
    let url = Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    let host = url.host_str().expect("the URL names a host");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

#[cfg(unix)]
fn link(from: &Path, to: &Path) {
    std::os::unix::fs::symlink(from, to).expect("symlink");
}

impl Bundle {
    /// Builds every component of `spin.toml` and starts the bundle for `test`.
    pub fn start(test: &str) -> Bundle {
        let manifest = root_manifest();
        for component in manifest.components.values() {
            let stem = component
                .source
                .file_stem()
                .expect("a component source is a file")
                .to_string_lossy();
            component_wasm(&stem.replace('_', "-"));
        }
        let backends = Backends::new(test);
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::copy(
            workspace_root().join("spin.toml"),
            dir.path().join("spin.toml"),
        )
        .expect("spin.toml copied");
        link(&target_dir(), &dir.path().join("target"));
        link(
            &workspace_root().join("components"),
            &dir.path().join("components"),
        );
        let prefix = format!("{}:", backends.prefix);
        let variables: Vec<(&str, String)> = vec![
            ("redis_url", backends.redis_url.clone()),
            ("redis_host", authority(&backends.redis_url)),
            ("postgres_url", backends.postgres_url.clone()),
            ("postgres_host", authority(&backends.postgres_url)),
            ("slices_prefix", backends.prefix.clone()),
            ("streams_prefix", prefix.clone()),
            ("streams_repair_token", TOKEN.to_string()),
            ("points_key_prefix", prefix.clone()),
            ("ingest_prefix", prefix),
            ("ingest_admin_token", TOKEN.to_string()),
            ("etl_admin_token", TOKEN.to_string()),
            ("ingest_basic_auth_user", BASIC.0.to_string()),
            ("ingest_basic_auth_password", BASIC.1.to_string()),
        ];
        let env: Vec<(String, String)> = variables
            .into_iter()
            .filter(|(name, _)| manifest.variables.contains_key(*name))
            .map(|(name, value)| (format!("SPIN_VARIABLE_{}", name.to_uppercase()), value))
            .collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let host = Host::start(&dir.path().join("spin.toml"), &env, &[]);
        Bundle {
            _backends: backends,
            host,
            manifest,
            _dir: dir,
        }
    }
}

/// The `authorization` header for a security scheme of the document, from the
/// credentials the test bundle is configured with.
pub fn credentials(name: &str, scheme: &Value) -> Option<String> {
    match (name, scheme["type"].as_str(), scheme["scheme"].as_str()) {
        ("ingestAdmin" | "streamsRepair" | "etlAdmin", Some("http"), Some("bearer")) => {
            Some(format!("Bearer {TOKEN}"))
        }
        ("grandstandBasic", Some("http"), Some("basic")) => {
            let pair = format!("{}:{}", BASIC.0, BASIC.1);
            Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ))
        }
        _ => None,
    }
}
