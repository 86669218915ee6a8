//! Property tests of everything streams parses from outside: cursors (round trip and
//! arbitrary text), Ello item and coalesce bodies, Roshi write and select bodies, and page
//! parameters. Properties: nothing panics; a cursor decodes to what was encoded; a
//! rejection names the field, parameter or cursor. `PROPTEST_CASES` raises the case count
//! (`scripts/fuzz.sh`).

use proptest::prelude::*;
use serde_json::{Value, json};
use tally_common::params::Params;

use crate::cursor::Cursor;
use crate::model::Op;
use crate::{ello, roshi};

/// Any finite score.
fn score() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |f| f.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn cursors_round_trip(score in score(), member in proptest::collection::vec(any::<u8>(), 0..64)) {
        let cursor = Cursor::new(score, member.clone());
        let text = cursor.to_string();
        let back = Cursor::parse(&text).unwrap();
        prop_assert_eq!(back.score.to_bits(), cursor.score.to_bits());
        prop_assert_eq!(back.member, member);
        // Escaped as the Link header escapes it and decoded as a query parameter is.
        let query = format!("from={}", ello::escape(&text));
        let params = Params::strict_query(Some(&query)).unwrap();
        prop_assert_eq!(params.get("from"), Some(text.as_str()));
    }

    #[test]
    fn arbitrary_cursors_never_panic(text in prop_oneof![
        "\\PC{0,40}",
        "[0-9]{0,22}A[A-Za-z0-9_+/= -]{0,24}",
    ]) {
        if let Err(e) = Cursor::parse(&text) {
            prop_assert!(e.0.contains("cursor"), "{}", e.0);
        }
    }

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = ello::parse_items(&body, Op::Insert);
        let _ = ello::parse_streams(&body);
        let _ = roshi::parse_writes(&body, Op::Delete);
        let _ = roshi::parse_keys(&body);
    }

    #[test]
    fn item_bodies_name_their_fields(
        id in prop_oneof![".{0,8}".prop_map(Value::from), any::<i64>().prop_map(Value::from), Just(Value::Null)],
        ts in prop_oneof![
            ".{0,30}".prop_map(Value::from),
            Just(json!("2015-10-28T19:08:12Z")),
            Just(json!("2263-01-01T00:00:00Z")),
            Just(json!("1600-01-01T00:00:00Z")),
            any::<i64>().prop_map(Value::from),
        ],
        kind in prop_oneof![any::<i64>().prop_map(Value::from), any::<f64>().prop_map(Value::from), ".{0,4}".prop_map(Value::from)],
        stream in prop_oneof![".{0,8}".prop_map(Value::from), Just(json!([]))],
    ) {
        let body = json!([{"id": id, "ts": ts, "type": kind, "stream_id": stream}]).to_string();
        match ello::parse_items(body.as_bytes(), Op::Insert) {
            Ok(writes) => prop_assert_eq!(writes.len(), 1),
            Err(e) => prop_assert!(e.0.contains('`'), "{}", e.0),
        }
    }

    #[test]
    fn roshi_elements_round_trip_or_name_the_field(
        key in proptest::collection::vec(any::<u8>(), 0..16),
        member in proptest::collection::vec(any::<u8>(), 0..16),
        score in any::<f64>(),
    ) {
        let b64 = crate::cursor::encode_std;
        let body = format!(
            r#"[{{"key":"{}","score":{},"member":"{}"}}]"#,
            b64(&key),
            if score.is_finite() { score.to_string() } else { "1e999".into() },
            b64(&member)
        );
        match roshi::parse_writes(body.as_bytes(), Op::Insert) {
            Ok(writes) => {
                prop_assert_eq!(&writes[0].item.key, &key);
                prop_assert_eq!(&writes[0].item.member, &member);
            }
            Err(e) => prop_assert!(!score.is_finite() && e.0.contains("element 0"), "{}", e.0),
        }
    }

    #[test]
    fn page_parameters_never_panic(query in "[a-z=&%0-9A-F_-]{0,48}") {
        let Ok(params) = Params::strict_query(Some(&query)) else { return Ok(()) };
        if let Err(e) = ello::parse_query(&params) {
            prop_assert!(e.0.contains('`'), "{}", e.0);
        }
        if let Err(e) = roshi::parse_select(&params) {
            prop_assert!(e.0.contains('`') || e.0.contains("cursor"), "{}", e.0);
        }
    }
}
