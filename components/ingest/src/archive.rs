//! The archive: an S3-compatible, path-style `PUT <base>/<bucket>/<key>` over outbound
//! HTTP, unsigned. A real bucket needs an endpoint that accepts that: a proxy that signs
//! (or a bucket policy for the component's network), since SigV4 is not implemented.

use crate::config::Config;

/// The URL of `key`.
pub fn url(config: &Config, key: &str) -> String {
    format!("{}/{}/{}", config.archive_url, config.archive_bucket, key)
}

/// Stores `body` as `key`; `Err` unless the archive answered 2xx.
pub async fn put(config: &Config, key: &str, body: Vec<u8>) -> Result<(), String> {
    let url = url(config, key);
    let request = http::Request::put(&url)
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-length", body.len().to_string())
        .body(spin_sdk::http::FullBody::new(bytes::Bytes::from(body)))
        .map_err(|e| format!("bad archive URL {url}: {e}"))?;
    let response = spin_sdk::http::send(request)
        .await
        .map_err(|e| format!("PUT {url} failed: {e:?}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("PUT {url} answered {status}"))
    }
}
