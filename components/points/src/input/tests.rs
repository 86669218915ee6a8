use serde_json::json;

use super::*;

fn write(v: Value) -> Result<Write, Vec<String>> {
    write_from_json(&v)
}

#[test]
fn the_specs_write() {
    let w = write(json!({"thing":"steps","uid":1,"atid":2,"aid":3,"value":10,"ts1":1496539746,"ts2":1496539747})).unwrap();
    assert_eq!(
        w,
        Write {
            thing: Thing::Steps,
            uid: 1,
            atid: 2,
            aid: 3,
            value: 10,
            ts1: 1496539746,
            ts2: 1496539747,
            mode: Mode::Diffadd,
            id: None,
        }
    );
}

#[test]
fn increment_mode_needs_no_ts1_and_allows_negative_values() {
    let w = write(json!({"thing":"points","uid":1,"atid":3,"aid":0,"value":-4,"ts2":1458061005,"mode":"increment"})).unwrap();
    assert_eq!((w.mode, w.ts1, w.value), (Mode::Increment, 1458061005, -4));
    let e =
        write(json!({"thing":"points","uid":1,"atid":3,"aid":0,"value":4,"ts2":5})).unwrap_err();
    assert_eq!(e, ["field `ts1` is missing"]);
}

#[test]
fn every_bad_field_is_named() {
    let e = write(json!({"thing":"lol","uid":"1","atid":2.5,"value":1,"ts1":9,"ts2":0,"mode":"x"}))
        .unwrap_err();
    let all = e.join("\n");
    for field in ["`thing`", "`uid`", "`atid`", "`aid`", "`ts2`", "`mode`"] {
        assert!(all.contains(field), "{field} not named in {all}");
    }
    let e = write(json!({"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":10,"ts2":9}))
        .unwrap_err();
    assert_eq!(e, ["field `ts1` (10) must not be after `ts2` (9)"]);
    let e =
        write(json!({"thing":"steps","uid":1,"atid":2,"aid":3,"value":1i64<<60,"ts1":1,"ts2":9}))
            .unwrap_err();
    assert!(e[0].contains("`value`"));
    assert!(write(json!([1])).unwrap_err()[0].contains("object"));
}

#[test]
fn a_batch_is_all_or_nothing() {
    let good = json!({"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":1,"ts2":9});
    let bad = json!({"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":1,"ts2":-9});
    let (ws, batch) = parse_value(&json!([good, good]), write_from_json).unwrap();
    assert_eq!((ws.len(), batch), (2, true));
    let (ws, batch) = parse_value(&good, write_from_json).unwrap();
    assert_eq!((ws.len(), batch), (1, false));
    let e = parse_value(&json!([good, bad]), write_from_json).unwrap_err();
    assert_eq!(e.0.len(), 1);
    assert!(e.0[0].starts_with("item 1: field `ts2`"), "{e}");
    let e = parse_body(b"{nope", write_from_json).unwrap_err();
    assert!(e.to_string().contains("not valid JSON"));
}

#[test]
fn counts() {
    let c = count_from_json(&json!({"thing":"logins_7","value":2,"ts":1458061005})).unwrap();
    assert_eq!(c.name, "logins_7");
    let e = count_from_json(&json!({"thing":"a:b","value":"2"})).unwrap_err();
    let all = e.join("\n");
    for field in ["`thing`", "`value`", "`ts`"] {
        assert!(all.contains(field), "{field} not named in {all}");
    }
}

#[test]
fn client_ids_are_optional_bounded_strings() {
    let base = json!({"thing":"points","uid":1,"atid":3,"aid":0,"value":1,"ts2":1458061005,"mode":"increment"});
    assert_eq!(write(base.clone()).unwrap().id, None);
    let mut with = base.clone();
    with["id"] = json!("w-1");
    assert_eq!(write(with).unwrap().id.as_deref(), Some("w-1"));
    for bad in [json!(""), json!(7), json!("x".repeat(MAX_ID_BYTES + 1))] {
        let mut v = base.clone();
        v["id"] = bad;
        let errors = write(v).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("`id`")), "{errors:?}");
    }
    let count = count_from_json(&json!({"thing":"logins","value":1,"ts":1458061005,"id":"c-1"}));
    assert_eq!(count.unwrap().id.as_deref(), Some("c-1"));
}
