//! Every JSON (and NDJSON) body and channel message a component reads: ingest batches
//! (both formats, the fast path agreeing with the tree path), points writes, counts and
//! messages, streams' Ello and Roshi bodies, etl's S3/SQS events. Nothing may panic; a
//! rejected event or write names its field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_ingest::batch::{self, Format};
use tally_ingest::event::{self, Window};
use tally_points::input::{count_from_json, parse_body, write_from_json};
use tally_streams::model::Op;

/// Every instant accepted (no clock in a fuzz run).
const OPEN: Window = Window { latest: i64::MAX };

fuzz_target!(|data: &[u8]| {
    // ingest
    for format in [Format::Json, Format::Ndjson] {
        if let Ok(batch) = batch::parse(data, format, OPEN) {
            for r in &batch.rejected {
                let e = &r.error;
                assert!(
                    e.contains('`') || e.contains("not JSON") || e.contains("object"),
                    "{e}"
                );
            }
        }
    }
    if let (Some(raw), Ok(tree)) = (
        tally_ingest::fast::one(data),
        serde_json::from_slice::<serde_json::Value>(data),
    ) {
        assert_eq!(
            raw.check(OPEN),
            event::validate(&tree, OPEN),
            "fast and tree paths differ"
        );
    }
    let _ = tally_ingest::fast::array(data);
    // points
    for errors in [
        parse_body(data, write_from_json).err(),
        parse_body(data, count_from_json).err(),
    ]
    .into_iter()
    .flatten()
    {
        for m in &errors.0 {
            let named = m.contains('`') || m.contains("JSON") || m.contains("object");
            assert!(named || m.contains("batch"), "{m}");
        }
    }
    let _ = tally_points::messages::parse(data);
    // streams
    let _ = tally_streams::ello::parse_items(data, Op::Insert);
    let _ = tally_streams::ello::parse_streams(data);
    let _ = tally_streams::roshi::parse_writes(data, Op::Delete);
    let _ = tally_streams::roshi::parse_keys(data);
    // etl
    let _ = tally_etl::events::parse(data);
});
