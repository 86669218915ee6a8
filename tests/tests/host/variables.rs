//! `spin:variables`: defaults, environment overrides, required variables.

use tally_tests::{Host, ManifestBuilder};

use super::{MODES, probe};

fn app(required: bool) -> ManifestBuilder {
    let mut app = ManifestBuilder::new().variable("greeting", r#"{ default = "hello" }"#);
    if required {
        app = app.variable("api_token", "{ required = true, secret = true }");
    }
    app.http("/...", "probe").component(
        "probe",
        &probe(),
        &[],
        &[("greeting", "{{ greeting }} world"), ("name", "probe")],
    )
}

#[test]
fn default_then_environment_override() {
    for mode in MODES {
        let dir = tempfile::tempdir().unwrap();
        let manifest = app(false).write(dir.path());

        let host = Host::start(&manifest, &[], mode);
        let reply = host.get("/var/greeting");
        assert_eq!((reply.status, reply.body.as_str()), (200, "hello world"));
        // A variable the component did not declare is not visible to it.
        assert_eq!(host.get("/var/redis_url").status, 404);
        drop(host);

        let host = Host::start(&manifest, &[("SPIN_VARIABLE_GREETING", "bonjour")], mode);
        assert_eq!(host.get("/var/greeting").body, "bonjour world");
    }
}

#[test]
fn a_missing_required_variable_stops_up_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = app(true).write(dir.path());
    let output = Host::try_start(&manifest, &[], &[])
        .err()
        .expect("up must refuse to start");
    assert!(
        output.contains("api_token"),
        "output names the variable: {output}"
    );
    assert!(
        output.contains("SPIN_VARIABLE_API_TOKEN"),
        "output names the env var: {output}"
    );

    let host = Host::start(&manifest, &[("SPIN_VARIABLE_API_TOKEN", "s3cret")], &[]);
    assert_eq!(host.get("/var/greeting").status, 200);
}
