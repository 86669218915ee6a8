//! Data written by the original (detail hashes only, no totals) is read, and later
//! writes to the same buckets add to it.

use redis::TypedCommands;
use serde_json::json;

use super::*;

/// Writes `value` for (uid, atid, aid) at `second` (YYYYMMDDHHMMSS) the way the original
/// did: one HINCRBY per level on `hz:<thing>:<uid>:<bucket>`, field `<child>:<atid>:<aid>`.
pub fn original_write(
    backends: &Backends,
    thing: u8,
    uid: i64,
    atid: i64,
    aid: i64,
    value: i64,
    second: &str,
) {
    let mut redis = backends.redis();
    let p = key_prefix(backends);
    for len in [4, 6, 8, 10, 12] {
        let key = format!("{p}hz:{thing}:{uid}:{}", &second[..len]);
        let field = format!("{}:{atid}:{aid}", &second[..len + 2]);
        redis.hincr(&key, &field, value).unwrap();
    }
}

#[test]
fn the_originals_data_is_readable_and_extended() {
    in_each_mode("points_compat", |host, backends| {
        let t0 = 1_458_061_005; // 20160315165645
        original_write(backends, 3, 42, 1, 500, 10, "20160315165645");
        original_write(backends, 3, 42, 2, 501, 4, "20160301000000");
        let (a, b) = (t0 - 30 * 86_400, t0 + 86_400);
        assert_eq!(query(host, 42, "points", "all", a, b), 14);
        assert_eq!(query(host, 42, "points", "2", a, b), 4);
        assert_eq!(query(host, 42, "points", "all", t0, t0), 10);
        let body = ok_json(post_form(
            host,
            &format!("/points/v1/mumt_query/all/{a}/{b}"),
            "things=points&ids=42",
        ));
        assert_eq!(body["data"]["42"]["points"], 14);
        let mut atids: Vec<i64> =
            serde_json::from_value(body["data"]["42"]["_atids"].clone()).unwrap();
        atids.sort();
        assert_eq!(atids, [1, 2]);
        // A diffadd on the original's activity 500 sees its 10 and adds 5 more.
        write_ok(host, &metric("points", 42, 1, 500, 15, t0 - 60, t0 + 1));
        assert_eq!(query(host, 42, "points", "all", a, b), 19);
        assert_eq!(query(host, 42, "points", "1", a, b), 15);
        assert_eq!(query(host, 42, "points", "all", t0 + 1, t0 + 1), 5);
        // The sums hash of a bucket the original started holds both writers' values:
        // the year's total and March (Fenwick node 3: March alone).
        let mut redis = backends.redis();
        let sums = format!("{}hz:3:42:2016:f", key_prefix(backends));
        assert_eq!(redis.hget(&sums, "2016").unwrap().as_deref(), Some("19"));
        assert_eq!(redis.hget(&sums, "201603").unwrap().as_deref(), Some("19"));
        assert_eq!(
            ok_json(post_form(
                host,
                &format!("/points/v1/query_ids/points/all/{a}/{b}"),
                "ids=42"
            )),
            json!({"42": 19})
        );
        // Activities from both writers are listed once each; atid filters apply.
        let mumt = |atid: &str| {
            ok_json(post_form(
                host,
                &format!("/points/v1/mumt_query/{atid}/{a}/{b}"),
                "things=points&ids=42",
            ))["data"]["42"]
                .clone()
        };
        let mut atids: Vec<i64> = serde_json::from_value(mumt("all")["_atids"].clone()).unwrap();
        atids.sort();
        assert_eq!(atids, [1, 2]);
        assert_eq!(mumt("1"), json!({"_atids": [1], "points": 15}));
    });
}
