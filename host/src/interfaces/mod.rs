//! The host side of the interfaces components import beyond WASI.

pub mod outbound_http;
pub mod postgres;
pub mod redis;
pub mod variables;

use wasmtime::component::{HasSelf, Linker};

use crate::bindings::HostImports;
use crate::state::HostState;

/// Adds WASI (p2 and p3), `wasi:http` (p3) and the Spin interfaces to `linker`.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_async(linker)?;
    wasmtime_wasi::p3::add_to_linker(linker)?;
    wasmtime_wasi_http::p3::add_to_linker(linker)?;
    HostImports::add_to_linker::<_, HasSelf<HostState>>(linker, |state| state)?;
    Ok(())
}
