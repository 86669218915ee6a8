//! The bad-input matrix of every points route: each bad request is a 4xx problem naming
//! what is wrong, and no Redis key of the test changes.

use tally_tests::bad_input::{Case, case, redis_state, run};
use tally_tests::{Backends, Host};

use super::points_app;

const W: &str =
    r#""thing":"steps","uid":1,"atid":2,"aid":3,"value":10,"ts1":1496539746,"ts2":1496539747"#;

fn write(fields: &str) -> Case {
    case("POST", "/points/v1/write").json(format!("{{{fields}}}"))
}

fn cases() -> Vec<Case> {
    let big_batch = format!("[{}]", vec![format!("{{{W}}}"); 10_001].join(","));
    vec![
        // Writes: wrong types, missing fields, bad numbers.
        write(&W.replace("\"steps\"", "\"sleep\"")).expect(400, "`thing`"),
        write(&W.replace("\"uid\":1", "\"uid\":\"1\"")).expect(400, "`uid`"),
        write(&W.replace("\"uid\":1,", "")).expect(400, "`uid`"),
        write(&W.replace("\"value\":10", "\"value\":1.5")).expect(400, "`value`"),
        write(&W.replace("\"value\":10", "\"value\":9223372036854775808")).expect(400, "`value`"),
        write(&W.replace("\"value\":10", "\"value\":1e309")).expect(400, "not valid JSON"),
        write(&W.replace("\"value\":10", "\"value\":9007199254740993")).expect(400, "`value`"),
        write(&W.replace("\"ts2\":1496539747", "\"ts2\":-0")).expect(400, "`ts2`"),
        write(&W.replace("\"ts2\":1496539747", "\"ts2\":-5")).expect(400, "`ts2`"),
        write(&W.replace("\"ts1\":1496539746", "\"ts1\":1496539748")).expect(400, "`ts1`"),
        write(&W.replace("\"ts2\":1496539747", "\"ts2\":253402300800")).expect(400, "`ts2`"),
        write(&format!("{W},\"mode\":\"sum\"")).expect(400, "`mode`"),
        case("POST", "/points/v1/write")
            .json(format!("[{{{W}}},{{}}]"))
            .expect(400, "item 1"),
        case("POST", "/points/v1/write")
            .json("[1,")
            .expect(400, "JSON"),
        case("POST", "/points/v1/write")
            .json(&b"{\"thing\":\"\xff\"}"[..])
            .expect(400, "JSON"),
        case("POST", "/points/v1/write")
            .json(big_batch)
            .expect(400, "10000"),
        case("POST", "/points/v1/write")
            .oversized(16 << 20, false)
            .expect(413, "at most"),
        case("POST", "/points/v1/write")
            .oversized(5 << 20, true)
            .expect(413, "at most"),
        case("POST", "/points/v1/write")
            .form(format!("{{{W}}}"))
            .expect(415, "`content-type`"),
        // Counts.
        case("POST", "/points/v1/count")
            .json(r#"{"thing":"a b","value":1,"ts":1}"#)
            .expect(400, "`thing`"),
        case("POST", "/points/v1/count")
            .json(r#"{"thing":"a","value":1}"#)
            .expect(400, "`ts`"),
        case("POST", "/points/v1/count")
            .body("text/plain", r#"{"thing":"a","value":1,"ts":1}"#)
            .expect(415, "`content-type`"),
        // Queries: path segments and form parameters.
        case("GET", "/points/v1/query/x/steps/all/1/2").expect(400, "`uid`"),
        case("GET", "/points/v1/query/1/sleep/all/1/2").expect(400, "`thing`"),
        case("GET", "/points/v1/query/1/steps/some/1/2").expect(400, "`atid`"),
        case("GET", "/points/v1/query/1/steps/all/99999999999999999999/2").expect(400, "`start`"),
        case("GET", "/points/v1/query/1/steps/all/1/1e3").expect(400, "`end`"),
        case("GET", "/points/v1/query/1/steps/all/1/2?offset=%FF").expect(400, "`offset`"),
        case("POST", "/points/v1/query_ids/steps/all/1/2")
            .form("")
            .expect(400, "`ids`"),
        case("POST", "/points/v1/query_ids/steps/all/1/2")
            .form("ids=1,x")
            .expect(400, "`ids`"),
        case("POST", "/points/v1/query_ids/steps/all/1/2")
            .form(&b"ids=1&z=\xff"[..])
            .expect(400, "`z`"),
        case("POST", "/points/v1/mumt_query/all/1/2")
            .form("ids=1")
            .expect(400, "`things`"),
        case("POST", "/points/v1/mumt_query/all/1/2")
            .form("ids=1&things=steps,sleep")
            .expect(400, "`things`"),
        case("POST", "/points/v2/mumt_query/all/1/2")
            .form("ids=1,2&things=steps&offsets=1")
            .expect(422, "`offsets`"),
        case("POST", "/points/v1/readcount_with_ids/a%20b/1/2")
            .form("ids=1")
            .expect(400, "counter name"),
        case("GET", "/points/v1/leaderboard/steps/1/2?limit=-1").expect(400, "`limit`"),
        // Wrong methods: 405 with `allow`.
        case("GET", "/points/v1/write").expect(405, "POST"),
        case("DELETE", "/points/v1/count").expect(405, "POST"),
        case("POST", "/points/v1/query/1/steps/all/1/2").expect(405, "GET"),
        case("PUT", "/points/health/ping").expect(405, "GET"),
    ]
}

#[test]
fn every_route_refuses_bad_input_by_name_and_writes_nothing() {
    let backends = Backends::new("points_bad_input");
    let dir = tempfile::tempdir().unwrap();
    let host = Host::start(&points_app(&backends).write(dir.path()), &[], &[]);
    let seeded = host.post("/points/v1/write", "application/json", &format!("{{{W}}}"));
    assert_eq!(seeded.status, 200, "{}", seeded.body);
    run(&host.url, &cases(), || redis_state(&backends));
}
