//! The dashboard component over HTTP in the real bundle: files, content types, ETags,
//! problems, health, the OpenAPI document, and the other components keeping their routes.

use std::time::Duration;

use super::*;

/// Status, the headers asked for, and the body of `method path` with `headers`.
fn fetch(
    bundle: &Bundle,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<Option<String>>, String) {
    const WANTED: [&str; 5] = [
        "content-type",
        "etag",
        "cache-control",
        "allow",
        "content-security-policy",
    ];
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let request = headers.iter().fold(
        ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", bundle.host.url)),
        |r, (k, v)| r.header(*k, *v),
    );
    let mut response = agent
        .run(request.body(()).unwrap())
        .expect("the host answers");
    let found = WANTED
        .iter()
        .map(|h| {
            response
                .headers()
                .get(*h)
                .map(|v| v.to_str().unwrap().to_string())
        })
        .collect();
    (
        response.status().as_u16(),
        found,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

#[test]
fn files_types_etags_and_problems() {
    let bundle = Bundle::start("dash_serving");
    let (status, h, body) = fetch(&bundle, "GET", "/", &[]);
    assert_eq!(status, 200);
    assert_eq!(h[0].as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(h[2].as_deref(), Some("no-cache"));
    assert!(h[4].as_deref().unwrap().contains("default-src 'self'"));
    assert!(body.contains("<title>Tally dashboard</title>"), "{body}");
    let etag = h[1].clone().expect("an etag");

    // The browser's revalidation: 304 with no body while the file is unchanged.
    let (status, h, body) = fetch(&bundle, "GET", "/index.html", &[("if-none-match", &etag)]);
    assert_eq!((status, body.as_str()), (304, ""));
    assert_eq!(h[1].as_deref(), Some(etag.as_str()));
    assert_eq!(
        fetch(&bundle, "GET", "/", &[("if-none-match", "\"stale\"")]).0,
        200
    );

    let (status, h, body) = fetch(&bundle, "HEAD", "/css/dashboard.css", &[]);
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(h[0].as_deref(), Some("text/css; charset=utf-8"));

    let (status, h, body) = fetch(&bundle, "GET", "/vendor/uPlot.iife.min.js", &[]);
    assert_eq!(status, 200);
    assert_eq!(h[0].as_deref(), Some("text/javascript; charset=utf-8"));
    assert!(body.contains("uPlot") && body.len() > 40_000);

    let (status, h, body) = fetch(&bundle, "GET", "/openapi.yaml", &[]);
    assert_eq!(status, 200);
    assert_eq!(h[0].as_deref(), Some("application/yaml"));
    assert!(body.contains("openapi: 3.1"), "{body}");

    let (status, h, body) = fetch(&bundle, "GET", "/no-such-page.html", &[]);
    assert_eq!(status, 404);
    assert_eq!(h[0].as_deref(), Some("application/problem+json"));
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["detail"], "no page or file at /no-such-page.html");

    let (status, h, body) = fetch(&bundle, "POST", "/index.html", &[]);
    assert_eq!(status, 405, "{body}");
    assert_eq!(h[3].as_deref(), Some("GET, HEAD"));

    let (status, _, body) = fetch(&bundle, "GET", "/dashboard/health", &[]);
    assert_eq!(status, 200);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (health["component"].as_str(), health["status"].as_str()),
        (Some("dashboard"), Some("ok"))
    );
}

#[test]
fn every_page_loads_its_files_and_other_routes_stay_with_their_components() {
    let bundle = Bundle::start("dash_routes");
    for page in [
        "/index.html",
        "/ads.html",
        "/impressions.html",
        "/slices.html",
        "/points.html",
        "/streams.html",
    ] {
        let (status, _, html) = fetch(&bundle, "GET", page, &[]);
        assert_eq!(status, 200, "{page}");
        let mut referenced = 0;
        for attr in ["src=\"/", "href=\"/"] {
            for (at, _) in html.match_indices(attr) {
                let rest = &html[at + attr.len() - 1..];
                let path = &rest[..rest.find('"').unwrap()];
                let (status, _, _) = fetch(&bundle, "GET", path, &[]);
                assert_eq!(status, 200, "{page} refers to {path}");
                referenced += 1;
            }
        }
        assert!(referenced >= 2, "{page} loads its style and script");
    }
    // The dashboard's `/...` is the least specific route: the components keep theirs.
    let (status, _, body) = fetch(&bundle, "GET", "/points/health/ping", &[]);
    assert_eq!((status, body.as_str()), (200, r#"{"pong":"OK"}"#));
    for health in [
        "/analytics/health",
        "/streams/health",
        "/impressions/health",
    ] {
        let (status, h, body) = fetch(&bundle, "GET", health, &[]);
        assert_eq!(status, 200, "{health}: {body}");
        assert_eq!(h[0].as_deref(), Some("application/json"), "{health}");
    }
}
