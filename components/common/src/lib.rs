//! The library Tally's components share.
//!
//! - [`cron`]: export Tally's async cron interface (`tally:bundle/cron`).
//! - [`problem`]: RFC 9457 `application/problem+json` error responses;
//! - [`params`]: query-string and form parameters with errors naming the parameter;
//! - [`backend`]: Redis/Postgres failures as problems (503 when unreachable);
//! - [`body`]: request bodies read with a size limit (413 beyond);
//! - [`auth`]: bearer tokens and basic auth, compared in constant time.

pub mod auth;
pub mod backend;
pub mod body;
pub mod cron;
pub mod params;
pub mod problem;
