//! End-to-end tests of `tally lambda`: the host as a Lambda custom runtime polling a
//! Runtime API served on loopback by the test, each event kind delivered and both the
//! function's answer and its effects in Redis/Postgres checked (S3 and SQS events with a
//! loopback object server).

mod etl;
mod events;
mod http;
mod kinesis;
mod package;
mod schedule;

use std::path::Path;

use tally_tests::lambda::Function;
use tally_tests::{Backends, ManifestBuilder, apps, host_binary, workspace_root};

/// The probe app (`probe` on `/...`) plus a second copy of the probe as `other` on
/// `/other/...`, a cron trigger, and a third component needing a variable nobody sets:
/// a function of `probe` must leave the other two (and that variable) out.
pub fn probe_app(backends: &Backends) -> ManifestBuilder {
    let probe = apps::probe::wasm();
    apps::probe::manifest(backends)
        .variable("unused", "{ required = true }")
        .http("/other/...", "other")
        .cron("0 0 * * * *", "probe")
        .component(
            "other",
            &probe,
            &apps::probe::HOSTS,
            &apps::probe::variables("other"),
        )
        .component(
            "needs",
            &probe,
            &apps::probe::HOSTS,
            &[("name", "{{ unused }}")],
        )
}

/// ingest alone on `/...`, its keys under the test's prefix, its tables in the test's schema.
pub fn ingest_app(backends: &Backends) -> ManifestBuilder {
    apps::ingest::manifest(backends, &[], &[], |m| m)
}

/// `tally lambda -f manifest` with `env`, polling a fresh loopback Runtime API.
pub fn lambda(manifest: &Path, env: &[(&str, &str)]) -> Function {
    let manifest = manifest.to_str().unwrap();
    Function::start(&host_binary(), &["lambda", "-f", manifest], env)
}

/// A test's backends, manifest folder and running function.
pub struct Fixture {
    /// The test's Redis prefix and Postgres schema.
    pub backends: Backends,
    /// The function.
    pub function: Function,
    /// The folder holding the manifest.
    pub dir: tempfile::TempDir,
}

/// Starts the function for `component` of `app(backends)` with more `env`.
pub fn start(
    test: &str,
    app: impl Fn(&Backends) -> ManifestBuilder,
    component: &str,
    env: &[(&str, &str)],
) -> Fixture {
    let backends = Backends::new(test);
    let dir = tempfile::tempdir().unwrap();
    let migrations = workspace_root().join(format!("components/{component}/migrations"));
    if migrations.is_dir() {
        apps::copy_migrations(component, dir.path());
    }
    let manifest = app(&backends).write(dir.path());
    let mut env = env.to_vec();
    env.push(("TALLY_COMPONENT", component));
    let function = lambda(&manifest, &env);
    Fixture {
        backends,
        function,
        dir,
    }
}
