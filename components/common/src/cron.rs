//! Exporting Tally's cron interface from a component.
//!
//! Spin's cron plugin calls a synchronous `handle-cron-event`, which cannot await
//! spin-sdk 7's async Redis and Postgres calls; Tally's `tally:bundle/cron` is the same
//! shape as an `async func`. A component implements [`CronHandler`] and exports it:
//!
//! ```text
//! struct Jobs;
//! impl tally_common::cron::CronHandler for Jobs {
//!     async fn handle_cron_event(metadata: tally_common::cron::Metadata) -> Result<(), tally_common::cron::Error> {
//!         Ok(())
//!     }
//! }
//! tally_common::cron::export_cron!(Jobs);
//! ```

#[doc(hidden)]
pub mod bindings {
    spin_sdk::wit_bindgen::generate!({
        path: "../../wit",
        world: "tally:bundle/cron-component",
        runtime_path: "::spin_sdk::wit_bindgen::rt",
        pub_export_macro: true,
        export_macro_name: "export_cron",
        default_bindings_module: "::tally_common::cron::bindings",
    });
}

pub use bindings::export_cron;
pub use bindings::exports::tally::bundle::cron::{Error, Guest as CronHandler, Metadata};
