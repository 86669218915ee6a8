//! Manifests of the bundle's components for tests that run them outside their own test
//! directory (fault, Lambda and dashboard tests reuse them).

use std::path::Path;

use crate::build::workspace_root;
use crate::{Backends, ManifestBuilder, component_wasm};

/// Copies component `id`'s migrations beside a test manifest in `dir`, where `tally up`
/// finds them (`components/<id>/migrations`).
pub fn copy_migrations(id: &str, dir: &Path) {
    let from = workspace_root().join(format!("components/{id}/migrations"));
    let to = dir.join(format!("components/{id}/migrations"));
    std::fs::create_dir_all(&to).expect("migrations dir");
    for entry in std::fs::read_dir(from).expect("the component has migrations") {
        let entry = entry.expect("dir entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("migration copied");
    }
}

/// A manifest declaring the app variables `redis_url` and `postgres_url` as the test's
/// backends.
pub fn backend_variables(backends: &Backends) -> ManifestBuilder {
    ManifestBuilder::new()
        .variable(
            "redis_url",
            &format!("{{ default = {:?} }}", backends.redis_url),
        )
        .variable(
            "postgres_url",
            &format!("{{ default = {:?} }}", backends.postgres_url),
        )
}

/// The `ingest` component.
pub mod ingest {
    use super::*;

    /// The admin token the tests configure.
    pub const TOKEN: &str = "test-token";

    /// The component's variables for `backends`, with `overrides`.
    pub fn variables(backends: &Backends, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = [
            ("redis_url", "{{ redis_url }}".to_string()),
            ("postgres_url", "{{ postgres_url }}".to_string()),
            ("ingest_prefix", format!("{}:", backends.prefix)),
            ("ingest_admin_token", TOKEN.to_string()),
            ("basic_auth_user", String::new()),
            ("basic_auth_password", String::new()),
            ("ingest_retention_days", "180".to_string()),
            ("ingest_partitions_ahead", "4".to_string()),
            ("ingest_archive_url", String::new()),
            ("ingest_archive_bucket", "archive".to_string()),
            ("ingest_archive_prefix", "impressions/".to_string()),
            ("ingest_max_future_seconds", "86400".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in overrides {
            match vars.iter_mut().find(|(n, _)| n == k) {
                Some(slot) => slot.1 = v.to_string(),
                None => panic!("unknown variable {k}"),
            }
        }
        vars
    }

    /// The test app's manifest: every route to the component, plus `extra` triggers.
    pub fn manifest(
        backends: &Backends,
        overrides: &[(&str, &str)],
        allowed: &[&str],
        extra: impl FnOnce(ManifestBuilder) -> ManifestBuilder,
    ) -> ManifestBuilder {
        let vars = variables(backends, overrides);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut hosts = vec!["redis://127.0.0.1:6379", "postgres://127.0.0.1:5432"];
        hosts.extend(allowed);
        let builder = backend_variables(backends)
            .http("/...", "ingest")
            .component("ingest", &component_wasm("tally-ingest"), &hosts, &vars);
        extra(builder)
    }
}

/// `redis://<host:port>` of a Redis URL (the form `allowed_outbound_hosts` takes).
pub fn redis_outbound(url: &str) -> String {
    let rest = url.trim_start_matches("redis://");
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    let host = host.rsplit('@').next().unwrap_or(host);
    format!("redis://{host}")
}

/// The `points` component on `/points/...`, keys under the test's prefix.
pub mod points {
    use super::*;

    /// The manifest (add a Redis trigger with [`ManifestBuilder::redis`]).
    pub fn manifest(backends: &Backends) -> ManifestBuilder {
        let prefix = format!("{}:", backends.prefix);
        ManifestBuilder::new()
            .http("/points/...", "points")
            .component(
                "points",
                &component_wasm("tally-points"),
                &[&redis_outbound(&backends.redis_url)],
                &[
                    ("redis_url", backends.redis_url.as_str()),
                    ("key_prefix", prefix.as_str()),
                ],
            )
    }
}

/// The `slices` component on `/analytics/...`, one shard, keys under the test's prefix.
pub mod slices {
    use super::*;

    /// The manifest; slice 0 starts at 2024-01-01T00:00:00Z.
    pub fn manifest(backends: &Backends) -> ManifestBuilder {
        ManifestBuilder::new()
            .http("/analytics/...", "slices")
            .component(
                "slices",
                &component_wasm("tally-slices"),
                &[&redis_outbound(&backends.redis_url)],
                &[
                    ("slices_shards", backends.redis_url.as_str()),
                    ("slices_prefix", backends.prefix.as_str()),
                    ("slices_salt", "test-salt"),
                    ("slices_first_slice", "2024-01-01T00:00:00Z"),
                ],
            )
    }
}

/// The `streams` component on `/streams/...` and `/stream/...`, one cluster.
pub mod streams {
    use super::*;

    /// The manifest.
    pub fn manifest(backends: &Backends) -> ManifestBuilder {
        let prefix = format!("{}:", backends.prefix);
        ManifestBuilder::new()
            .http("/streams/...", "streams")
            .http("/stream/...", "streams")
            .component(
                "streams",
                &component_wasm("tally-streams"),
                &[&redis_outbound(&backends.redis_url)],
                &[
                    ("redis_url", backends.redis_url.as_str()),
                    ("streams_prefix", prefix.as_str()),
                ],
            )
    }
}

/// The probe fixture (`tests/fixtures/probe`: every host interface) wired to a test's
/// backends; host and Lambda tests use it.
pub mod probe {
    use std::path::PathBuf;

    use super::*;

    /// The fixture's `.wasm`.
    pub fn wasm() -> PathBuf {
        component_wasm("tally-fixture-probe")
    }

    /// The outbound hosts the probe may reach: the local Redis and Postgres.
    pub const HOSTS: [&str; 2] = ["redis://127.0.0.1:6379", "postgres://127.0.0.1:5432"];

    /// The variables of a probe component answering as `name`, from the app's variables.
    pub fn variables(name: &str) -> [(&str, &str); 4] {
        [
            ("name", name),
            ("redis_url", "{{ redis_url }}"),
            ("postgres_url", "{{ postgres_url }}"),
            ("prefix", "{{ prefix }}"),
        ]
    }

    /// The app variables `redis_url`, `postgres_url` and `prefix` of `backends`, and the
    /// probe as component `probe` on `/...`.
    pub fn manifest(backends: &Backends) -> ManifestBuilder {
        backend_variables(backends)
            .variable("prefix", &format!("{{ default = {:?} }}", backends.prefix))
            .http("/...", "probe")
            .component("probe", &wasm(), &HOSTS, &variables("probe"))
    }
}

/// The `etl` component on `/etl/...` and `/ads/...`, fetching objects from `s3_endpoint`.
pub mod etl {
    use super::*;

    /// The admin token (`etl_admin_token`) the tests configure.
    pub const TOKEN: &str = "etl-test-token";

    /// The manifest; `hosts` are the outbound hosts (Postgres and the object server).
    pub fn manifest(backends: &Backends, s3_endpoint: &str, hosts: &[&str]) -> ManifestBuilder {
        manifest_with(backends, s3_endpoint, hosts, &[])
    }

    /// Like [`manifest`], with component variables `overrides` (name, value).
    pub fn manifest_with(
        backends: &Backends,
        s3_endpoint: &str,
        hosts: &[&str],
        overrides: &[(&str, &str)],
    ) -> ManifestBuilder {
        let mut vars = vec![
            ("postgres_url", "{{ postgres_url }}"),
            ("etl_s3_endpoint", s3_endpoint),
            ("etl_max_bad_row_percent", "1"),
            ("etl_admin_token", TOKEN),
        ];
        for (name, value) in overrides {
            let slot = vars
                .iter_mut()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("etl has no variable {name}"));
            slot.1 = value;
        }
        ManifestBuilder::new()
            .variable(
                "postgres_url",
                &format!("{{ default = {:?} }}", backends.postgres_url),
            )
            .http("/etl/...", "etl")
            .http("/ads/...", "etl")
            .component("etl", &component_wasm("tally-etl"), hosts, &vars)
    }
}
