use super::*;

/// 2019-01-03T00:00:00Z in microseconds.
const JAN3: i64 = 1_546_473_600_000_000;

fn params(query: &str) -> Params {
    Params::from_query(Some(query))
}

#[test]
fn bounds_in_every_accepted_form() {
    for v in [
        "2019-01-03T00:00:00Z",
        "2019-01-03T01:00:00+01:00",
        "2019-01-03T00:00:00",
        "2019-01-03 00:00:00",
        "2019-01-03",
        "1546473600",
        "1546473600.0",
    ] {
        assert_eq!(bound("from", v).unwrap(), JAN3, "{v}");
    }
    assert_eq!(bound("from", "1546473600.25").unwrap(), JAN3 + 250_000);
    for v in ["soon", "", "NaN", "1e300", "0999-01-01", "2019-01-32"] {
        let e = bound("to", v).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.detail.contains("`to`"), "{v}: {}", e.detail);
    }
}

#[test]
fn ranges_are_required_ordered_and_bounded() {
    let r = Range::from_params(&params("from=2019-01-03&to=2019-01-04")).unwrap();
    assert_eq!(
        r,
        Range {
            from: JAN3,
            to: JAN3 + DAY_MICROS
        }
    );
    let missing = Range::from_params(&params("to=2019-01-04")).unwrap_err();
    assert!(missing.detail.contains("`from`"));
    let reversed = Range::from_params(&params("from=2019-01-04&to=2019-01-03")).unwrap_err();
    assert!(reversed.detail.contains("`to` must be after `from`"));
    let equal = Range::from_params(&params("from=2019-01-04&to=2019-01-04"));
    assert!(equal.is_err());
    assert!(
        Range::from_params(&params("from=2019-01-01&to=2019-04-03")).is_ok(),
        "92 days"
    );
    let long = Range::from_params(&params("from=2019-01-01&to=2019-04-04")).unwrap_err();
    assert!(long.detail.contains("92 days"), "{}", long.detail);
}

#[test]
fn buckets_are_the_hour_starts_in_the_range() {
    let hour = |h: i64| JAN3 + h * HOUR_MICROS;
    // [00:30, 03:00): the hours starting at 01:00 and 02:00.
    let r = Range {
        from: hour(0) + HOUR_MICROS / 2,
        to: hour(3),
    };
    assert_eq!(r.buckets(Granularity::Hour), [hour(1), hour(2)]);
    // [00:00, 03:00]: 00:00 is in, 03:00 is out.
    let r = Range {
        from: hour(0),
        to: hour(3),
    };
    assert_eq!(r.buckets(Granularity::Hour), [hour(0), hour(1), hour(2)]);
    // From 22:00 on Jan 3 to 02:00 on Jan 5: three days hold an hour of the range.
    let r = Range {
        from: hour(22),
        to: hour(50),
    };
    assert_eq!(
        r.buckets(Granularity::Day),
        [JAN3, JAN3 + DAY_MICROS, JAN3 + 2 * DAY_MICROS]
    );
    assert_eq!(r.buckets(Granularity::Hour).len(), 28);
}

#[test]
fn choices_and_limits_name_the_parameter() {
    assert_eq!(granularity(&params("")).unwrap(), Granularity::Hour);
    assert_eq!(
        granularity(&params("granularity=day")).unwrap(),
        Granularity::Day
    );
    assert!(
        granularity(&params("granularity=week"))
            .unwrap_err()
            .detail
            .contains("`granularity`")
    );
    assert_eq!(by(&params("")).unwrap(), By::Clicks);
    assert_eq!(by(&params("by=ctr")).unwrap(), By::Ctr);
    assert!(by(&params("by=users")).unwrap_err().detail.contains("`by`"));
    assert_eq!(limit(&params("")).unwrap(), 10);
    assert_eq!(limit(&params("limit=1000")).unwrap(), 1000);
    assert!(
        limit(&params("limit=0"))
            .unwrap_err()
            .detail
            .contains("`limit`")
    );
    assert!(
        limit(&params("limit=x"))
            .unwrap_err()
            .detail
            .contains("`limit`")
    );
}

#[test]
fn ad_ids_of_the_export() {
    assert_eq!(ad_ids(&params("ad_id=100,101")).unwrap(), [100, 101]);
    assert!(
        ad_ids(&params(""))
            .unwrap_err()
            .detail
            .contains("`ad_id` is missing")
    );
    assert!(
        ad_ids(&params("ad_id=1,x"))
            .unwrap_err()
            .detail
            .contains("`ad_id`")
    );
    let many = (0..=MAX_ADS)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        ad_ids(&params(&format!("ad_id={many}")))
            .unwrap_err()
            .detail
            .contains("at most")
    );
}
