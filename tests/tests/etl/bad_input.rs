//! The bad-input matrix of every etl route (each bad request a 4xx problem naming the
//! problem, no row of any table changed), and hostile names and ids through the routes
//! that touch Postgres (values, never SQL).

use tally_tests::apps::etl;
use tally_tests::bad_input::{Case, case, postgres_state, run};

use super::{App, sample};

const RANGE: &str = "from=2019-01-03&to=2019-01-05";

fn cases() -> Vec<Case> {
    let get = |path: &str| case("GET", path.to_string());
    let long = "n".repeat(1025);
    vec![
        // Batches: the name is bound into SQL.
        case("POST", "/etl/batches")
            .body("text/tab-separated-values", sample())
            .expect(400, "`name`"),
        case("POST", "/etl/batches?name=")
            .body("text/tab-separated-values", sample())
            .expect(400, "`name`"),
        case("POST", "/etl/batches?name=a%00b")
            .body("text/tab-separated-values", sample())
            .expect(400, "`name`"),
        case("POST", "/etl/batches?name=a%FFb")
            .body("text/tab-separated-values", sample())
            .expect(400, "`name`"),
        case("POST", format!("/etl/batches?name={long}"))
            .body("text/tab-separated-values", sample())
            .expect(400, "`name`"),
        // Events.
        case("POST", "/etl/events").json("[1,").expect(400, "JSON"),
        case("POST", "/etl/events")
            .json("{\"Records\":\"x\"}")
            .expect(400, "Records"),
        case("POST", "/etl/events")
            .json(&b"{\"Records\":[\"\xff\"]}"[..])
            .expect(400, "JSON"),
        case("POST", "/etl/events")
            .body("text/plain", "{\"Records\":[]}")
            .expect(415, "`content-type`"),
        case("POST", "/etl/events")
            .oversized(8 << 20, false)
            .expect(413, "at most"),
        case("POST", "/etl/events")
            .oversized(5 << 20, true)
            .expect(413, "at most"),
        // Ledger.
        get("/etl/files?status=lost").expect(400, "`status`"),
        get("/etl/files?limit=0").expect(400, "`limit`"),
        get("/etl/files?limit=99999999999999999999").expect(400, "`limit`"),
        get("/etl/files/abc").expect(400, "`id`"),
        get("/etl/files/1e3").expect(400, "`id`"),
        case("POST", "/etl/retry/x")
            .header("authorization", format!("Bearer {}", etl::TOKEN))
            .expect(400, "`id`"),
        // The admin route: its token first.
        case("POST", "/etl/retry/1").expect(401, "<etl_admin_token>"),
        case("POST", "/etl/retry/x")
            .header("authorization", "Bearer wrong")
            .expect(401, "bearer token"),
        // Dashboard.
        get(&format!("/ads/x/metrics?{RANGE}")).expect(400, "`ad_id`"),
        get(&format!("/ads/9223372036854775808/metrics?{RANGE}")).expect(400, "`ad_id`"),
        get("/ads/100/metrics?to=2019-01-05").expect(400, "`from`"),
        get("/ads/100/metrics?from=2019-01-05&to=2019-01-03").expect(400, "`to`"),
        get("/ads/100/metrics?from=2019-01-01&to=2019-06-01").expect(400, "`to`"),
        get("/ads/100/metrics?from=1e309&to=2019-01-05").expect(400, "`from`"),
        get("/ads/100/metrics?from=-0&to=%FF").expect(400, "`to`"),
        get(&format!("/ads/100/metrics?{RANGE}&granularity=week")).expect(400, "`granularity`"),
        get(&format!("/ads/metrics/top?{RANGE}&by=views")).expect(400, "`by`"),
        get(&format!("/ads/metrics/top?{RANGE}&limit=-1")).expect(400, "`limit`"),
        get(&format!("/ads/metrics.csv?{RANGE}")).expect(400, "`ad_id`"),
        get(&format!("/ads/metrics.csv?{RANGE}&ad_id=1,x")).expect(400, "`ad_id`"),
        // Wrong methods: 405 with `allow`.
        get("/etl/batches").expect(405, "POST"),
        get("/etl/events").expect(405, "POST"),
        case("DELETE", "/etl/files/1").expect(405, "GET"),
        case("POST", format!("/ads/100/metrics?{RANGE}")).expect(405, "GET"),
    ]
}

#[test]
fn every_route_refuses_bad_input_by_name_and_writes_nothing() {
    let app = App::start("etl_bad_input");
    let loaded = app.batch("seed", &sample());
    assert_eq!(loaded.status, 200, "{}", loaded.body);
    run(&app.host.url, &cases(), || postgres_state(&app.backends));
}

/// Percent-encodes every byte of `s`.
fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn hostile_names_and_ids_are_values_never_sql() {
    let app = App::start("etl_hostile");
    let hostile = [
        "'; DROP TABLE ad_metrics; --",
        "x' OR '1'='1",
        "\"q\" \\ back\\slash",
        "ünï©ødé 🎉/batch+1.tsv",
    ];
    // The same content under several names: each is a ledger row, no fact is new.
    for (i, name) in hostile.iter().enumerate() {
        let reply = app.call(
            "POST",
            &format!("/etl/batches?name={}", enc(name)),
            Some(("text/tab-separated-values", &sample())),
        );
        assert_eq!(reply.status, 200, "{name}: {}", reply.body);
        let id = reply.json()["file_id"].as_i64().unwrap();
        let file = app.call("GET", &format!("/etl/files/{id}"), None).json();
        assert_eq!(file["name"], *name, "{file}");
        let listed = app.call("GET", "/etl/files?status=loaded", None).json();
        assert_eq!(listed["files"].as_array().unwrap().len(), i + 1, "{listed}");
    }
    // Hostile text where the route wants an integer is refused by name.
    let reply = app.call(
        "GET",
        &format!("/ads/{}/metrics?{RANGE}", enc(hostile[0])),
        None,
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.json()["detail"].as_str().unwrap().contains("`ad_id`"));
    // Every table is intact and the facts were counted once.
    let mut pg = app.backends.postgres();
    let metrics: i64 = pg
        .query_one("SELECT count(*) FROM ad_metrics", &[])
        .unwrap()
        .get(0);
    assert!(metrics > 0);
    let day = app
        .call(
            "GET",
            "/ads/100/metrics?from=2019-01-03&to=2019-01-05&granularity=day",
            None,
        )
        .json();
    assert_eq!(day["series"][0]["impressions"], 4, "{day}");
    assert_eq!(day["series"][1]["impressions"], 2, "{day}");
}
