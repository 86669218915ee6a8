//! A blocking HTTP client that reports every status instead of failing on 4xx/5xx.

use std::sync::OnceLock;
use std::time::Duration;

/// Status, headers of interest, and body of a response.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The `content-type` header, if any.
    pub content_type: Option<String>,
    /// The `link` header, if any.
    pub link: Option<String>,
    /// Every header, names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// The first value of header `name` (lower case), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics with the body if it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into()
    })
}

/// Any method with extra headers and an optional `(content type, body)` (also on GET
/// and DELETE).
pub fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &str)>,
) -> Reply {
    request_bytes(method, url, headers, body.map(|(ct, b)| (ct, b.as_bytes())))
}

/// Like [`request`] with a body of arbitrary bytes (not necessarily UTF-8).
pub fn request_bytes(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Reply {
    let builder = ureq::http::Request::builder().method(method).uri(url);
    let builder = headers.iter().fold(builder, |r, (k, v)| r.header(*k, *v));
    let response = match body {
        Some((content_type, body)) => agent().run(
            builder
                .header("content-type", content_type)
                .body(body.to_vec())
                .unwrap(),
        ),
        None => agent().run(builder.body(()).unwrap()),
    };
    let mut response = response.expect("the host answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (content_type, link) = (header("content-type"), header("link"));
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (n.as_str().to_string(), value)
        })
        .collect();
    Reply {
        status: response.status().as_u16(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
        content_type,
        link,
        headers,
    }
}

/// `GET url`.
pub fn get(url: &str) -> Reply {
    request("GET", url, &[], None)
}

/// `POST url` with `body` of `content_type`.
pub fn post(url: &str, content_type: &str, body: &str) -> Reply {
    request("POST", url, &[], Some((content_type, body)))
}
