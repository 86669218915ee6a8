//! `dashboard`: the bundle's web pages, served at `/`. See `README.md` for the pages and
//! what each calls.
//!
//! The files (`web/site/`, the vendored chart library, `openapi.yaml`) are embedded at
//! compile time by `build.rs`. Pure modules (unit-tested natively): [`assets`] (the file
//! table, content types, caching rule) and [`serve`] (one request's answer). The entry
//! point exists only in the component.

pub mod assets;
pub mod serve;
// The export symbols of the entry point are not valid in a native library.
#[cfg(target_arch = "wasm32")]
mod entry;
