//! Bad requests are 400 problem+json naming the parameter; unknown routes and methods;
//! health with an unreachable shard.

use super::{Shards, T0, in_each_mode};

#[test]
fn bad_parameters_are_named() {
    in_each_mode("bad_params", &[1], &[], |host, shards| {
        let post = |q: &str| host.post(&format!("/analytics?{q}"), "text/plain", "");
        let future = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 86_400;
        let cases = [
            (post("user=a&click"), "`timestamp`"),
            (post("timestamp=soon&user=a&click"), "`timestamp`"),
            (post("timestamp=1.5&user=a&click"), "`timestamp`"),
            (
                post(&format!("timestamp={}&user=a&click", T0 - 1)),
                "`timestamp`",
            ),
            (
                post(&format!("timestamp={future}&user=a&click")),
                "`timestamp`",
            ),
            (post(&format!("timestamp={T0}&click")), "`user`"),
            (post(&format!("timestamp={T0}&user=&click")), "`user`"),
            (post(&format!("timestamp={T0}&user=a")), "`click`"),
            (
                post(&format!("timestamp={T0}&user=a&click&impression")),
                "`impression`",
            ),
            (host.get("/analytics"), "`timestamp`"),
            (host.get("/analytics?timestamp=x"), "`timestamp`"),
            (
                host.get(&format!("/analytics?timestamp={}", T0 - 3600)),
                "`timestamp`",
            ),
            (
                host.get(&format!("/analytics?timestamp={T0}&format=xml")),
                "`format`",
            ),
            (host.get("/analytics/perworker?format=json"), "`timestamp`"),
            (
                host.get(&format!("/analytics/allslices?timestamp={T0}&limit=0")),
                "`limit`",
            ),
            (host.get(&format!("/analytics/range?from={T0}")), "`to`"),
            (host.get(&format!("/analytics/range?to={T0}")), "`from`"),
            (
                host.get(&format!("/analytics/range?from={T0}&to={T0}")),
                "`to`",
            ),
            (
                host.get(&format!(
                    "/analytics/range?from={T0}&to={}",
                    T0 + 1001 * 3600
                )),
                "`to`",
            ),
        ];
        for (i, (reply, name)) in cases.iter().enumerate() {
            assert_eq!(reply.status, 400, "case {i}: {}", reply.body);
            assert_eq!(
                reply.content_type.as_deref(),
                Some("application/problem+json"),
                "case {i}"
            );
            let p: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            assert_eq!(p["status"], 400);
            assert_eq!(p["title"], "Bad Request");
            let detail = p["detail"].as_str().unwrap();
            assert!(detail.contains(name), "case {i}: {detail:?} names {name}");
        }
        // Nothing was written by any of them.
        assert!(shards.own_keys(1).is_empty(), "{:?}", shards.own_keys(1));

        let reply = host.get("/analytics/nope?timestamp=1");
        assert_eq!(reply.status, 404);
        assert_eq!(
            reply.content_type.as_deref(),
            Some("application/problem+json")
        );
        let reply = host.post("/analytics/perworker?timestamp=1", "text/plain", "");
        assert_eq!(reply.status, 405, "{}", reply.body);
    });
}

#[test]
fn health_reports_every_shard() {
    in_each_mode("health", &[1, 2], &[], |host, _| {
        let reply = host.get("/analytics/health");
        assert_eq!(reply.status, 200, "{}", reply.body);
        let h: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(h["status"], "ok");
        let shards = h["shards"].as_array().unwrap();
        assert_eq!(shards.len(), 2);
        assert!(shards.iter().all(|s| s["reachable"] == true), "{h}");
        assert_eq!(h["slice_length_seconds"], 3600);
    });
    // A shard nobody listens on: 503, and that shard named.
    let shards = Shards::new("health_down", &[1]);
    let dir = tempfile::tempdir().unwrap();
    let list = format!("{},redis://127.0.0.1:1/0", shards.list());
    let host = shards.start(dir.path(), &[("slices_shards", &list)], &[]);
    let reply = host.get("/analytics/health");
    assert_eq!(reply.status, 503, "{}", reply.body);
    let h: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(h["status"], "unavailable");
    assert_eq!(h["shards"][0]["reachable"], true);
    assert_eq!(h["shards"][1]["reachable"], false);
    assert_eq!(h["shards"][1]["address"], "redis://127.0.0.1:1/0");
    // Reading a slice that lives partly on it is a 503 too.
    let reply = host.get(&format!("/analytics?timestamp={T0}"));
    assert_eq!(reply.status, 503, "{}", reply.body);
}

#[test]
fn an_invalid_configuration_is_named() {
    let shards = Shards::new("bad_config", &[1]);
    let dir = tempfile::tempdir().unwrap();
    let host = shards.start(
        dir.path(),
        &[("slices_routing", r#"[{"slice":0,"shards":[3]}]"#)],
        &[],
    );
    let reply = host.get(&format!("/analytics?timestamp={T0}"));
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert!(reply.body.contains("slices_routing"), "{}", reply.body);
}
