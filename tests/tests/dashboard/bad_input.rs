//! The bad-input matrix of the dashboard's routes (static files at `/...`,
//! `/dashboard/health`, `/openapi.yaml`) in the real bundle: traversal attempts, invalid
//! percent-encoding and UTF-8, huge paths and queries, unknown files and wrong methods are
//! each a 4xx problem naming the path or method, nothing is written; requests the HTTP
//! parser refuses before any component runs get a bare 4xx and the host keeps serving.

use std::io::{Read, Write};
use std::time::Duration;

use tally_tests::bad_input::{Case, case, redis_state, run};
use tally_tests::http;

use super::*;

/// The files each method is tried on.
const FILES: [&str; 5] = [
    "/",
    "/index.html",
    "/dashboard/health",
    "/openapi.yaml",
    "/vendor/uPlot.iife.min.js",
];

/// A `GET` of `path`, which is no file: 404 naming the path.
fn missing(path: impl Into<String>) -> Case {
    let path = path.into();
    let names = format!("no page or file at {}", path.split('?').next().unwrap());
    case("GET", path).expect(404, &names)
}

fn cases() -> Vec<Case> {
    let long = "a".repeat(16 << 10);
    let mut cases = vec![
        // Traversal: the files are embedded, there is no directory to leave; every
        // spelling is an unknown path.
        missing("/../index.html"),
        missing("/css/../index.html"),
        missing("/./index.html"),
        missing("//index.html"),
        missing("/%2e%2e/%2e%2e/etc/passwd"),
        missing("/%2E%2E%2Findex.html"),
        missing("/..%2f..%2fetc%2fpasswd"),
        missing("/css/..\\index.html"),
        missing("/css/..%5cindex.html"),
        missing("/%c0%ae%c0%ae/index.html"),
        missing("/../../../../Cargo.toml"),
        // Percent-encoding that does not decode, or not to UTF-8.
        missing("/%ff%fe.html"),
        missing("/%zz"),
        missing("/%"),
        missing("/index.html%00"),
        missing("/%C3.html"),
        // Huge paths and queries (within the HTTP parser's limits).
        missing(format!("/{long}")),
        missing(format!("/nope.html?q={long}")),
        missing(format!("/nope.html?{}", "a=1&".repeat(4000))),
        // Unknown files.
        missing("/nope.html"),
        missing("/index.htm"),
        missing("/INDEX.HTML"),
        missing("/index.html/"),
        missing("/js/"),
        missing("/js/nope.js"),
        missing("/.env"),
        missing("/spin.toml"),
        missing("/dashboard"),
        missing("/dashboard/health/x"),
        // A body on a GET of a missing file.
        missing("/nope.json").json(r#"{"a":1}"#),
        missing("/nope.txt").body("text/plain", vec![0xff, 0xfe, 0x00]),
        // Wrong methods on a missing file: 404 (nothing to allow).
        case("POST", "/nope.html")
            .json("{}")
            .expect(404, "/nope.html"),
        // Oversized bodies on a file: refused by method before the body is read.
        case("POST", "/index.html")
            .oversized(64 << 20, false)
            .expect(405, "method POST"),
        case("PUT", "/openapi.yaml")
            .oversized(9 << 20, true)
            .expect(405, "method PUT"),
    ];
    for path in FILES {
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let names = format!("method {method} is not allowed on {path}; use GET, HEAD");
            cases.push(case(method, path).expect(405, &names));
        }
        cases.push(
            case("POST", path)
                .json(r#"{"x":1}"#)
                .expect(405, "method POST"),
        );
    }
    cases
}

/// Status line and whole answer of `request` sent as is over a new connection.
fn raw(base: &str, request: &[u8]) -> (u16, String) {
    let mut stream =
        std::net::TcpStream::connect(base.trim_start_matches("http://")).expect("the host accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    (status, text)
}

/// `GET <target>`, closing the connection.
fn get(target: &[u8]) -> Vec<u8> {
    [
        b"GET ".as_slice(),
        target,
        b" HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
    ]
    .concat()
}

#[test]
fn every_dashboard_route_refuses_bad_input_by_name() {
    let bundle = Bundle::start("dash_bad_input");
    let cases = cases();
    println!("BAD-INPUT dashboard: {} cases", cases.len());
    run(&bundle.host.url, &cases, || redis_state(&bundle.backends));
}

#[test]
fn the_http_parser_refuses_what_is_not_http_and_harmless_extras_are_ignored() {
    let bundle = Bundle::start("dash_bad_http");
    let base = &bundle.host.url;
    // Refused by the HTTP parser (hyper) before routing: a bare 400/414 (404 for `*`,
    // which no route matches), no component runs.
    let huge = "a".repeat(80 << 10);
    let refused: [(Vec<u8>, u16); 6] = [
        (get(b"/\xff\xfe.html"), 400),
        (get(b"/ind ex.html"), 400),
        (get(b"/\x00"), 400),
        (get(format!("/{huge}").as_bytes()), 414),
        (get(format!("/index.html?q={huge}").as_bytes()), 414),
        (get(b"*"), 404),
    ];
    for (request, status) in &refused {
        let (got, answer) = raw(base, request);
        let shown = String::from_utf8_lossy(&request[..request.len().min(40)]);
        assert_eq!(got, *status, "{shown}: {answer}");
    }
    // A body on a GET is ignored, and not read as a second request (no smuggling).
    let smuggled = "GET /nope.html HTTP/1.1\r\nhost: t\r\n\r\n";
    let request = format!(
        "GET /index.html HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\
         content-type: text/plain\r\ncontent-length: {}\r\n\r\n{smuggled}",
        smuggled.len()
    );
    let (status, answer) = raw(base, request.as_bytes());
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    // Long or undecodable queries, and headers the dashboard does not understand.
    let long = "q=1&".repeat(4000);
    for (path, headers) in [
        (format!("/index.html?{long}"), vec![]),
        ("/index.html?%ff%fe".to_string(), vec![]),
        (
            "/openapi.yaml".to_string(),
            vec![("if-none-match", "garbage")],
        ),
        (
            "/dashboard/health".to_string(),
            vec![("range", "bytes=9-1")],
        ),
    ] {
        let reply = http::request("GET", &format!("{base}{path}"), &headers, None);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    }
}
