//! Health routes.

use serde_json::json;
use tally_tests::Host;

use super::*;

#[test]
fn ping_and_health() {
    in_each_mode("points_health", |host, _| {
        assert_eq!(
            ok_json(host.get("/points/health/ping")),
            json!({"pong": "OK"})
        );
        assert_eq!(
            ok_json(host.get("/points/health")),
            json!({"status": "ok", "redis": "ok"})
        );
    });
}

#[test]
fn health_is_503_when_redis_is_down() {
    let backends = Backends::new("points_health_down");
    let dir = tempfile::tempdir().unwrap();
    let manifest = points_app(&backends).write(dir.path());
    let host = Host::start(
        &manifest,
        &[("SPIN_VARIABLE_REDIS_URL", "redis://127.0.0.1:1")],
        &[],
    );
    let r = host.get("/points/health");
    assert_eq!(r.status, 503, "{}", r.body);
    // Liveness does not depend on Redis; a write is a 503 problem.
    assert_eq!(host.get("/points/health/ping").status, 200);
    let r = post_json(
        &host,
        "/points/v1/write",
        &increment("steps", 1, 1, 1, 1, 1_000_000),
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.content_type.as_deref(), Some("application/problem+json"));
}
