//! End-to-end tests of the dashboard: the bundle's real manifest (`spin.toml`, every
//! component) run by the host on the test's own Postgres schema and Redis prefix, filled
//! by `tally-seed` (the code behind `scripts/seed.sh`), and each page loaded in headless
//! Chromium, whose tables must show exactly the numbers the seeding implies. Screenshots
//! go to `target/dashboard-screenshots/`.

mod ads;
mod bad_input;
mod browser;
mod errors;
mod impressions;
mod overview;
mod points;
mod serving;
mod slices;
mod streams;

use std::path::PathBuf;

use chrono::Utc;
use tally_seed::Plan;
use tally_tests::{Backends, Host, component_wasm, workspace_root};

pub use browser::{Browser, thousands};

/// The admin token of ingest in the bundle's manifest (its development default).
const INGEST_TOKEN: &str = "tally-dev-token-change-me";

/// The bundle, running on a test's own schema and key prefix.
pub struct Bundle {
    /// The test's Postgres schema and Redis prefix.
    pub backends: Backends,
    /// The host serving `spin.toml`.
    pub host: Host,
}

/// Whether the bundle's manifest has component `id`.
pub fn deployed(id: &str) -> bool {
    tally_manifest::Manifest::load(workspace_root().join("spin.toml"))
        .expect("spin.toml is valid")
        .components
        .contains_key(id)
}

/// The root manifest, after building every component it names.
fn manifest() -> PathBuf {
    let path = workspace_root().join("spin.toml");
    let manifest = tally_manifest::Manifest::load(&path).expect("spin.toml is valid");
    for (id, component) in &manifest.components {
        let built = component_wasm(&format!("tally-{id}"));
        assert_eq!(
            built.canonicalize().unwrap(),
            component.source.canonicalize().unwrap(),
            "spin.toml's source of `{id}` is not where the harness builds it (CARGO_TARGET_DIR?)"
        );
    }
    path
}

impl Bundle {
    /// The bundle for `test`, with the application variables pointed at the test's slice
    /// of Postgres and Redis.
    pub fn start(test: &str) -> Bundle {
        Bundle::start_with(test, &[])
    }

    /// Like [`Bundle::start`], with more `SPIN_VARIABLE_*` settings (later ones win).
    pub fn start_with(test: &str, env: &[(&str, &str)]) -> Bundle {
        let path = manifest();
        let backends = Backends::new(test);
        let p = &backends.prefix;
        let mut vars: Vec<(&str, String)> = vec![
            ("SPIN_VARIABLE_POSTGRES_URL", backends.postgres_url.clone()),
            ("SPIN_VARIABLE_REDIS_URL", backends.redis_url.clone()),
            ("SPIN_VARIABLE_INGEST_PREFIX", format!("{p}:")),
            ("SPIN_VARIABLE_SLICES_PREFIX", format!("{p}:slices")),
            ("SPIN_VARIABLE_POINTS_KEY_PREFIX", format!("{p}:")),
            ("SPIN_VARIABLE_STREAMS_PREFIX", format!("{p}:")),
            ("SPIN_VARIABLE_INGEST_ADMIN_TOKEN", INGEST_TOKEN.to_string()),
        ];
        vars.extend(env.iter().map(|(k, v)| (*k, v.to_string())));
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let host = Host::start(&path, &vars, &[]);
        Bundle { backends, host }
    }

    /// The seeding plan of the tests: seed 42, 14 days up to now.
    pub fn plan(&self) -> Plan {
        Plan::new(42, Utc::now(), 14)
    }

    /// Fills `capability` with `plan`'s data, as `scripts/seed.sh` does.
    pub fn seed(&self, capability: &str, plan: &Plan) -> String {
        tally_seed::send::capability(capability, &self.host.url, plan, INGEST_TOKEN)
            .unwrap_or_else(|e| panic!("seeding {capability}: {e}\n{}", self.host.log()))
    }

    /// A browser on this bundle.
    pub fn browser(&self) -> Browser {
        Browser::open(&self.host.url)
    }
}
