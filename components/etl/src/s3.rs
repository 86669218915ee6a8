//! Fetching an object from the S3-compatible endpoint: a path-style, unsigned
//! `GET <endpoint>/<bucket>/<key>` over outbound HTTP, read as a stream. (A real bucket
//! needs public or policy-granted read access, or a signing proxy: see `README.md`.)

use bytes::Bytes;
use futures::Stream;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::wasip3::http::types::ErrorCode;

/// What stays unescaped in a key's path: RFC 3986's unreserved characters and `/`.
const KEY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Decodes a key as S3 notifications carry it (URL-encoded, spaces as `+`).
pub fn decode_key(raw: &str) -> Result<String, String> {
    let spaced = raw.replace('+', " ");
    let key = percent_decode_str(&spaced)
        .decode_utf8()
        .map_err(|_| format!("the key {raw:?} does not decode to UTF-8"))?
        .into_owned();
    if key.is_empty() {
        return Err("the S3 record's key is empty".into());
    }
    Ok(key)
}

/// The path-style URL of `bucket`/`key` at `endpoint`.
pub fn object_url(endpoint: &str, bucket: &str, key: &str) -> String {
    format!(
        "{}/{}/{}",
        endpoint.trim_end_matches('/'),
        utf8_percent_encode(bucket, KEY),
        utf8_percent_encode(key, KEY)
    )
}

/// An object being fetched: the server's ETag and the body.
pub struct Object<B> {
    /// The `ETag` response header, without quotes.
    pub etag: Option<String>,
    /// The body, chunk by chunk.
    pub body: B,
}

/// Starts `GET <endpoint>/<bucket>/<key>`; `Err` says why the object cannot be read.
pub async fn fetch(
    endpoint: &str,
    bucket: &str,
    key: &str,
) -> Result<Object<impl Stream<Item = Result<Bytes, ErrorCode>> + Unpin + use<>>, String> {
    let url = object_url(endpoint, bucket, key);
    let request = http::Request::get(&url)
        .body(spin_sdk::http::EmptyBody::new())
        .map_err(|e| format!("bad object URL {url}: {e}"))?;
    let response = spin_sdk::http::send(request)
        .await
        .map_err(|e| format!("GET {url} failed: {e:?}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {url} answered {status}"));
    }
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_matches('"').to_string());
    Ok(Object {
        etag,
        body: response.into_body().stream(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decode_as_s3_encodes_them() {
        assert_eq!(
            decode_key("batches/2019-01-03/part+1%2B2.tsv").unwrap(),
            "batches/2019-01-03/part 1+2.tsv"
        );
        assert_eq!(decode_key("caf%C3%A9.tsv").unwrap(), "café.tsv");
        assert!(decode_key("%FF").unwrap_err().contains("UTF-8"));
        assert!(decode_key("").is_err());
    }

    #[test]
    fn urls_are_path_style_and_escaped() {
        assert_eq!(
            object_url(
                "http://127.0.0.1:9000/",
                "ad-events",
                "batches/part 1+2.tsv"
            ),
            "http://127.0.0.1:9000/ad-events/batches/part%201%2B2.tsv"
        );
        assert_eq!(
            object_url("http://h", "b", "café.tsv"),
            "http://h/b/caf%C3%A9.tsv"
        );
    }
}
