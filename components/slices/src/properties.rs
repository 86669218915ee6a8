//! Property tests of everything slices parses from outside: the parameters of every route
//! (arbitrary query strings and form bodies), timestamps and the slice arithmetic they feed,
//! and the routing and shard settings. Properties: nothing panics; an accepted event keeps
//! its user and kind; a refusal names the parameter. `PROPTEST_CASES` raises the case
//! count (`scripts/fuzz.sh`).

use proptest::prelude::*;
use tally_common::params::Params;

use crate::addresses::parse_shards;
use crate::error::Error;
use crate::model::Kind;
use crate::request::{self, MAX_USER_BYTES};
use crate::routing::Routing;
use crate::slicing::{Slicing, rfc3339, to_millis};

fn detail(e: Error) -> String {
    tally_common::problem::Problem::from(e).detail
}

fn encode(pairs: &[(&str, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_parameters_never_panic(body in proptest::collection::vec(any::<u8>(), 0..128)) {
        let Ok(p) = Params::strict_form(&body) else { return Ok(()) };
        for result in [
            request::event(&p).map(|_| ()),
            request::format(&p).map(|_| ()),
            request::timestamp(&p, "timestamp").map(|_| ()),
            request::count(&p, "limit", 10, 1000).map(|_| ()),
        ] {
            if let Err(e) = result {
                prop_assert!(detail(e).contains('`'));
            }
        }
    }

    #[test]
    fn events_keep_their_user_and_kind(
        user in "\\PC{1,64}", ts in any::<i64>(), click in any::<bool>(), extra in "[a-z]{0,6}",
    ) {
        let flag = if click { "click" } else { "impression" };
        let query = format!("{}&{flag}&{extra}=1", encode(&[("user", user.clone()), ("timestamp", ts.to_string())]));
        match request::event(&Params::strict_query(Some(&query)).unwrap()) {
            Ok(e) => {
                prop_assert_eq!(&e.user, &user);
                prop_assert_eq!(e.kind, if click { Kind::Click } else { Kind::Impression });
                prop_assert_eq!(Some(e.ts_ms), to_millis(ts));
            }
            Err(e) => {
                let d = detail(e);
                prop_assert!(d.contains("`timestamp`") || (extra == "click" || extra == "impression") || user.len() > MAX_USER_BYTES, "{}", d);
            }
        }
    }

    #[test]
    fn timestamps_and_slices_never_panic(
        ts in any::<i64>(), first in any::<i64>(), length in 1i64..=i64::MAX, to in any::<i64>(),
    ) {
        let s = Slicing { first_ms: first, length_ms: length };
        if let Some(ms) = to_millis(ts) {
            let _ = rfc3339(ms);
            if let Some(slice) = s.slice_of(ms) {
                let _ = (s.start_ms(slice), s.end_ms(slice));
            }
            let _ = s.overlapping(ms, to);
        }
    }

    #[test]
    fn routing_and_shard_settings_never_panic(text in prop_oneof![
        "\\PC{0,40}",
        "\\[(\\{\"slice\": ?-?[0-9]{1,21}, ?\"shards\": ?\\[(-?[0-9]{1,3},?){0,3}\\]\\},?){0,3}\\]",
    ], shards in 0usize..5) {
        if let Ok(r) = Routing::parse(&text, shards)
            && shards > 0
        {
            for slice in [0, 1, u64::MAX] {
                prop_assert!(r.shards_for(slice, shards).iter().all(|i| *i < shards));
            }
        }
        let _ = parse_shards(&text);
    }
}
