//! Spin's route rules and the `spin-*` headers.

use serde_json::Value;
use tally_tests::{Host, ManifestBuilder};

use super::{MODES, probe};

fn app() -> ManifestBuilder {
    let wasm = probe();
    let mut app = ManifestBuilder::new();
    for (id, route) in [
        ("exact", "/exact"),
        ("api", "/api/..."),
        ("special", "/api/special/..."),
    ] {
        app = app
            .http(route, id)
            .component(id, &wasm, &[], &[("name", id)]);
    }
    app
}

fn component_of(host: &Host, path: &str) -> (u16, Value) {
    let reply = host.get(path);
    (
        reply.status,
        serde_json::from_str(&reply.body).unwrap_or(Value::Null),
    )
}

#[test]
fn exact_wildcard_most_specific_and_404() {
    for mode in MODES {
        let dir = tempfile::tempdir().unwrap();
        let host = Host::start(&app().write(dir.path()), &[], mode);

        let (status, body) = component_of(&host, "/exact");
        assert_eq!((status, body["component"].as_str()), (200, Some("exact")));
        // An exact route matches only itself.
        assert_eq!(host.get("/exact/more").status, 404);

        // A wildcard matches its base and everything below it.
        assert_eq!(component_of(&host, "/api").1["component"], "api");
        assert_eq!(component_of(&host, "/api/users/7").1["component"], "api");
        // The most specific route wins, whatever the declaration order.
        assert_eq!(
            component_of(&host, "/api/special/x").1["component"],
            "special"
        );
        assert_eq!(component_of(&host, "/api/specialist").1["component"], "api");

        let missing = host.get("/nowhere");
        assert_eq!(missing.status, 404);
        assert_eq!(missing.body, "Not Found\n");

        // No component claims /metrics here, so the host serves its own.
        let metrics = host.get("/metrics").body;
        assert!(
            metrics.contains(r#"tally_http_requests_total{component="exact",status="200"} 1"#),
            "{metrics}"
        );
        assert!(
            metrics.contains(r#"tally_http_requests_total{component="api",status="200"} 3"#),
            "{metrics}"
        );
        assert!(
            metrics.contains("tally_http_request_duration_seconds_bucket"),
            "{metrics}"
        );
    }
}

#[test]
fn metrics_stay_with_the_host_under_a_catch_all() {
    let wasm = probe();
    let app = ManifestBuilder::new().http("/...", "site").component(
        "site",
        &wasm,
        &[],
        &[("name", "site")],
    );
    let dir = tempfile::tempdir().unwrap();
    let host = Host::start(&app.write(dir.path()), &[], &[]);
    assert_eq!(component_of(&host, "/anything").1["component"], "site");
    let metrics = host.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .body
            .contains(r#"tally_http_requests_total{component="site",status="200"} 1"#),
        "{}",
        metrics.body
    );
    // A component that names the route takes it.
    let app = ManifestBuilder::new()
        .http("/...", "site")
        .http("/metrics", "exporter")
        .component("site", &wasm, &[], &[("name", "site")])
        .component("exporter", &wasm, &[], &[("name", "exporter")]);
    let dir = tempfile::tempdir().unwrap();
    let host = Host::start(&app.write(dir.path()), &[], &[]);
    assert_eq!(component_of(&host, "/metrics").1["component"], "exporter");
}

#[test]
fn spin_headers_describe_the_match() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::start(&app().write(dir.path()), &[], &[]);
    let (_, body) = component_of(&host, "/api/users/7?q=1");
    let h = &body["headers"];
    assert_eq!(h["spin-path-info"], "/users/7");
    assert_eq!(h["spin-matched-route"], "/api/...");
    assert_eq!(h["spin-component-route"], "/api");
    assert_eq!(h["spin-raw-component-route"], "/api/...");
    assert_eq!(h["spin-base-path"], "/");
    let url = host.url.strip_prefix("http://").unwrap();
    assert_eq!(h["spin-full-url"], format!("http://{url}/api/users/7?q=1"));
    assert!(
        h["spin-client-addr"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );

    let (_, body) = component_of(&host, "/exact");
    assert_eq!(body["headers"]["spin-path-info"], "");
    assert_eq!(body["headers"]["spin-matched-route"], "/exact");
}
