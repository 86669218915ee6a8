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
