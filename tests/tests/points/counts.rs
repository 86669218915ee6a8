//! The counter keyspace: `/v1/count`, `/v1/readcount`, `/v1/readcount_with_ids`.

use redis::TypedCommands;
use serde_json::json;

use super::*;

#[test]
fn counts_and_reads() {
    in_each_mode("points_counts", |host, backends| {
        let t0 = 1_458_061_005;
        for (thing, value, ts) in [
            ("logins_1", 1, t0),
            ("logins_1", 2, t0 + 30),
            ("logins_2", 5, t0 + 3600),
            ("signups", -1, t0),
        ] {
            let body = format!(r#"{{"thing":"{thing}","value":{value},"ts":{ts}}}"#);
            let r = post_json(host, "/points/v1/count", &body);
            assert_eq!((r.status, r.body.as_str()), (200, "ok"));
        }
        let r = post_json(
            host,
            "/points/v1/count",
            &format!(r#"[{{"thing":"logins_3","value":4,"ts":{t0}}}]"#),
        );
        assert_eq!(ok_json(r), json!({"counts": 1}));
        assert_eq!(
            ok_int(host.get(&format!("/points/v1/readcount/logins_1/{t0}/{}", t0 + 29))),
            1
        );
        assert_eq!(
            ok_int(host.get(&format!(
                "/points/v1/readcount/logins_1/{}/{}",
                t0 - 86_400,
                t0 + 86_400
            ))),
            3
        );
        assert_eq!(
            ok_int(host.get(&format!("/points/v1/readcount/signups/{t0}/{t0}"))),
            -1
        );
        assert_eq!(
            ok_int(host.get(&format!("/points/v1/readcount/nobody/{t0}/{t0}"))),
            0
        );
        let path = format!("/points/v1/readcount_with_ids/logins/{}/{}", t0, t0 + 7200);
        assert_eq!(
            ok_json(post_form(host, &path, "ids=1,2,3,4")),
            json!({"1": 3, "2": 5, "3": 4, "4": 0})
        );
        assert_eq!(
            ok_json(post_form(
                host,
                &format!("{path}?drop_empty=true"),
                "ids=1,4"
            )),
            json!({"1": 3})
        );
        // The original's layout: c:<name>:<bucket>, field <child>, 30-day expiry.
        let mut redis = backends.redis();
        let key = format!("{}c:logins_1:201603151656", key_prefix(backends));
        assert_eq!(
            redis.hget(&key, "20160315165645").unwrap().as_deref(),
            Some("1")
        );
        let ttl = ttl(backends, &key);
        assert!((30 * 86_400 - 60..=30 * 86_400).contains(&ttl), "ttl {ttl}");
    });
}
