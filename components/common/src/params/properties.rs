//! Property tests of parameter decoding: arbitrary bytes never panic, encoded pairs
//! round-trip, and invalid UTF-8 is refused naming the parameter. `PROPTEST_CASES` raises
//! the case count (`scripts/fuzz.sh`).

use proptest::prelude::*;

use super::*;

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let lossy = Params::from_form(&body);
        match Params::strict_form(&body) {
            Ok(strict) => prop_assert_eq!(&strict.pairs, &lossy.pairs),
            Err(p) => {
                prop_assert_eq!(p.status, 400);
                prop_assert!(p.detail.contains("UTF-8"));
            }
        }
        let _ = lossy.list("a");
        let _ = lossy.parse::<i64>("a");
    }

    #[test]
    fn query_like_strings_never_panic(q in "[a-z%=&+0-9A-F\\x00-\\x7f]{0,64}") {
        let p = Params::from_query(Some(&q));
        let _ = Params::strict_query(Some(&q));
        for (name, _) in p.pairs.clone() {
            prop_assert!(p.has(&name));
            let _ = p.required_parse::<u64>(&name);
        }
    }

    #[test]
    fn encoded_pairs_round_trip(pairs in proptest::collection::vec((".{1,12}", ".{0,12}"), 1..6)) {
        let params = Params::strict_form(encode(&pairs).as_bytes()).unwrap();
        for (name, _) in &pairs {
            let first = pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            prop_assert_eq!(params.get(name), first);
        }
    }

    #[test]
    fn invalid_utf8_names_the_parameter(
        name in "[a-z]{1,8}",
        prefix in "[a-z]{0,4}",
        bad in 0x80u8..=0xFF,
    ) {
        // A lone byte >= 0x80 is never valid UTF-8 after plain ASCII.
        let query = format!("ok=1&{name}={prefix}%{bad:02X}");
        let e = Params::strict_query(Some(&query)).unwrap_err();
        let needle = format!("`{name}`");
        prop_assert!(e.detail.contains(&needle), "{}", e.detail);
    }

    #[test]
    fn values_parse_or_name_the_parameter(value in ".{0,24}") {
        match parse_value::<i64>("n", &value) {
            Ok(n) => prop_assert_eq!(n.to_string().parse::<i64>().unwrap(), n),
            Err(p) => prop_assert!(p.detail.contains("`n`")),
        }
    }

    #[test]
    fn lists_hold_no_empty_items(value in "[a-z, ]{0,32}") {
        let params = Params::strict_form(encode(&[("ids".into(), value)]).as_bytes()).unwrap();
        prop_assert!(params.list("ids").iter().all(|i| !i.is_empty() && i.trim() == i));
    }
}
