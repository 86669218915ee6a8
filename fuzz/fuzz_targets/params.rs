//! Query strings and form bodies (tally-common's `Params`) read by every component's
//! parameter checks, and the input taken whole as one parameter or path-segment value
//! (instants, dates, ids, things). Nothing may panic; a refusal names the parameter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_common::params::{Params, parse_value, path_segment};
use tally_common::problem::Problem;

/// Whether `result` is accepted or refused by a message naming a parameter in backquotes.
fn named<T, E: Into<Problem>>(result: Result<T, E>) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => e.into().detail.contains('`'),
    }
}

/// Every component's checks of a parsed query string.
fn checks(p: &Params) {
    let _ = (p.refuse_nul(), p.list("ids"), p.list("ad_ids"));
    // slices
    use tally_slices::request;
    assert!(named(request::event(p)));
    assert!(named(request::format(p)));
    assert!(named(request::timestamp(p, "timestamp")));
    assert!(named(request::count(p, "limit", 10, 1000)));
    // etl's dashboard queries
    use tally_etl::query;
    let range = query::Range::from_params(p).map(|r| r.buckets(query::Granularity::Day).len());
    assert!(named(range));
    assert!(named(query::granularity(p)));
    assert!(named(query::by(p)));
    assert!(named(query::limit(p)));
    assert!(named(query::ad_ids(p)));
    // streams' pages
    if let Err(e) = tally_streams::ello::parse_query(p) {
        assert!(e.0.contains('`'), "{}", e.0);
    }
    if let Err(e) = tally_streams::roshi::parse_select(p) {
        assert!(e.0.contains('`') || e.0.contains("cursor"), "{}", e.0);
    }
    // ingest's report ranges
    for name in ["from", "to", "starting", "ending"] {
        if let Some(v) = p.get(name) {
            value(v);
        }
    }
}

/// One parameter or path-segment value through every parser of single values.
fn value(v: &str) {
    use tally_ingest::{grandstand, time};
    match time::parse_instant("from", v) {
        Ok(t) => {
            let _ = (time::hour_floor(t), time::hour_ceil(t), time::param(t));
            let _ = tally_ingest::rollup::Hours::covering(t, t);
            let _ = tally_ingest::rollup::Hours::around(t);
        }
        Err(p) => assert!(p.detail.contains("`from`"), "{}", p.detail),
    }
    if let Err(p) = time::parse_date("to", v) {
        assert!(p.detail.contains("`to`"), "{}", p.detail);
    }
    if let Err(p) = grandstand::ending(Some(v)) {
        assert!(p.detail.contains("`ending`"), "{}", p.detail);
    }
    let _ = grandstand::starting(Some(v));
    if let Ok(micros) = tally_etl::timestamp::parse_micros(v) {
        let _ = tally_etl::timestamp::hour_start_secs(micros);
        let _ = tally_etl::timestamp::day_of(micros);
    }
    assert!(named(tally_etl::query::id("ad_id", v)));
    assert!(named(parse_value::<i64>("uid", v)));
    assert!(named(path_segment("id", v)));
    if let Ok(atid) = v.parse::<tally_points::things::Atid>() {
        let _ = atid.script_arg();
    }
    if let Ok(thing) = v.parse::<tally_points::things::Thing>() {
        assert_eq!(
            thing.name().parse::<tally_points::things::Thing>().ok(),
            Some(thing)
        );
    }
    if let Ok(routing) = tally_slices::routing::Routing::parse(v, 3) {
        for slice in [0, 1, u64::MAX] {
            assert!(routing.shards_for(slice, 3).iter().all(|i| *i < 3));
        }
    }
    let _ = tally_slices::addresses::parse_shards(v);
}

fuzz_target!(|data: &[u8]| {
    let _ = Params::from_form(data);
    if let Ok(p) = Params::strict_form(data) {
        checks(&p);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        value(text);
    }
});
