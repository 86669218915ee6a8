//! The bad-input matrix of every slices route: each bad request is a 4xx problem naming
//! the parameter, and no key of the test changes on any shard.

use std::collections::BTreeMap;

use tally_tests::bad_input::{Case, case, run};

use super::{Shards, event};

fn cases(now: i64) -> Vec<Case> {
    let post = |q: &str| case("POST", format!("/analytics?{q}"));
    let get = |q: &str| case("GET", q.to_string());
    let long_user = "x".repeat(1025);
    vec![
        post("user=a&click").expect(400, "`timestamp`"),
        post("timestamp=x&user=a&click").expect(400, "`timestamp`"),
        post("timestamp=1.5&user=a&click").expect(400, "`timestamp`"),
        post("timestamp=9223372036854775808&user=a&click").expect(400, "`timestamp`"),
        post("timestamp=1e309&user=a&click").expect(400, "`timestamp`"),
        post("timestamp=-1&user=a&click").expect(400, "`timestamp`"),
        post("timestamp=-0&user=a&click").expect(400, "`timestamp`"),
        post(&format!("timestamp={}&user=a&click", now + 86_400)).expect(400, "`timestamp`"),
        post(&format!("timestamp={now}&click")).expect(400, "`user`"),
        post(&format!("timestamp={now}&user=&click")).expect(400, "`user`"),
        post(&format!("timestamp={now}&user={long_user}&click")).expect(400, "`user`"),
        post(&format!("timestamp={now}&user=%FF&click")).expect(400, "`user`"),
        post(&format!("timestamp={now}&user=a")).expect(400, "`click`"),
        post(&format!("timestamp={now}&user=a&click&impression")).expect(400, "`impression`"),
        case("POST", "/analytics")
            .form(format!("timestamp={now}&user=%C3&click"))
            .expect(400, "`user`"),
        case("POST", "/analytics")
            .body(
                "application/json",
                format!(r#"{{"timestamp":{now},"user":"a","click":true}}"#),
            )
            .expect(415, "`content-type`"),
        case("POST", "/analytics")
            .form("")
            .oversized(1 << 20, false)
            .expect(413, "at most"),
        case("POST", "/analytics")
            .form("")
            .oversized(128 << 10, true)
            .expect(413, "at most"),
        get("/analytics").expect(400, "`timestamp`"),
        get("/analytics?timestamp=abc").expect(400, "`timestamp`"),
        get("/analytics?timestamp=1000").expect(400, "`timestamp`"),
        get(&format!("/analytics?timestamp={now}&format=xml")).expect(400, "`format`"),
        get("/analytics/perworker?timestamp=%FF").expect(400, "`timestamp`"),
        get(&format!("/analytics/allslices?timestamp={now}&limit=0")).expect(400, "`limit`"),
        get(&format!("/analytics/allslices?timestamp={now}&limit=-1")).expect(400, "`limit`"),
        get(&format!("/analytics/range?from={now}")).expect(400, "`to`"),
        get(&format!("/analytics/range?from={now}&to={}", now - 10)).expect(400, "`to`"),
        get(&format!(
            "/analytics/range?from=1704067200&to={}",
            1704067200 + 3600 * 1001
        ))
        .expect(400, "`to`"),
        case("DELETE", "/analytics").expect(405, "GET, POST"),
        case("POST", "/analytics/range").expect(405, "GET"),
        case("PUT", "/analytics/health").expect(405, "GET"),
    ]
}

#[test]
fn every_route_refuses_bad_input_by_name_and_writes_nothing() {
    let shards = Shards::new("slices_bad_input", &[1, 2]);
    let dir = tempfile::tempdir().unwrap();
    let host = shards.start(dir.path(), &[], &[]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    event(&host, &format!("timestamp={now}&user=seed&click"));
    let state = || {
        let mut all = BTreeMap::new();
        for &db in &shards.dbs {
            let mut conn = shards.redis(db);
            for key in shards.own_keys(db) {
                let dump: Vec<u8> = redis::cmd("DUMP").arg(&key).query(&mut conn).unwrap();
                all.insert((db, key), dump);
            }
        }
        all
    };
    run(&host.url, &cases(now), state);
}
