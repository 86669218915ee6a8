//! The bad-input matrix of every ingest route: each bad request is a 4xx problem naming
//! what is wrong, and nothing is written (rows of every table and every Redis key of the
//! test are compared before and after).

use serde_json::json;
use tally_tests::bad_input::{Case, case, postgres_state, redis_state, run};

use super::{App, TOKEN, event};

fn admin(c: Case) -> Case {
    c.header("authorization", format!("Bearer {TOKEN}"))
}

/// Every route with bad parameters, bodies, content types and methods.
fn cases() -> Vec<Case> {
    let ok_event = event("2017-01-01T00:00:00Z", "p1", "a1", None, None, None, None);
    let many = serde_json::Value::Array(vec![ok_event.clone(); 10_001]).to_string();
    let mut ids = (0..1001)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    ids.insert_str(0, "/posts/view_counts?ids=");
    vec![
        // POST /impressions: whole-body problems.
        case("POST", "/impressions")
            .json("[1,")
            .expect(400, "not JSON"),
        case("POST", "/impressions").json("42").expect(400, "array"),
        case("POST", "/impressions")
            .json("\"x\"")
            .expect(400, "array"),
        case("POST", "/impressions")
            .json(&b"[{\"post\":{\"id\":\"\xff\"}}]"[..])
            .expect(400, "not JSON"),
        case("POST", "/impressions").json(many).expect(413, "10000"),
        case("POST", "/impressions")
            .oversized(20 << 20, false)
            .expect(413, "at most"),
        case("POST", "/impressions")
            .oversized(11 << 20, true)
            .expect(413, "at most"),
        case("POST", "/impressions")
            .body("text/plain", ok_event.to_string())
            .expect(415, "`content-type`"),
        case("POST", "/impressions")
            .form("post=1")
            .expect(415, "`content-type`"),
        // Counters.
        case("GET", "/posts/view_counts?ids=%FF").expect(400, "`ids`"),
        case("GET", ids).expect(400, "1000"),
        admin(case("POST", "/counters/rebuild")).expect(400, "`post_id`"),
        admin(case("POST", "/counters/rebuild?post_id=1&author_id=2")).expect(400, "`author_id`"),
        admin(case("POST", "/counters/rebuild?post_id=a%00b")).expect(400, "`post_id`"),
        admin(case("POST", "/counters/rebuild?%FE=1")).expect(400, "UTF-8"),
        // Rollups and jobs.
        admin(case("POST", "/rollups/run?from=yesterday&to=2017-01-02")).expect(400, "`from`"),
        admin(case("POST", "/rollups/run?from=2017-01-01")).expect(400, "`to`"),
        admin(case("POST", "/rollups/run?from=2017-01-02&to=2017-01-01")).expect(400, "`to`"),
        admin(case("POST", "/rollups/run?from=2000-01-01&to=2017-01-01")).expect(400, "hours"),
        admin(case("POST", "/rollups/run?from=1e309&to=2017-01-01")).expect(400, "`from`"),
        admin(case(
            "POST",
            "/rollups/run?from=99999999999999999999&to=2017-01-01",
        ))
        .expect(400, "`from`"),
        admin(case(
            "POST",
            "/rollups/run?from=-9223372036854775809&to=2017-01-01",
        ))
        .expect(400, "`from`"),
        admin(case("POST", "/rollups/run?from=0000-01-01&to=2017-01-01")).expect(400, "`from`"),
        admin(case("POST", "/impressions/partitions/maintain?now=soon")).expect(400, "`now`"),
        admin(case("POST", "/impressions/jobs/tick?now=-8000000000000")).expect(400, "`now`"),
        // Tracked authors: path segments and parameters bound into SQL.
        admin(case("PUT", "/impressions/tracked_authors/%FF")).expect(400, "`author_id`"),
        admin(case("PUT", "/impressions/tracked_authors/a%00b")).expect(400, "`author_id`"),
        admin(case("PUT", "/impressions/tracked_authors/a?username=x%00"))
            .expect(400, "`username`"),
        admin(case("DELETE", "/impressions/tracked_authors/%C3")).expect(400, "`author_id`"),
        // Series and export.
        case("GET", "/impressions/daily?from=2017-13-01&to=2017-01-02").expect(400, "`from`"),
        case("GET", "/impressions/daily?from=2017-01-01").expect(400, "`to`"),
        case("GET", "/impressions/daily?from=2017-01-02&to=2017-01-01").expect(400, "`to`"),
        case(
            "GET",
            "/impressions/daily?from=2017-01-01&to=2017-01-02&post_id=1&author_id=2",
        )
        .expect(400, "at most one"),
        case(
            "GET",
            "/impressions/daily?from=2017-01-01&to=2017-01-02&post_id=%00",
        )
        .expect(400, "`post_id`"),
        case("GET", "/impressions/hourly?from=1&to=99999999999").expect(400, "hours"),
        case("GET", "/impressions/hourly?from=NaN&to=1").expect(400, "`from`"),
        case("GET", "/impressions/hourly?from=1&to=2&stream_kind=%FF").expect(400, "`stream_kind`"),
        admin(case("GET", "/impressions/export?from=2017-01-01")).expect(400, "`to`"),
        admin(case("GET", "/impressions/export?from=x&to=2017-01-01")).expect(400, "`from`"),
        // Grandstand (open: no basic auth configured in this app).
        case("GET", "/api/v1/artist_invites/7/daily?starting=never").expect(400, "`starting`"),
        case("GET", "/api/v1/artist_invites/7/daily?ending=+262143-12-31").expect(400, "`ending`"),
        case("GET", "/api/v1/artist_invites/%FF/total").expect(400, "`id`"),
        case("GET", "/api/v1/artist_invites/%00/total").expect(400, "`id`"),
        // Wrong methods: 405 with `allow`.
        case("GET", "/impressions").expect(405, "POST"),
        case("DELETE", "/impressions").expect(405, "POST"),
        case("POST", "/posts/view_counts?ids=1").expect(405, "GET"),
        case("GET", "/counters/rebuild?post_id=1").expect(405, "POST"),
        case("PATCH", "/impressions/tracked_authors/1").expect(405, "PUT, DELETE"),
        case("POST", "/api/v1/artist_invites/7/total").expect(405, "GET"),
        case("PUT", "/impressions/health").expect(405, "GET"),
    ]
}

#[test]
fn every_route_refuses_bad_input_by_name_and_writes_nothing() {
    let app = App::start("ingest_bad_input", &[], &[]);
    // Some data first, so "nothing written" compares real rows and keys.
    let seeded = app.ingest(&json!([event(
        "2017-01-01T00:00:00Z",
        "p0",
        "a0",
        Some("v"),
        None,
        None,
        None
    )]));
    assert_eq!(seeded.json()["accepted"], 1, "{}", seeded.body);
    let state = || (postgres_state(&app.backends), redis_state(&app.backends));
    run(&app.host.url, &cases(), state);
}

/// Bad events inside a well-formed batch are refused one by one (200 with `rejected`, as
/// the spec says), each naming its field, and none is stored.
#[test]
fn bad_events_are_rejected_by_field_and_not_stored() {
    let app = App::start("ingest_bad_events", &[], &[]);
    let base = || event("2017-01-01T00:00:00Z", "p1", "a1", None, None, None, None);
    let with = |path: &[&str], v: serde_json::Value| {
        let mut e = base();
        match path {
            [k] => e[*k] = v,
            [a, b] => e[*a][*b] = v,
            _ => unreachable!(),
        }
        e
    };
    let mut no_time = base();
    no_time.as_object_mut().unwrap().remove("viewed_at");
    let bad = [
        (with(&["post", "id"], json!(1.5)), "`post.id`"),
        (with(&["post", "id"], json!("")), "`post.id`"),
        (with(&["post", "id"], json!("a\u{0}b")), "`post.id`"),
        (with(&["post", "id"], json!("x".repeat(256))), "`post.id`"),
        (with(&["author", "id"], json!(true)), "`author.id`"),
        (with(&["author"], json!("a1")), "`author`"),
        (with(&["viewer"], json!({"name": "v"})), "`viewer.id`"),
        (with(&["viewed_at"], json!("2017-01-01")), "`viewed_at`"),
        (with(&["viewed_at"], json!(-1)), "`viewed_at`"),
        (with(&["viewed_at"], json!(9.3e18)), "`viewed_at`"),
        (with(&["viewed_at"], json!(4e12)), "`viewed_at`"),
        (with(&["stream_kind"], json!(["x"])), "`stream_kind`"),
        (no_time, "`viewed_at`"),
        (json!([1]), "object"),
    ];
    let before = (postgres_state(&app.backends), redis_state(&app.backends));
    let events: Vec<serde_json::Value> = bad.iter().map(|(e, _)| e.clone()).collect();
    for body in [
        (
            "application/json",
            serde_json::Value::Array(events.clone()).to_string(),
        ),
        (
            "application/x-ndjson",
            events
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ] {
        let reply = app.call("POST", "/impressions", &[], Some((body.0, body.1)));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let got = reply.json();
        assert_eq!(got["accepted"], 0, "{got}");
        let rejected = got["rejected"].as_array().unwrap();
        assert_eq!(rejected.len(), bad.len(), "{got}");
        for (r, (e, names)) in rejected.iter().zip(&bad) {
            let error = r["error"].as_str().unwrap();
            assert!(error.contains(names), "{e}: {error}");
        }
    }
    assert_eq!(
        (postgres_state(&app.backends), redis_state(&app.backends)),
        before
    );
}
