//! The triggers that call components: HTTP, Redis channels, cron schedules.

pub mod cron;
pub mod http;
pub mod redis;
