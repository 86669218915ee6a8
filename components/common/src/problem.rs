//! RFC 9457 problem details: the error body of every Tally route.

use serde::Serialize;
use spin_sdk::http::{HeaderValue, Response, StatusCode};

/// An `application/problem+json` body.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What exactly is wrong with this request, naming the bad field.
    pub detail: String,
    /// Response headers the status calls for (`allow` on a 405, `www-authenticate` on a
    /// 401); not part of the body.
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
}

impl Problem {
    /// A problem with the given status and detail; the title is the status's reason phrase.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".to_string(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            headers: Vec::new(),
        }
    }

    /// The same problem with response header `name: value` added.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// 405 Method Not Allowed for `method` on `path`, with the `allow` header listing
    /// `allowed` (RFC 9110 §15.5.6).
    pub fn method_not_allowed(method: &str, path: &str, allowed: &[&str]) -> Self {
        let allow = allowed.join(", ");
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("method {method} is not allowed on {path}; use {allow}"),
        )
        .with_header("allow", allow)
    }

    /// 401 Unauthorized with the `www-authenticate` challenge (RFC 9110 §11.6.1).
    pub fn unauthorized(detail: impl Into<String>, challenge: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail).with_header("www-authenticate", challenge)
    }

    /// 413 Content Too Large.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, detail)
    }

    /// 400 Bad Request naming what is wrong.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 503 Service Unavailable: a backend is down; the client may retry.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, detail)
    }

    /// The HTTP response carrying this problem.
    pub fn into_response(self) -> Response<String> {
        let body = serde_json::to_string(&self).expect("a problem always serializes");
        let mut response = Response::new(body);
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response.headers_mut().insert(
            "content-type",
            HeaderValue::from_static("application/problem+json"),
        );
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                spin_sdk::http::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_json_has_rfc9457_fields() {
        let response = Problem::bad_request("field `post_id` is missing").into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        assert_eq!(body["type"], "about:blank");
        assert_eq!(body["title"], "Bad Request");
        assert_eq!(body["status"], 400);
        assert_eq!(body["detail"], "field `post_id` is missing");
        assert!(body.get("headers").is_none());
    }

    #[test]
    fn status_headers_go_to_the_response() {
        let r = Problem::method_not_allowed("PATCH", "/x", &["GET", "POST"]).into_response();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.headers()["allow"], "GET, POST");
        let body: serde_json::Value = serde_json::from_str(r.body()).unwrap();
        assert!(body["detail"].as_str().unwrap().contains("PATCH"));
        let r = Problem::unauthorized("no", "Basic realm=\"tally\"").into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"tally\"");
        assert_eq!(Problem::too_large("big").status, 413);
    }
}
