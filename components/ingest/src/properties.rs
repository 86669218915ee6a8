//! Property tests of everything ingest parses from outside: batch bodies (JSON arrays and
//! NDJSON, arbitrary bytes), single events of arbitrary shape, instants and dates, content
//! types. Properties: nothing panics; the fast and the tree parser agree; a valid event
//! keeps its values; a rejection names the field. `PROPTEST_CASES` raises the case count
//! (`scripts/fuzz.sh`).

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::batch::{self, Format};
use crate::event::{self, Outcome, Window};
use crate::{fast, grandstand, rollup::Hours, time};

const OPEN: Window = Window { latest: i64::MAX };

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An id field: sometimes right (a string or an integer), often not.
fn id_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "\\PC{0,8}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(json!("")),
        Just(json!("a\u{0}b")),
        "x{250,260}".prop_map(Value::from),
        any_json(),
    ]
}

/// An event-shaped object whose fields have arbitrary types and values.
fn event_like() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(id_value()),
        proptest::option::of(id_value()),
        proptest::option::of(prop_oneof![id_value(), Just(Value::Null)]),
        proptest::option::of(prop_oneof![
            any::<f64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            Just(json!(f64::MAX)),
            any_json(),
        ]),
        proptest::option::of(id_value()),
        proptest::option::of(prop_oneof![Just(json!("post_was_viewed")), id_value()]),
    )
        .prop_map(|(post, author, viewer, at, kind, event)| {
            let mut e = serde_json::Map::new();
            let holder = |v: Value| if v.is_object() { v } else { json!({"id": v}) };
            if let Some(p) = post {
                e.insert("post".into(), holder(p));
            }
            if let Some(a) = author {
                e.insert("author".into(), holder(a));
            }
            if let Some(v) = viewer {
                e.insert("viewer".into(), if v.is_null() { v } else { holder(v) });
            }
            if let Some(t) = at {
                e.insert("viewed_at".into(), t);
            }
            if let Some(k) = kind {
                e.insert("stream_kind".into(), k);
            }
            if let Some(k) = event {
                e.insert("event".into(), k);
            }
            Value::Object(e)
        })
}

fn names_a_field(error: &str) -> bool {
    error.contains('`') || error.contains("not JSON") || error.contains("object")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        for format in [Format::Json, Format::Ndjson] {
            if let Ok(batch) = batch::parse(&body, format, OPEN) {
                for r in &batch.rejected {
                    prop_assert!(names_a_field(&r.error), "{}", r.error);
                }
            }
        }
    }

    #[test]
    fn event_shaped_batches_are_parsed_field_by_field(events in proptest::collection::vec(event_like(), 0..8)) {
        let array = Value::Array(events.clone()).to_string();
        let ndjson: Vec<String> = events.iter().map(Value::to_string).collect();
        let from_array = batch::parse(array.as_bytes(), Format::Json, OPEN).unwrap();
        let from_lines = batch::parse(ndjson.join("\n").as_bytes(), Format::Ndjson, OPEN).unwrap();
        prop_assert_eq!(&from_array, &from_lines);
        let counted = from_array.impressions.len() + from_array.duplicates
            + from_array.ignored + from_array.rejected.len();
        prop_assert_eq!(counted, events.len());
        for r in &from_array.rejected {
            prop_assert!(names_a_field(&r.error), "{}", r.error);
        }
    }

    #[test]
    fn the_fast_path_agrees_with_the_tree_path(e in event_like()) {
        // Both paths parse the same text, as in the component (serde_json's float parsing
        // does not round-trip every f64, so the in-memory value could differ by an ulp).
        let text = e.to_string();
        let tree = event::validate(&serde_json::from_str(&text).unwrap(), OPEN);
        if let Some(raw) = fast::one(text.as_bytes()) {
            prop_assert_eq!(raw.check(OPEN), tree.clone());
        }
        if let Err(error) = tree {
            prop_assert!(names_a_field(&error), "{}", error);
        }
    }

    #[test]
    fn valid_events_keep_their_values(
        post in "\\PC{1,40}", author in "\\PC{1,40}", viewer in proptest::option::of("\\PC{1,40}"),
        at in 0u32..4_000_000_000, micros in 0u32..1_000_000,
    ) {
        prop_assume!(!post.contains('\0') && !author.contains('\0'));
        prop_assume!(viewer.as_ref().is_none_or(|v| !v.contains('\0')));
        let secs = f64::from(at) + f64::from(micros) / 1e6;
        let mut e = json!({"post": {"id": post}, "author": {"id": author}, "viewed_at": secs});
        if let Some(v) = &viewer {
            e["viewer"] = json!({"id": v});
        }
        let Ok(Outcome::Impression(i)) = event::validate(&e, OPEN) else {
            return Err(TestCaseError::fail(format!("{e} was refused")));
        };
        prop_assert_eq!((&i.post_id, &i.author_id, &i.viewer_id), (&post, &author, &viewer));
        prop_assert!((i.created_at - (secs * 1e6).round() as i64).abs() <= 1);
    }

    #[test]
    fn times_never_panic(secs in any::<f64>()) {
        if let Ok(micros) = event::check_time(secs, OPEN) {
            prop_assert!(micros >= 0);
        }
    }

    #[test]
    fn instants_never_panic(value in prop_oneof![
        "\\PC{0,32}",
        "[+-]?[0-9]{1,7}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?",
        "[+-]?[0-9]{1,20}(\\.[0-9]{1,8})?",
        any::<f64>().prop_map(|f| f.to_string()),
    ]) {
        match time::parse_instant("from", &value) {
            Ok(t) => {
                let _ = (time::hour_floor(t), time::hour_ceil(t), time::param(t));
                let _ = Hours::covering(t, t);
                let _ = Hours::around(t);
                let _ = grandstand::ending(Some(&value));
                let _ = grandstand::starting(Some(&value));
            }
            Err(p) => prop_assert!(p.detail.contains("`from`"), "{}", p.detail),
        }
        match time::parse_date("to", &value) {
            Ok(d) => { let _ = grandstand::ending(Some(&d.to_string())); }
            Err(p) => prop_assert!(p.detail.contains("`to`")),
        }
        if let Err(p) = grandstand::ending(Some(&value)) {
            prop_assert!(p.detail.contains("`ending`"), "{}", p.detail);
        }
    }

    #[test]
    fn content_types_never_panic(ct in proptest::option::of("\\PC{0,40}")) {
        if let Err(e) = Format::from_content_type(ct.as_deref()) {
            prop_assert!(e.contains("`content-type`"));
        }
    }
}
