//! The component's HTTP entry point (compiled for wasm only).

use spin_sdk::http::{Request, Response};

/// The HTTP entry point.
#[spin_sdk::http_service]
async fn handle(req: Request) -> Response<String> {
    crate::http::handle(req).await
}
