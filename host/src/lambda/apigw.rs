//! API Gateway HTTP API (payload format 2.0) and Function URL events — the same shape —
//! to an HTTP request for the HTTP trigger, and the component's response back.
//!
//! In: `rawPath` (less a leading `/<stage>` of a named stage) and `rawQueryString`, the
//! method, the headers, `cookies` joined into one `cookie` header, the body decoded when
//! `isBase64Encoded`. Out: the status, the headers (several values of one name joined with
//! `, `), every `set-cookie` as an entry of `cookies`, and the body as text when it is
//! UTF-8 of a textual type, else base64 with `isBase64Encoded`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::header::{CONTENT_ENCODING, CONTENT_TYPE, COOKIE, HOST, SET_COOKIE};
use http::{HeaderMap, HeaderValue, Request, Response};

/// Why an event cannot become a request (answered 400).
#[derive(Debug, thiserror::Error)]
pub enum HttpEventError {
    /// `isBase64Encoded` is true but `body` is not base64.
    #[error("the event's `body` is not valid base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The path, query or a header cannot be used in an HTTP request.
    #[error("the event's {0} is not a valid HTTP request part")]
    Invalid(&'static str),
}

/// The request an HTTP event stands for, and the client's address (`sourceIp`, port 0).
pub fn to_request(
    event: ApiGatewayV2httpRequest,
) -> Result<(Request<Bytes>, SocketAddr), HttpEventError> {
    let context = &event.request_context;
    let raw_path = event.raw_path.as_deref().unwrap_or("/");
    let path = strip_stage(raw_path, context.stage.as_deref());
    let uri = match event.raw_query_string.as_deref() {
        Some(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_string(),
    };
    let mut request = Request::builder()
        .method(context.http.method.clone())
        .uri(uri)
        .body(Bytes::new())
        .map_err(|_| HttpEventError::Invalid("path or query"))?;
    *request.headers_mut() = event.headers;
    let headers = request.headers_mut();
    if let Some(cookies) = event.cookies.filter(|c| !c.is_empty()) {
        let joined = HeaderValue::try_from(cookies.join("; "))
            .map_err(|_| HttpEventError::Invalid("cookies"))?;
        headers.insert(COOKIE, joined);
    }
    if !headers.contains_key(HOST)
        && let Some(domain) = &context.domain_name
    {
        let host = HeaderValue::try_from(domain.as_str())
            .map_err(|_| HttpEventError::Invalid("domainName"))?;
        headers.insert(HOST, host);
    }
    let body = match event.body {
        None => Bytes::new(),
        Some(body) if event.is_base64_encoded => Bytes::from(STANDARD.decode(body)?),
        Some(body) => Bytes::from(body),
    };
    *request.body_mut() = body;
    let ip = context
        .http
        .source_ip
        .as_deref()
        .and_then(|ip| ip.parse().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    Ok((request, SocketAddr::new(ip, 0)))
}

/// The event response for a component's response.
pub fn to_response(response: Response<Bytes>) -> ApiGatewayV2httpResponse {
    let (parts, body) = response.into_parts();
    let mut out = ApiGatewayV2httpResponse::default();
    out.status_code = i64::from(parts.status.as_u16());
    for name in parts.headers.keys() {
        let values = parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok());
        if name == SET_COOKIE {
            out.cookies.extend(values.map(str::to_string));
            continue;
        }
        let joined = values.collect::<Vec<_>>().join(", ");
        if let Ok(value) = HeaderValue::try_from(joined) {
            out.headers.insert(name.clone(), value);
        }
    }
    if !body.is_empty() {
        match std::str::from_utf8(&body) {
            Ok(text) if is_textual(&parts.headers) => out.body = Some(Body::Text(text.to_string())),
            _ => {
                out.body = Some(Body::Binary(body.to_vec()));
                out.is_base64_encoded = true;
            }
        }
    }
    out
}

/// `rawPath` of a named stage starts with `/<stage>`; Spin routes are absolute, so the
/// stage is taken off. `$default` (and Function URLs) have no prefix.
fn strip_stage<'a>(path: &'a str, stage: Option<&str>) -> &'a str {
    let Some(stage) = stage.filter(|s| !s.is_empty() && *s != "$default") else {
        return path;
    };
    match path.strip_prefix('/').and_then(|p| p.strip_prefix(stage)) {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// Whether a body of these headers can travel as text: not content-encoded, and of a
/// textual media type (or of none).
fn is_textual(headers: &HeaderMap) -> bool {
    if headers.contains_key(CONTENT_ENCODING) {
        return false;
    }
    let Some(content_type) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/x-ndjson"
                | "application/x-www-form-urlencoded"
                | "application/yaml"
                | "image/svg+xml"
        )
}

#[cfg(test)]
mod tests;
