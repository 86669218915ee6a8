//! Bad input: a 4xx problem naming each rejected field, and nothing written.

use serde_json::Value;

use super::*;

fn problem(reply: tally_tests::http::Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/problem+json")
    );
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["status"], status);
    body
}

#[test]
fn bad_writes_name_each_field_and_write_nothing() {
    in_each_mode("points_bad_writes", |host, backends| {
        let cases: [(&str, &[&str]); 7] = [
            (
                r#"{"thing":"nope","uid":1,"atid":2,"aid":3,"value":1,"ts1":1,"ts2":2}"#,
                &["`thing`"],
            ),
            (
                r#"{"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":1,"ts2":0}"#,
                &["`ts2`"],
            ),
            (
                r#"{"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":5,"ts2":4}"#,
                &["`ts1`"],
            ),
            (
                r#"{"thing":"steps","uid":"x","atid":2.5,"aid":3,"value":"1","ts1":1,"ts2":2}"#,
                &["`uid`", "`atid`", "`value`"],
            ),
            (
                r#"{"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts2":2}"#,
                &["`ts1`"],
            ),
            (
                r#"{"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":1,"ts2":2,"mode":"add"}"#,
                &["`mode`"],
            ),
            // A batch with one bad item: rejected whole, the item named.
            (
                r#"[{"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":1,"ts2":2},{"thing":"steps","uid":1,"atid":2,"aid":3,"value":1,"ts1":1}]"#,
                &["item 1", "`ts2`"],
            ),
        ];
        for (body, fields) in cases {
            let p = problem(post_json(host, "/points/v1/write", body), 400);
            let detail = p["detail"].as_str().unwrap();
            for field in fields {
                assert!(detail.contains(field), "{body}: {detail} lacks {field}");
            }
        }
        let p = problem(post_json(host, "/points/v1/write", "{not json"), 400);
        assert!(p["detail"].as_str().unwrap().contains("JSON"));
        let p = problem(
            post_json(
                host,
                "/points/v1/count",
                r#"{"thing":"a:b","value":1,"ts":0}"#,
            ),
            400,
        );
        let detail = p["detail"].as_str().unwrap();
        assert!(
            detail.contains("`thing`") && detail.contains("`ts`"),
            "{detail}"
        );
        assert_eq!(keys(backends), Vec::<String>::new(), "nothing was written");
    });
}

#[test]
fn bad_query_parameters_are_named() {
    in_each_mode("points_bad_queries", |host, _| {
        for (path, field) in [
            ("/points/v1/query/x/steps/all/1/2", "`uid`"),
            ("/points/v1/query/1/nope/all/1/2", "`thing`"),
            ("/points/v1/query/1/steps/some/1/2", "`atid`"),
            ("/points/v1/query/1/steps/all/a/2", "`start`"),
            ("/points/v1/query/1/steps/all/1/b", "`end`"),
            ("/points/v1/query/1/steps/all/1/2?offset=z", "`offset`"),
            ("/points/v1/leaderboard/steps/1/2?limit=0", "`limit`"),
            ("/points/v1/leaderboard/steps/1/2?atid=q", "`atid`"),
        ] {
            let p = problem(host.get(path), 400);
            assert!(p["detail"].as_str().unwrap().contains(field), "{path}: {p}");
        }
        for (path, form, field) in [
            ("/points/v1/mumt_query/all/1/2", "things=steps", "`ids`"),
            (
                "/points/v1/mumt_query/all/1/2",
                "things=steps,nope&ids=1",
                "`things`",
            ),
            ("/points/v1/mumt_query/all/1/2", "ids=1", "`things`"),
            ("/points/v1/query_ids/steps/all/1/2", "ids=1,x", "`ids`"),
            (
                "/points/v1/query_ids/steps/all/1/2",
                "ids=1&offsets=y",
                "`offsets`",
            ),
        ] {
            let p = problem(post_form(host, path, form), 400);
            assert!(
                p["detail"].as_str().unwrap().contains(field),
                "{path} {form}: {p}"
            );
        }
        problem(host.get("/points/v1/nothing"), 404);
        problem(host.get("/points/v1/write"), 405);
    });
}
