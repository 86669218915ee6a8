//! Reading a request body with a size limit: a body over the limit is a 413, refused from
//! `content-length` before anything is read, or as soon as more than the limit arrived.

use futures::StreamExt;
use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{HeaderMap, Request};

use crate::problem::Problem;

/// The body limit of routes that take small JSON or form bodies (1 MiB).
pub const DEFAULT_LIMIT: usize = 1 << 20;

/// The `content-length` the client declared, if it is a number.
pub fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// The 413 for a body of (at least) `len` bytes where `limit` are accepted.
pub fn too_large(len: usize, limit: usize) -> Problem {
    Problem::too_large(format!(
        "the request body has {len} bytes or more; at most {limit} are accepted"
    ))
}

/// Checks a declared length against `limit`.
pub fn check_declared(headers: &HeaderMap, limit: usize) -> Result<(), Problem> {
    match declared_length(headers) {
        Some(len) if len > limit => Err(too_large(len, limit)),
        _ => Ok(()),
    }
}

/// The media type of a `content-type` value: lower case, without parameters (`""` when
/// absent).
pub fn media_type(content_type: Option<&str>) -> String {
    content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Checks that a body's `content-type` is JSON (`application/json`, `text/json`,
/// `*/*+json`) or absent; anything else is a 415 naming the header.
pub fn require_json(content_type: Option<&str>) -> Result<(), Problem> {
    let media = media_type(content_type);
    if media.is_empty()
        || media == "application/json"
        || media == "text/json"
        || media.ends_with("+json")
    {
        Ok(())
    } else {
        Err(Problem::new(
            spin_sdk::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("header `content-type` must be application/json, not {media:?}"),
        ))
    }
}

/// Reads the body of `req`, at most `limit` bytes (413 beyond; 400 when it cannot be read).
pub async fn read(req: Request, limit: usize) -> Result<Vec<u8>, Problem> {
    check_declared(req.headers(), limit)?;
    let mut stream = req.into_body().stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            Problem::bad_request(format!("the request body could not be read: {e:?}"))
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(body.len() + chunk.len(), limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        for ok in [
            None,
            Some("application/json"),
            Some("Application/JSON; charset=utf-8"),
            Some("application/merge-patch+json"),
        ] {
            assert!(require_json(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/jsonp",
        ] {
            let p = require_json(Some(bad)).unwrap_err();
            assert_eq!(p.status, 415);
            assert!(p.detail.contains("`content-type`"));
        }
    }

    #[test]
    fn declared_lengths() {
        let mut h = HeaderMap::new();
        assert_eq!(declared_length(&h), None);
        assert!(check_declared(&h, 10).is_ok());
        h.insert("content-length", "11".parse().unwrap());
        assert_eq!(declared_length(&h), Some(11));
        let p = check_declared(&h, 10).unwrap_err();
        assert_eq!(p.status, 413);
        assert!(p.detail.contains("at most 10"));
        assert!(check_declared(&h, 11).is_ok());
        h.insert("content-length", "-1".parse().unwrap());
        assert!(check_declared(&h, 10).is_ok());
    }
}
