//! End-to-end tests of the host: the probe fixture component driven through `tally up`
//! against the real Redis and Postgres.

mod lifecycle;
mod outbound;
mod postgres;
mod redis;
mod routes;
mod sandbox;
mod triggers;
mod variables;

use std::path::PathBuf;

use tally_tests::{Backends, Host, ManifestBuilder, apps};

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

/// The probe fixture's `.wasm`.
pub fn probe() -> PathBuf {
    apps::probe::wasm()
}

/// A manifest with the probe as component `probe` on `/...`, wired to the test's backends.
pub fn probe_app(backends: &Backends) -> ManifestBuilder {
    apps::probe::manifest(backends)
}

/// Starts the probe app in each instance mode and runs `check` against it.
pub fn in_each_mode(test: &str, extra_args: &[&str], check: impl Fn(&Host, &Backends)) {
    for mode in MODES {
        let backends = Backends::new(test);
        let dir = tempfile::tempdir().unwrap();
        let manifest = probe_app(&backends).write(dir.path());
        let args: Vec<&str> = mode.iter().chain(extra_args).copied().collect();
        let host = Host::start(&manifest, &[], &args);
        check(&host, &backends);
    }
}
