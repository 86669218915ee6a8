//! The trivial handler the host benchmark serves: it answers every request with a
//! short fixed body, so the numbers measure the runtime, not the component.

use spin_sdk::http::Request;
use spin_sdk::http_service;

#[http_service]
async fn handle(_req: Request) -> &'static str {
    "hello\n"
}
