//! streams' cursors (`from`/`before` parameters, `Link` headers): arbitrary text must
//! parse or be refused naming the cursor; a parsed cursor, and one built from any finite
//! score and member, must survive printing, escaping into a query and parsing back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_common::params::Params;
use tally_streams::cursor::Cursor;
use tally_streams::ello;

/// `cursor` printed, escaped as the `Link` header does, read back as a query parameter
/// and parsed: the same score bits and member.
fn round_trip(cursor: &Cursor) {
    let text = cursor.to_string();
    let query = format!("from={}", ello::escape(&text));
    let params = Params::strict_query(Some(&query)).expect("an escaped cursor is UTF-8");
    assert_eq!(params.get("from"), Some(text.as_str()));
    let back = Cursor::parse(&text).expect("a printed cursor parses");
    assert_eq!(back.score.to_bits(), cursor.score.to_bits());
    assert_eq!(back.member, cursor.member);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match Cursor::parse(text) {
            Ok(cursor) => round_trip(&cursor),
            Err(e) => assert!(e.0.contains("cursor"), "{}", e.0),
        }
    }
    if let Some((bits, member)) = data.split_first_chunk::<8>() {
        let score = f64::from_le_bytes(*bits);
        if score.is_finite() {
            round_trip(&Cursor::new(score, member));
        }
    }
});
