//! The bad-input matrix: table-driven requests that must each be answered with a given
//! 4xx whose RFC 9457 `detail` names the problem, and must leave the test's Redis keys and
//! Postgres rows exactly as they were.

use std::collections::BTreeMap;

use redis::TypedCommands;

use crate::Backends;
use crate::http::{self, Reply};

/// One bad request and what it must get.
#[derive(Debug, Clone)]
pub struct Case {
    /// The HTTP method.
    pub method: &'static str,
    /// Path and query.
    pub path: String,
    /// Extra request headers.
    pub headers: Vec<(&'static str, String)>,
    /// `(content type, body)`.
    pub body: Option<(String, Vec<u8>)>,
    /// The expected status.
    pub status: u16,
    /// Text the problem's `detail` must contain (the field, parameter or header named).
    pub names: String,
    /// An oversized body of this many bytes, sent raw (see [`Case::oversized`]).
    pub oversized: Option<(usize, bool)>,
}

/// A case without a body.
pub fn case(method: &'static str, path: impl Into<String>) -> Case {
    Case {
        method,
        path: path.into(),
        headers: Vec::new(),
        body: None,
        status: 400,
        names: String::new(),
        oversized: None,
    }
}

impl Case {
    /// With a body of `content_type`.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Case {
        self.body = Some((content_type.to_string(), body.into()));
        self
    }

    /// With a JSON body.
    pub fn json(self, body: impl Into<Vec<u8>>) -> Case {
        self.body("application/json", body)
    }

    /// With a form body.
    pub fn form(self, body: impl Into<Vec<u8>>) -> Case {
        self.body("application/x-www-form-urlencoded", body)
    }

    /// With header `name: value`.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Case {
        self.headers.push((name, value.into()));
        self
    }

    /// Expecting `status` with a detail containing `names`.
    pub fn expect(mut self, status: u16, names: &str) -> Case {
        self.status = status;
        self.names = names.to_string();
        self
    }

    /// With a body of `len` bytes (of the content type of [`Case::body`] if given, else
    /// JSON): declared by `content-length` and not sent (the server must refuse it from
    /// the header), or sent `chunked` without a length (the server must stop reading once
    /// over its limit).
    pub fn oversized(mut self, len: usize, chunked: bool) -> Case {
        self.oversized = Some((len, chunked));
        self
    }

    /// Sends the case to `base` (`http://host:port`).
    pub fn send(&self, base: &str) -> Reply {
        if let Some((len, chunked)) = self.oversized {
            let content_type = self.body.as_ref().map_or("application/json", |(ct, _)| ct);
            return raw(base, (self.method, &self.path), content_type, len, chunked);
        }
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let body = self
            .body
            .as_ref()
            .map(|(ct, b)| (ct.as_str(), b.as_slice()));
        http::request_bytes(self.method, &format!("{base}{}", self.path), &headers, body)
    }
}

/// Sends every case to `base` and checks each answer; then checks that `state` (a
/// snapshot of everything the component could have written) did not change.
pub fn run<S: PartialEq + std::fmt::Debug>(base: &str, cases: &[Case], state: impl Fn() -> S) {
    let before = state();
    let mut failures = Vec::new();
    for c in cases {
        let reply = c.send(base);
        let shown = format!("{} {} -> {} {}", c.method, c.path, reply.status, reply.body);
        if reply.status != c.status {
            failures.push(format!("expected {}: {shown}", c.status));
            continue;
        }
        if reply.content_type.as_deref() != Some("application/problem+json") {
            failures.push(format!(
                "not problem+json ({:?}): {shown}",
                reply.content_type
            ));
            continue;
        }
        let body: serde_json::Value = match serde_json::from_str(&reply.body) {
            Ok(v) => v,
            Err(_) => {
                failures.push(format!("body is not JSON: {shown}"));
                continue;
            }
        };
        let detail = body["detail"].as_str().unwrap_or("");
        if body["status"] != c.status || body["title"].as_str().is_none() {
            failures.push(format!("not an RFC 9457 problem: {shown}"));
        } else if !detail.contains(&c.names) {
            failures.push(format!("detail does not name {:?}: {shown}", c.names));
        }
        if c.status == 405 && reply.header("allow").is_none_or(str::is_empty) {
            failures.push(format!("405 without allow: {shown}"));
        }
        if c.status == 401 && reply.header("www-authenticate").is_none() {
            failures.push(format!("401 without www-authenticate: {shown}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(state(), before, "a refused request wrote something");
}

/// Sends a request with a `len`-byte body of spaces over a plain socket (a client library
/// fails on the early answer) and reads the answer; write errors after the server answered
/// are expected and ignored.
fn raw(
    base: &str,
    (method, path): (&str, &str),
    content_type: &str,
    len: usize,
    chunked: bool,
) -> Reply {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("the host accepts");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let framing = if chunked {
        "transfer-encoding: chunked".to_string()
    } else {
        format!("content-length: {len}")
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: {content_type}\r\n{framing}\r\nconnection: close\r\n\r\n"
    );
    let _ = stream.write_all(head.as_bytes());
    if chunked {
        let chunk = vec![b' '; 1 << 20];
        let mut sent = 0;
        while sent < len {
            let n = chunk.len().min(len - sent);
            let frame = [format!("{n:x}\r\n").as_bytes(), &chunk[..n], b"\r\n"].concat();
            if stream.write_all(&frame).is_err() {
                break;
            }
            sent += n;
        }
        let _ = stream.write_all(b"0\r\n\r\n");
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP response: {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let body = if find("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        body,
        content_type: find("content-type"),
        link: find("link"),
        headers,
    }
}

/// The payload of a `chunked` body (hex size line, data, CRLF; a 0 size ends it).
fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

/// Every Redis key starting with the test's prefix, with its serialized value (`DUMP`).
pub fn redis_state(backends: &Backends) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut conn = backends.redis();
    let keys: Vec<Vec<u8>> = conn
        .scan_match::<_, Vec<u8>>(format!("{}*", backends.prefix))
        .expect("SCAN runs")
        .filter_map(Result::ok)
        .collect();
    keys.into_iter()
        .map(|k| {
            let dump: Vec<u8> = redis::cmd("DUMP")
                .arg(&k)
                .query(&mut conn)
                .unwrap_or_default();
            (k, dump)
        })
        .collect()
}

/// Every table of the test's schema with a digest of its rows.
pub fn postgres_state(backends: &Backends) -> BTreeMap<String, String> {
    let mut pg = backends.postgres();
    let tables: Vec<String> = pg
        .query(
            "SELECT table_name::text FROM information_schema.tables \
              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            &[],
        )
        .expect("tables listed")
        .iter()
        .map(|r| r.get(0))
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let sql = format!(
                "SELECT count(*)::text || ':' || coalesce(md5(string_agg(r::text, ',' ORDER BY r::text)), '') \
                   FROM \"{t}\" r"
            );
            let digest: String = pg.query_one(&sql, &[]).expect("digest").get(0);
            (t, digest)
        })
        .collect()
}
