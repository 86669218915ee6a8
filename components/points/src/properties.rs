//! Property tests of everything points parses from outside: write and count bodies (one
//! object, batches, arbitrary bytes), channel messages, path segments (uid, thing, atid,
//! window bounds) and the window decomposition they feed. Properties: nothing panics; an
//! accepted write satisfies every validation rule; a rejection names the field.
//! `PROPTEST_CASES` raises the case count (`scripts/fuzz.sh`).

use proptest::prelude::*;
use serde_json::{Value, json};
use tally_common::params::parse_value;

use crate::calendar::MAX_TS;
use crate::decompose::decompose;
use crate::input::{MAX_VALUE, Mode, count_from_json, parse_body, write_from_json};
use crate::messages;
use crate::things::{Atid, Thing};

/// A field value of any JSON type, biased to the edges of the integer rules.
fn field() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(json!(0)),
        Just(json!(-0.0)),
        Just(json!(MAX_VALUE)),
        Just(json!(MAX_VALUE + 1)),
        Just(json!(MAX_TS)),
        Just(json!(MAX_TS + 1)),
        (1i64..2_000_000_000).prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::from),
        Just(Value::Null),
        Just(json!([1])),
        Just(json!({"a": 1})),
    ]
}

/// A write-shaped object: each known field present or not, with any value.
fn write_like() -> impl Strategy<Value = Value> {
    let names = [
        "thing", "uid", "atid", "aid", "value", "ts1", "ts2", "mode", "extra",
    ];
    proptest::collection::vec(
        proptest::option::of(prop_oneof![
            field(),
            Just(json!("steps")),
            Just(json!("increment")),
            Just(json!("diffadd")),
        ]),
        names.len(),
    )
    .prop_map(move |values| {
        let object = names
            .iter()
            .zip(values)
            .filter_map(|(n, v)| v.map(|v| (n.to_string(), v)))
            .collect();
        Value::Object(object)
    })
}

fn names_a_field(error: &str) -> bool {
    error.contains('`')
        || error.contains("JSON")
        || error.contains("object")
        || error.contains("batch")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        for result in [parse_body(&body, write_from_json).map(|_| ()), parse_body(&body, count_from_json).map(|_| ())] {
            if let Err(e) = result {
                prop_assert!(e.0.iter().all(|m| names_a_field(m)), "{e}");
            }
        }
        let _ = messages::parse(&body);
    }

    #[test]
    fn accepted_writes_keep_every_rule(items in proptest::collection::vec(write_like(), 1..4)) {
        let body = Value::Array(items.clone()).to_string();
        match parse_body(body.as_bytes(), write_from_json) {
            Ok((writes, batch)) => {
                prop_assert!(batch);
                prop_assert_eq!(writes.len(), items.len());
                for w in writes {
                    prop_assert!((1..=MAX_TS).contains(&w.ts2));
                    prop_assert!(0 <= w.ts1 && w.ts1 <= w.ts2);
                    prop_assert!(w.value.abs() <= MAX_VALUE);
                    prop_assert!(w.mode == Mode::Increment || items.iter().any(|i| i.get("ts1").is_some()));
                }
            }
            Err(e) => {
                prop_assert!(!e.0.is_empty());
                prop_assert!(e.0.iter().all(|m| names_a_field(m)), "{e}");
            }
        }
    }

    #[test]
    fn one_write_or_count_names_its_bad_fields(item in write_like()) {
        if let Err(errors) = write_from_json(&item) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|m| m.contains('`')), "{errors:?}");
        }
        if let Err(errors) = count_from_json(&item) {
            prop_assert!(errors.iter().all(|m| m.contains('`')), "{errors:?}");
        }
        let message = json!({"command": "metric", "metric": item}).to_string();
        let _ = messages::parse(message.as_bytes());
    }

    #[test]
    fn path_segments_parse_or_name_themselves(segment in prop_oneof![
        "\\PC{0,12}",
        "-?[0-9]{1,25}",
        Just("all".to_string()),
        Just("%FF".to_string()),
    ]) {
        let named = |r: Result<i64, tally_common::problem::Problem>, name: &str| match r {
            Ok(_) => true,
            Err(p) => p.detail.contains(&format!("`{name}`")),
        };
        prop_assert!(named(parse_value("uid", &segment), "uid"));
        prop_assert!(named(parse_value("start", &segment), "start"));
        if let Ok(atid) = segment.parse::<Atid>() {
            let _ = atid.script_arg();
        }
        if let Ok(thing) = segment.parse::<Thing>() {
            prop_assert_eq!(thing.name().parse::<Thing>().ok(), Some(thing));
        }
    }

    #[test]
    fn any_window_decomposes_in_order(start in any::<i64>(), end in any::<i64>()) {
        let spans = decompose(start, end);
        prop_assert!(spans.len() <= 2 * 8100 + 200);
        prop_assert!(spans.is_empty() || start.max(0) <= end.min(MAX_TS));
        for pair in spans.windows(2) {
            prop_assert!(pair[0].first() < pair[1].first());
        }
    }

    #[test]
    fn small_windows_decompose_in_order(start in 0i64..MAX_TS, len in 0i64..100_000_000) {
        let spans = decompose(start, start.saturating_add(len));
        prop_assert!(!spans.is_empty());
        prop_assert!(spans.iter().all(|s| s.first() <= s.last()));
    }
}
