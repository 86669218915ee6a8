//! The bad-input matrix of every streams route: each bad request is a 4xx problem naming
//! what is wrong, and no Redis key of the test changes.

use tally_tests::bad_input::{Case, case, redis_state, run};

use super::App;

fn items(body: &str) -> Case {
    case("PUT", "/streams").json(body)
}

fn cases() -> Vec<Case> {
    vec![
        // Ello writes: the original's 422s, naming the field.
        items("{}").expect(422, "array"),
        items("[1]").expect(422, "item 0"),
        items(r#"[{"id":1,"ts":"2015-10-28T19:08:12Z","type":0,"stream_id":"7"}]"#).expect(422, "`id`"),
        items(r#"[{"id":"1","ts":"yesterday","type":0,"stream_id":"7"}]"#).expect(422, "`ts`"),
        items(r#"[{"id":"1","ts":"2263-01-01T00:00:00Z","type":0,"stream_id":"7"}]"#).expect(422, "`ts`"),
        items(r#"[{"id":"1","ts":"2015-10-28T19:08:12Z","type":"0","stream_id":"7"}]"#).expect(422, "`type`"),
        items(r#"[{"id":"1","ts":"2015-10-28T19:08:12Z","type":1e309,"stream_id":"7"}]"#).expect(422, "JSON"),
        items(r#"[{"id":"1","ts":"2015-10-28T19:08:12Z","type":9223372036854775808,"stream_id":"7"}]"#).expect(422, "`type`"),
        items(r#"[{"id":"1","ts":"2015-10-28T19:08:12Z","type":0}]"#).expect(422, "`stream_id`"),
        case("DELETE", "/streams").json(&b"[{\"id\":\"\xff\"}]"[..]).expect(422, "JSON"),
        case("PUT", "/streams").body("text/plain", "[]").expect(415, "`content-type`"),
        case("PUT", "/streams").oversized(64 << 20, false).expect(413, "at most"),
        case("PUT", "/streams").oversized(9 << 20, true).expect(413, "at most"),
        // Coalesce and pages.
        case("POST", "/streams/coalesce").json(r#"{"streams":"7"}"#).expect(422, "streams"),
        case("POST", "/streams/coalesce?limit=x").json(r#"{"streams":["7"]}"#).expect(422, "`limit`"),
        case("POST", "/streams/coalesce?limit=-1").json(r#"{"streams":["7"]}"#).expect(422, "`limit`"),
        case("GET", "/stream/7?from=nope").expect(422, "`from`"),
        case("GET", "/stream/7?from=9218868437227405312A").expect(422, "`from`"),
        case("GET", "/stream/7?before=1A%FF").expect(400, "`before`"),
        case("GET", "/stream/7?from=1A&before=1A").expect(422, "`from`"),
        case("GET", "/stream/%FF").expect(400, "`id`"),
        case("GET", "/stream/%C3/count").expect(400, "`id`"),
        // Roshi.
        case("POST", "/roshi").json(r#"[{"key":"!!","score":1,"member":"AA=="}]"#).expect(400, "`key`"),
        case("POST", "/roshi").json(r#"[{"key":"AA==","score":"1","member":"AA=="}]"#).expect(400, "element 0"),
        case("POST", "/roshi").json(r#"[{"key":"AA==","score":1e309,"member":"AA=="}]"#).expect(400, "JSON"),
        case("DELETE", "/roshi").json(r#"{"key":"AA=="}"#).expect(400, "array"),
        case("POST", "/roshi/select").json(r#"["%%%"]"#).expect(400, "key 0"),
        case("POST", "/roshi/select?offset=1&start=1A").json(r#"["AA=="]"#).expect(400, "`offset`"),
        case("POST", "/roshi/select?limit=99999999999999999999").json(r#"["AA=="]"#).expect(400, "`limit`"),
        case("POST", "/roshi/select").body("application/x-www-form-urlencoded", "a=1").expect(415, "`content-type`"),
        // Wrong methods: 405 with `allow`.
        case("POST", "/streams").expect(405, "PUT, DELETE"),
        case("GET", "/streams/coalesce").expect(405, "POST"),
        case("DELETE", "/stream/7").expect(405, "GET"),
        case("PUT", "/roshi").expect(405, "GET, POST, DELETE"),
        case("GET", "/streams/repair").expect(405, "POST"),
    ]
}

#[test]
fn every_route_refuses_bad_input_by_name_and_writes_nothing() {
    let app = App::start("streams_bad_input", &[], &[]);
    let seeded = app.call(
        "PUT",
        "/streams",
        Some(r#"[{"id":"1","ts":"2015-10-28T19:08:12Z","type":0,"stream_id":"7"}]"#),
    );
    assert_eq!(seeded.status, 201, "{}", seeded.body);
    run(&app.host.url, &cases(), || redis_state(&app.backends));
}
