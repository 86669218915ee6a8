//! The HTTP calls of a seeding: one blocking client, every status reported.

use std::sync::OnceLock;
use std::time::Duration;

/// What can go wrong talking to the bundle.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Nothing answered at the address.
    #[error(
        "{method} {url}: the bundle did not answer ({source}); is it running (scripts/run.sh)?"
    )]
    Unreachable {
        /// The request's method.
        method: &'static str,
        /// The request's URL.
        url: String,
        /// Why.
        source: Box<ureq::Error>,
    },
    /// The bundle refused or failed a request.
    #[error("{method} {url} answered {status}: {body}")]
    Refused {
        /// The request's method.
        method: &'static str,
        /// The request's URL.
        url: String,
        /// The status.
        status: u16,
        /// The body (problem details, usually).
        body: String,
    },
}

/// A response: status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

impl Answer {
    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into()
    })
}

/// `method url` with an optional bearer token and `(content type, body)`; any status.
pub fn send(
    method: &'static str,
    url: &str,
    bearer: Option<&str>,
    body: Option<(&str, &str)>,
) -> Result<Answer, SeedError> {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let result = match body {
        Some((content_type, body)) => agent().run(
            request
                .header("content-type", content_type)
                .body(body.to_string())
                .expect("a valid request"),
        ),
        None => agent().run(request.body(()).expect("a valid request")),
    };
    let mut response = result.map_err(|e| SeedError::Unreachable {
        method,
        url: url.to_string(),
        source: Box::new(e),
    })?;
    Ok(Answer {
        status: response.status().as_u16(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    })
}

/// Like [`send`], but a status outside 2xx is an error.
pub fn expect_ok(
    method: &'static str,
    url: &str,
    bearer: Option<&str>,
    body: Option<(&str, &str)>,
) -> Result<Answer, SeedError> {
    let answer = send(method, url, bearer, body)?;
    if (200..300).contains(&answer.status) {
        Ok(answer)
    } else {
        Err(SeedError::Refused {
            method,
            url: url.to_string(),
            status: answer.status,
            body: answer.body,
        })
    }
}
