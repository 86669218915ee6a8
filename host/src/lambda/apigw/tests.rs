use http::StatusCode;
use serde_json::{Value, json};

use super::*;

/// An HTTP API (payload 2.0) event on stage `prod`, shaped as API Gateway sends it.
fn api_event() -> Value {
    json!({
        "version": "2.0",
        "routeKey": "ANY /{proxy+}",
        "rawPath": "/prod/points/user/7",
        "rawQueryString": "metric=likes&from=2024-01-01",
        "cookies": ["session=abc", "theme=dark"],
        "headers": {"host": "api.example.com", "content-type": "application/octet-stream",
                    "x-forwarded-for": "203.0.113.9"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "api-id", "domainName": "api.example.com",
            "domainPrefix": "api", "requestId": "id", "routeKey": "ANY /{proxy+}",
            "stage": "prod", "time": "12/Mar/2020:19:03:58 +0000", "timeEpoch": 1583348638390i64,
            "http": {"method": "POST", "path": "/prod/points/user/7", "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.9", "userAgent": "agent"}
        },
        "body": "AAEC/w==",
        "isBase64Encoded": true
    })
}

/// A Function URL event: no stage prefix, no host header, a text body.
fn url_event() -> Value {
    json!({
        "version": "2.0",
        "rawPath": "/impressions",
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "accountId": "anonymous", "apiId": "abc", "domainName": "abc.lambda-url.eu-west-1.on.aws",
            "domainPrefix": "abc", "requestId": "r", "routeKey": "$default", "stage": "$default",
            "time": "t", "timeEpoch": 1, "http": {"method": "GET", "path": "/impressions",
            "protocol": "HTTP/1.1", "sourceIp": "2001:db8::1", "userAgent": "curl"}
        },
        "body": "{\"a\":1}",
        "isBase64Encoded": false
    })
}

fn request(event: Value) -> (Request<Bytes>, SocketAddr) {
    to_request(serde_json::from_value(event).unwrap()).unwrap()
}

#[test]
fn an_api_gateway_event_becomes_the_request_it_stands_for() {
    let (req, client) = request(api_event());
    assert_eq!(req.method(), "POST");
    assert_eq!(req.uri(), "/points/user/7?metric=likes&from=2024-01-01");
    assert_eq!(req.headers()["cookie"], "session=abc; theme=dark");
    assert_eq!(req.headers()["host"], "api.example.com");
    assert_eq!(req.body().as_ref(), [0u8, 1, 2, 255]);
    assert_eq!(client.to_string(), "203.0.113.9:0");
}

#[test]
fn a_function_url_event_keeps_its_path_and_gets_a_host() {
    let (req, client) = request(url_event());
    assert_eq!(req.method(), "GET");
    assert_eq!(req.uri(), "/impressions");
    assert_eq!(req.headers()["host"], "abc.lambda-url.eu-west-1.on.aws");
    assert!(!req.headers().contains_key("cookie"));
    assert_eq!(req.body().as_ref(), b"{\"a\":1}");
    assert_eq!(client.to_string(), "[2001:db8::1]:0");
}

#[test]
fn a_bad_base64_body_is_an_error() {
    let mut event = api_event();
    event["body"] = json!("not base64!");
    let err = to_request(serde_json::from_value(event).unwrap()).unwrap_err();
    assert!(err.to_string().contains("base64"), "{err}");
}

#[test]
fn stages_come_off_only_as_a_whole_segment() {
    assert_eq!(strip_stage("/prod/a", Some("prod")), "/a");
    assert_eq!(strip_stage("/prod", Some("prod")), "/");
    assert_eq!(strip_stage("/production/a", Some("prod")), "/production/a");
    assert_eq!(strip_stage("/a", Some("$default")), "/a");
    assert_eq!(strip_stage("/a", None), "/a");
}

fn response(headers: &[(&str, &str)], body: &[u8]) -> Value {
    let mut builder = Response::builder().status(StatusCode::CREATED);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    serde_json::to_value(to_response(
        builder.body(Bytes::copy_from_slice(body)).unwrap(),
    ))
    .unwrap()
}

#[test]
fn text_responses_stay_text_and_cookies_move_out_of_the_headers() {
    let out = response(
        &[
            ("content-type", "application/problem+json"),
            ("set-cookie", "a=1; Path=/"),
            ("set-cookie", "b=2"),
            ("vary", "accept"),
            ("vary", "origin"),
        ],
        b"{\"status\":400}",
    );
    assert_eq!(out["statusCode"], 201);
    assert_eq!(out["body"], "{\"status\":400}");
    assert_eq!(out["isBase64Encoded"], false);
    assert_eq!(out["cookies"], json!(["a=1; Path=/", "b=2"]));
    assert_eq!(out["headers"]["vary"], "accept, origin");
    assert!(out["headers"].get("set-cookie").is_none());
}

#[test]
fn binary_and_encoded_bodies_go_out_as_base64() {
    let out = response(&[("content-type", "image/png")], &[0x89, b'P', b'N', b'G']);
    assert_eq!(out["isBase64Encoded"], true);
    assert_eq!(out["body"], "iVBORw==");
    let out = response(
        &[("content-type", "text/plain"), ("content-encoding", "gzip")],
        b"abc",
    );
    assert_eq!(out["isBase64Encoded"], true);
    let out = response(&[("content-type", "text/plain")], &[0xff, 0xfe]);
    assert_eq!(out["isBase64Encoded"], true, "not UTF-8");
    let out = response(&[("content-type", "text/csv; charset=utf-8")], b"a,b\n");
    assert_eq!(out["body"], "a,b\n");
}

#[test]
fn an_empty_body_is_left_out() {
    let out = response(&[], b"");
    assert!(out.get("body").is_none());
    assert_eq!(out["isBase64Encoded"], false);
}
