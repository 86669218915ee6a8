//! API Gateway HTTP API and Function URL events through the HTTP trigger.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tally_tests::{Backends, apps};

use super::events::{api_gateway, function_url};
use super::{lambda, probe_app, start};

#[test]
fn binary_bodies_and_cookies_map_both_ways() {
    let mut f = start("lambda_http_binary", probe_app, "probe", &[]);
    let bytes: Vec<u8> = (0..=255u8).collect();
    let headers = json!({"content-type": "application/octet-stream", "host": "api.example.com"});
    let event = api_gateway(
        "POST",
        "prod",
        "/echo?cookies=a=1,b=2",
        headers,
        &["session=abc", "theme=dark"],
        Some(&bytes),
    );
    let out = f.function.invoke(&event).response();
    assert_eq!(out["statusCode"], 200, "{out}");
    assert_eq!(out["isBase64Encoded"], true);
    let body = STANDARD.decode(out["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, bytes, "the body came back byte for byte");
    assert_eq!(out["cookies"], json!(["a=1", "b=2"]));
    assert_eq!(out["headers"]["x-cookie"], "session=abc; theme=dark");
    assert_eq!(out["headers"]["content-type"], "application/octet-stream");
    assert!(out["headers"].get("set-cookie").is_none());

    // A JSON body travels as text both ways.
    let event = function_url("POST", "/echo", Some("{\"a\":\"é\"}"));
    let out = f.function.invoke(&event).response();
    assert_eq!(out["isBase64Encoded"], false, "{out}");
    assert_eq!(out["body"], "{\"a\":\"é\"}");
    assert_eq!(out["cookies"], json!([]));
}

#[test]
fn routes_and_spin_headers_are_spins() {
    let mut f = start("lambda_http_routes", probe_app, "probe", &[]);
    // `other` is not part of this function: its route is gone and `/...` takes the path.
    let out = f
        .function
        .invoke(&function_url("GET", "/other/thing?x=1", None))
        .response();
    let body: Value = serde_json::from_str(out["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["component"], "probe", "{body}");
    assert_eq!(body["path"], "/other/thing");
    let h = &body["headers"];
    assert_eq!(
        h["spin-full-url"],
        "https://abcdefg.lambda-url.eu-west-1.on.aws/other/thing?x=1"
    );
    assert_eq!(h["spin-path-info"], "/other/thing");
    assert_eq!(h["spin-matched-route"], "/...");
    assert_eq!(h["spin-client-addr"], "198.51.100.4:0");

    // The stage of an API Gateway event is not part of the route.
    let headers = json!({"host": "api.example.com"});
    let event = api_gateway("GET", "prod", "/hello", headers, &[], None);
    let out = f.function.invoke(&event).response();
    let body: Value = serde_json::from_str(out["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["path"], "/hello", "{body}");
    assert_eq!(
        body["headers"]["spin-full-url"],
        "https://api.example.com/hello"
    );
}

#[test]
fn a_write_through_one_event_is_read_through_the_next() {
    let mut f = start("lambda_http_points", apps::points::manifest, "points", &[]);
    let writes = json!([
        {"thing": "points", "uid": 1, "atid": 3, "aid": 0, "value": 10, "ts2": 1458061005, "mode": "increment"},
        {"thing": "points", "uid": 1, "atid": 3, "aid": 0, "value": 11, "ts2": 1458061008, "mode": "increment"}
    ])
    .to_string();
    let event = function_url("POST", "/points/v1/write", Some(&writes));
    let out = f.function.invoke(&event).response();
    assert_eq!(out["statusCode"], 200, "{out}");
    let headers = json!({"host": "api.example.com"});
    let path = "/points/v1/query/1/points/all/1458061005/1458061010";
    let out = f
        .function
        .invoke(&api_gateway("GET", "v1", path, headers, &[], None))
        .response();
    assert_eq!(out["statusCode"], 200, "{out}");
    assert_eq!(out["body"], "21");
    // The counters are in the test's Redis keys.
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}:*", f.backends.prefix))
        .query(&mut f.backends.redis())
        .unwrap();
    assert!(!keys.is_empty(), "no keys under the test's prefix");
}

#[test]
fn failures_are_answered_and_the_function_keeps_serving() {
    let mut f = start("lambda_http_failures", probe_app, "probe", &[]);
    let out = f
        .function
        .invoke(&function_url("GET", "/trap", None))
        .response();
    assert_eq!(out["statusCode"], 500, "a trap is a 500, as on `up`: {out}");
    let message = f
        .function
        .invoke(&json!({"hello": "world"}))
        .error_message();
    assert!(message.contains("TALLY_TRIGGER"), "{message}");
    let out = f
        .function
        .invoke(&function_url("POST", "/echo", Some("ok")))
        .response();
    assert_eq!(out["body"], "ok", "still serving: {out}");

    // With the kind fixed, an event of another shape is an error naming the kind.
    let mut g = start(
        "lambda_http_forced",
        probe_app,
        "probe",
        &[("TALLY_TRIGGER", "http")],
    );
    let message = g.function.invoke(&json!({"Records": []})).error_message();
    assert!(message.contains("not an HTTP API"), "{message}");
}

#[test]
fn a_function_without_its_component_named_does_not_start() {
    let backends = Backends::new("lambda_no_component");
    let dir = tempfile::tempdir().unwrap();
    let manifest = probe_app(&backends).write(dir.path());
    let f = lambda(&manifest, &[]);
    assert_eq!(f.wait_exit(Duration::from_secs(60)), Some(1), "{}", f.log());
    assert!(f.log().contains("set TALLY_COMPONENT"), "{}", f.log());
}
