//! The library Tally's components share.
//!
//! - [`cron`]: export Tally's async cron interface (`tally:bundle/cron`).
//! - [`problem`]: RFC 9457 `application/problem+json` error responses.

pub mod cron;
pub mod problem;
