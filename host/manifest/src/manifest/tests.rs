use std::time::{Duration, UNIX_EPOCH};

use super::*;

const FULL: &str = r#"
spin_manifest_version = 2

[application]
name = "tally"
version = "0.1.0"
description = "engagement analytics"
authors = ["Tally <dev@example.com>"]

[application.trigger.http]
base = "/"

[application.trigger.redis]
address = "redis://{{ redis_host }}:6379"

[application.tool.lint]
level = "strict"

[variables]
redis_host = { default = "127.0.0.1" }
pg_url = { default = "postgres://tally@127.0.0.1/tally", description = "Postgres" }
cron_token = { required = true, secret = true }

[[trigger.http]]
route = "/points/..."
component = "points"

[[trigger.http]]
route = "/health"
component = "points"
executor = { type = "spin" }

[[trigger.http]]
route = { private = true }
component = "worker"

[[trigger.redis]]
channel = "events"
component = "worker"

[[trigger.redis]]
address = "redis://other:6380"
channel = "{{ redis_host }}-events"
component = "worker"

[[trigger.cron]]
cron_expression = "0 */5 * * * *"
component = "worker"

[component.points]
description = "per-user metrics"
source = "target/wasm32-wasip2/release/points.wasm"
allowed_outbound_hosts = ["redis://{{ redis_host }}:6379", "postgres://127.0.0.1:5432"]
[component.points.variables]
redis_url = "redis://{{ redis_host }}:6379/0"
pg_url = "{{ pg_url }}"
[component.points.build]
command = "cargo build --release"
watch = ["src/**/*.rs"]

[component.worker]
source = "worker.wasm"
[component.worker.build]
command = ["cargo fmt", "cargo build"]
workdir = "components/worker"
[component.worker.tool.clean]
command = "cargo clean"
"#;

/// A minimal valid manifest with `extra` appended (one `a` component, one route).
fn with(extra: &str) -> String {
    format!(
        "spin_manifest_version = 2\n[application]\nname = \"t\"\n[[trigger.http]]\n\
         route = \"/\"\ncomponent = \"a\"\n{extra}\n[component.a]\nsource = \"a.wasm\"\n"
    )
}

#[test]
fn full_manifest_loads() {
    let m = Manifest::parse(FULL, "/apps/tally/spin.toml").unwrap();
    assert_eq!(m.path, PathBuf::from("/apps/tally/spin.toml"));
    assert_eq!(m.dir, PathBuf::from("/apps/tally"));
    assert_eq!(m.application.name, "tally");
    assert_eq!(m.application.version.as_deref(), Some("0.1.0"));
    assert_eq!(m.application.authors, vec!["Tally <dev@example.com>"]);
    assert_eq!(m.application.trigger.http_base, "/");
    let cron_token = &m.variables["cron_token"];
    assert!(cron_token.required && cron_token.secret && cron_token.default.is_none());
    assert_eq!(
        m.variables["pg_url"].description.as_deref(),
        Some("Postgres")
    );

    assert_eq!(m.http_triggers.len(), 3);
    assert_eq!(m.http_triggers[0].route, Route::Path("/points/...".into()));
    assert_eq!(m.http_triggers[1].executor, Some(HttpExecutor::Spin));
    assert_eq!(m.http_triggers[2].route, Route::Private);
    assert_eq!(m.http_triggers[2].component, "worker");

    let [default_addr, own_addr] = &m.redis_triggers[..] else {
        panic!("two redis triggers expected");
    };
    assert_eq!(
        default_addr.address.as_deref(),
        Some("redis://{{ redis_host }}:6379")
    );
    assert_eq!(own_addr.address.as_deref(), Some("redis://other:6380"));
    assert_eq!(own_addr.channel, "{{ redis_host }}-events");

    let cron = &m.cron_triggers[0];
    assert_eq!(cron.cron_expression, "0 */5 * * * *");
    let t0 = UNIX_EPOCH + Duration::from_secs(1_700_000_000); // 22:13:20 UTC
    assert_eq!(
        cron.next_after(t0),
        Some(UNIX_EPOCH + Duration::from_secs(1_700_000_100))
    );

    let points = m.component("points").unwrap();
    assert_eq!(
        points.source,
        PathBuf::from("/apps/tally/target/wasm32-wasip2/release/points.wasm")
    );
    assert_eq!(points.allowed_outbound_hosts.len(), 2);
    assert_eq!(points.variables["pg_url"], "{{ pg_url }}");
    assert_eq!(
        points.build.as_ref().unwrap().command,
        "cargo build --release"
    );
    let worker_build = m.components["worker"].build.clone().unwrap();
    assert_eq!(worker_build.commands, vec!["cargo fmt", "cargo build"]);
    assert_eq!(worker_build.command, "cargo fmt && cargo build");
    assert_eq!(worker_build.workdir.as_deref(), Some("components/worker"));

    let router = m.router().unwrap();
    assert_eq!(
        router.routes().count(),
        2,
        "the private route is not routable"
    );
    assert_eq!(router.route("/points/u1/day").unwrap().component, "points");
}

#[test]
fn load_reads_the_file_and_reports_io_errors() {
    let dir = std::env::temp_dir().join(format!("tally-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spin.toml");
    std::fs::write(&path, with("")).unwrap();
    let m = Manifest::load(&path).unwrap();
    assert_eq!(m.components["a"].source, dir.join("a.wasm"));
    std::fs::remove_dir_all(&dir).unwrap();
    let err = Manifest::load(dir.join("missing.toml")).unwrap_err();
    assert!(matches!(err, ManifestError::Read { .. }));
    assert!(
        err.to_string()
            .contains("missing.toml: cannot read the manifest")
    );
}
