//! The component's entry point (compiled for wasm only).

use spin_sdk::http::Request;
use spin_sdk::wasip3::http::types::{ErrorCode, Response};

/// The HTTP entry point.
#[spin_sdk::http_service]
async fn handle(req: Request) -> Result<Response, ErrorCode> {
    crate::http::handle(req).await
}
