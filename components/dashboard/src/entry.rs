//! The component's HTTP entry point (compiled for wasm only): hands the method, path and
//! headers to [`crate::serve`] and sends its answer.

use http_body_util::Full;
use spin_sdk::http::{IntoResponse, Request};
use spin_sdk::wasip3::http::types::{ErrorCode, Response};

/// The HTTP entry point.
#[spin_sdk::http_service]
async fn handle(req: Request) -> Result<Response, ErrorCode> {
    crate::serve::respond(req.method(), req.uri().path(), req.headers())
        .map(Full::new)
        .into_response()
}
