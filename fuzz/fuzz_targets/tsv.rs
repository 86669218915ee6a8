//! etl's TSV files: the header line (columns found by name) and every row, read whole and
//! cut in two at a point taken from the input. Nothing may panic; both readings agree; a
//! bad row's reason names the field; what a valid row stages holds no NUL (Postgres text).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_etl::parser::{Parser, Summary};
use tally_etl::row::Chunk;

/// Reads `bytes` in two pieces cut at `cut`, three valid rows to a chunk.
fn read(bytes: &[u8], cut: usize) -> Result<(Vec<Chunk>, Summary), String> {
    let mut parser = Parser::new(3);
    let mut chunks = parser.feed(&bytes[..cut]).map_err(|e| e.to_string())?;
    chunks.extend(parser.feed(&bytes[cut..]).map_err(|e| e.to_string())?);
    let (rest, summary) = parser.finish().map_err(|e| e.to_string())?;
    chunks.extend(rest);
    Ok((chunks, summary))
}

fuzz_target!(|data: &[u8]| {
    let cut = data.first().map_or(0, |b| usize::from(*b)) % (data.len() + 1);
    let whole = read(data, data.len());
    assert_eq!(whole, read(data, cut), "the pieces were read differently");
    let Ok((chunks, summary)) = whole else { return };
    assert_eq!(
        chunks.iter().map(|c| c.len() as u64).sum::<u64>(),
        summary.rows
    );
    for bad in &summary.bad_lines {
        assert!(
            bad.reason.contains('`') || bad.reason.contains("fields"),
            "{}",
            bad.reason
        );
    }
    for c in &chunks {
        for s in c
            .impression_ids
            .iter()
            .chain(&c.user_ids)
            .chain(&c.ips)
            .flatten()
        {
            assert!(!s.contains('\0'), "{s:?}");
        }
    }
});
