//! A tiny S3-compatible object server on loopback, for tests of components that fetch
//! objects: path-style `GET`/`HEAD /<bucket>/<key>` (the key percent-decoded) answered
//! with the object and its `ETag`, S3's `NoSuchKey` 404 for a missing key, and `GET /`
//! answered 200 (a reachability check). Objects live in memory; every request is logged.
//! It is a real HTTP server (`tiny_http`), started per test on port 0, stopped on drop.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Response, Server};

type Objects = Arc<Mutex<HashMap<(String, String), (Arc<Vec<u8>>, String)>>>;

/// A running object server.
pub struct S3Server {
    url: String,
    port: u16,
    objects: Objects,
    log: Arc<Mutex<Vec<String>>>,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl S3Server {
    /// Starts an empty server on a free loopback port.
    pub fn start() -> S3Server {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("a loopback port"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let objects: Objects = Arc::default();
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let thread = {
            let (server, objects, log) = (server.clone(), objects.clone(), log.clone());
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let line = format!("{} {}", request.method(), request.url());
                    log.lock().unwrap().push(line);
                    let response = answer(&objects, request.method(), request.url());
                    let _ = request.respond(response);
                }
            })
        };
        S3Server {
            url: format!("http://127.0.0.1:{port}"),
            port,
            objects,
            log,
            server,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`: the endpoint to configure.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `127.0.0.1:PORT`: the host a component must be allowed to reach.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stores `body` as `bucket`/`key`; returns its ETag (unquoted).
    pub fn put(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) -> String {
        let body = body.into();
        let mut hasher = DefaultHasher::new();
        body.hash(&mut hasher);
        let etag = format!("{:016x}", hasher.finish());
        let entry = (Arc::new(body), etag.clone());
        self.objects
            .lock()
            .unwrap()
            .insert((bucket.to_string(), key.to_string()), entry);
        etag
    }

    /// Removes `bucket`/`key`.
    pub fn delete(&self, bucket: &str, key: &str) {
        self.objects
            .lock()
            .unwrap()
            .remove(&(bucket.to_string(), key.to_string()));
    }

    /// The requests so far, as `METHOD /raw/path`.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The response to `method url`.
fn answer(objects: &Objects, method: &Method, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split('?').next().unwrap_or("");
    if path == "/" {
        return Response::from_string("tally test S3 endpoint");
    }
    let decoded =
        percent_encoding::percent_decode_str(path.trim_start_matches('/')).decode_utf8_lossy();
    let (bucket, key) = decoded.split_once('/').unwrap_or((&decoded, ""));
    let found = objects
        .lock()
        .unwrap()
        .get(&(bucket.to_string(), key.to_string()))
        .cloned();
    let header =
        |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("a valid header");
    match (method, found) {
        (Method::Get | Method::Head, Some((body, etag))) => {
            let data = if *method == Method::Head {
                Vec::new()
            } else {
                body.to_vec()
            };
            Response::from_data(data)
                .with_header(header("ETag", &format!("\"{etag}\"")))
                .with_header(header("Content-Type", "text/tab-separated-values"))
        }
        (Method::Get | Method::Head, None) => Response::from_string(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>\
             <Message>The specified key does not exist.</Message><Key>{key}</Key></Error>"
        ))
        .with_status_code(404)
        .with_header(header("Content-Type", "application/xml")),
        _ => Response::from_string("method not allowed").with_status_code(405),
    }
}

/// An S3 `ObjectCreated:Put` notification record (the fixture
/// `components/etl/testdata/s3-put-record.json`) for `bucket`/`key` (give the key
/// URL-encoded, as S3 does) with `etag`.
pub fn put_record(bucket: &str, key: &str, etag: &str) -> serde_json::Value {
    let path = crate::workspace_root().join("components/etl/testdata/s3-put-record.json");
    let text = std::fs::read_to_string(&path).expect("the S3 record fixture");
    let mut record: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    record["s3"]["bucket"]["name"] = bucket.into();
    record["s3"]["object"]["key"] = key.into();
    record["s3"]["object"]["eTag"] = etag.into();
    record
}

/// A message of a Lambda SQS event with `body`.
pub fn sqs_message(id: &str, body: &str) -> serde_json::Value {
    serde_json::json!({
        "messageId": id,
        "receiptHandle": format!("handle-{id}"),
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1714608000000"},
        "messageAttributes": {},
        "md5OfBody": "0",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:etl",
        "awsRegion": "us-east-1"
    })
}
