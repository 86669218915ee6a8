//! Answering one request (no I/O): an embedded file for `GET`/`HEAD` with its content
//! type, ETag and cache rule, `304` when `if-none-match` names the current ETag, the
//! health route, and RFC 9457 problems for unknown paths (404) and other methods (405).

use bytes::Bytes;
use headers::{ETag, HeaderMapExt, IfNoneMatch};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use serde_json::json;
use tally_common::problem::Problem;

use crate::assets::{self, Asset};

/// The dashboard's health route.
pub const HEALTH: &str = "/dashboard/health";

/// The pages' content security policy: everything from this origin only (scripts are
/// modules under `/js/`, styles under `/css/` and `/vendor/`; no inline code).
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; base-uri 'none'; \
                       form-action 'self'; frame-ancestors 'none'";

/// The methods every path answers.
const ALLOWED: [&str; 2] = ["GET", "HEAD"];

/// The response to `method path` with request `headers`.
pub fn respond(method: &Method, path: &str, headers: &HeaderMap) -> Response<Bytes> {
    let head = method == Method::HEAD;
    let known = path == HEALTH || assets::find(path).is_some();
    if !known {
        return problem(Problem::new(
            StatusCode::NOT_FOUND,
            format!("no page or file at {path}"),
        ));
    }
    if method != Method::GET && !head {
        return problem(Problem::method_not_allowed(method.as_str(), path, &ALLOWED));
    }
    let response = match assets::find(path) {
        Some(asset) => file(asset, headers),
        None => health(),
    };
    if head {
        response.map(|_| Bytes::new())
    } else {
        response
    }
}

/// `asset`, or `304 Not Modified` when the client holds the current version.
fn file(asset: &'static Asset, headers: &HeaderMap) -> Response<Bytes> {
    let fresh = match (
        headers.typed_get::<IfNoneMatch>(),
        asset.etag.parse::<ETag>(),
    ) {
        (Some(condition), Ok(etag)) => !condition.precondition_passes(&etag),
        _ => false,
    };
    let (status, body) = if fresh {
        (StatusCode::NOT_MODIFIED, Bytes::new())
    } else {
        (StatusCode::OK, Bytes::from_static(asset.body))
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    let content_type = assets::content_type(asset.path).unwrap_or("application/octet-stream");
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::ETAG, HeaderValue::from_static(asset.etag));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(assets::CACHE_CONTROL),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if content_type.starts_with("text/html") {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

/// `GET /dashboard/health`: the component has no backends; it answers while it runs.
fn health() -> Response<Bytes> {
    let body = json!({"component": "dashboard", "status": "ok", "files": assets::ASSETS.len()});
    let mut response = Response::new(Bytes::from(body.to_string()));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `problem` as a response that no cache keeps.
fn problem(problem: Problem) -> Response<Bytes> {
    let (mut parts, body) = problem.into_response().into_parts();
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Bytes::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Response<Bytes> {
        respond(&Method::GET, path, &HeaderMap::new())
    }

    fn header<'a>(r: &'a Response<Bytes>, name: &str) -> &'a str {
        r.headers()[name].to_str().unwrap()
    }

    fn body(r: &Response<Bytes>) -> serde_json::Value {
        serde_json::from_slice(r.body()).unwrap()
    }

    #[test]
    fn serves_pages_with_type_etag_and_cache_rule() {
        let r = get("/");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
        assert_eq!(header(&r, "cache-control"), "no-cache");
        assert_eq!(
            header(&r, "etag"),
            assets::find("/index.html").unwrap().etag
        );
        assert!(header(&r, "content-security-policy").contains("default-src 'self'"));
        assert!(std::str::from_utf8(r.body()).unwrap().contains("<html"));
        let r = get("/vendor/uPlot.iife.min.js");
        assert_eq!(header(&r, "content-type"), "text/javascript; charset=utf-8");
        assert!(r.headers().get("content-security-policy").is_none());
        assert!(r.body().len() > 10_000);
        assert_eq!(
            header(&get("/openapi.yaml"), "content-type"),
            "application/yaml"
        );
    }

    #[test]
    fn if_none_match_gives_304() {
        let etag = assets::find("/css/dashboard.css").unwrap().etag;
        let mut headers = HeaderMap::new();
        headers.insert("if-none-match", format!("\"x\", {etag}").parse().unwrap());
        let r = respond(&Method::GET, "/css/dashboard.css", &headers);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert!(r.body().is_empty());
        assert_eq!(header(&r, "etag"), etag);
        headers.insert("if-none-match", "\"other\"".parse().unwrap());
        let r = respond(&Method::GET, "/css/dashboard.css", &headers);
        assert_eq!(r.status(), StatusCode::OK);
        headers.insert("if-none-match", "*".parse().unwrap());
        let r = respond(&Method::GET, "/css/dashboard.css", &headers);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn head_has_the_headers_and_no_body() {
        let r = respond(&Method::HEAD, "/index.html", &HeaderMap::new());
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.body().is_empty());
        assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
    }

    #[test]
    fn unknown_paths_are_404_problems() {
        let r = get("/nope.html");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&r, "content-type"), "application/problem+json");
        let p = body(&r);
        assert_eq!(p["status"], 404);
        assert_eq!(p["title"], "Not Found");
        assert_eq!(p["detail"], "no page or file at /nope.html");
        let r = respond(&Method::POST, "/etl/batches", &HeaderMap::new());
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn other_methods_are_405_with_allow() {
        let r = respond(&Method::DELETE, "/index.html", &HeaderMap::new());
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(header(&r, "allow"), "GET, HEAD");
        assert!(body(&r)["detail"].as_str().unwrap().contains("DELETE"));
    }

    #[test]
    fn health_answers_ok() {
        let r = get(HEALTH);
        assert_eq!(r.status(), StatusCode::OK);
        let b = body(&r);
        assert_eq!(b["component"], "dashboard");
        assert_eq!(b["status"], "ok");
        assert_eq!(b["files"], assets::ASSETS.len());
    }
}
