//! The end-to-end test harness, shared by every test in `tests/tests/` and by the
//! component tests that come later.
//!
//! - [`apps`]: the components' test manifests, for tests outside their own directory;
//! - [`bad_input`]: the table-driven bad-input matrix and state snapshots;
//! - [`build`]: builds the host and the components once per test run;
//! - [`Backends`]: a Redis key prefix and a Postgres schema of the test's own;
//! - [`Host`]: `tally up` on a free port with a generated manifest and given variables;
//! - [`lambda`]: a loopback Lambda Runtime API and `tally lambda` run against it;
//! - [`s3`]: a tiny S3-compatible object server on loopback;
//! - [`http`]: a small blocking HTTP client for the tests;
//! - [`servers`]: a Redis and a Postgres of a test's own, to stop and start again.

pub mod apps;
pub mod backends;
pub mod bad_input;
pub mod build;
pub mod host;
pub mod http;
pub mod lambda;
pub mod manifest;
pub mod s3;
pub mod servers;

pub use backends::Backends;
pub use build::{component_wasm, host_binary, workspace_root};
pub use host::Host;
pub use manifest::ManifestBuilder;
