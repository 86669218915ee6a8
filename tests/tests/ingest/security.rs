//! Security checks of ingest through the real host: basic auth of the Grandstand routes,
//! the bearer token of every maintenance route, and SQL built only with parameters
//! (hostile ids through every Postgres-touching route).

use serde_json::json;

use super::{App, TOKEN, count, event};

/// `user:password`.
const GOOD: &str = "Basic dXNlcjpwYXNzd29yZA==";

#[test]
fn basic_auth_refuses_every_wrong_credential_with_a_challenge() {
    let app = App::start(
        "security_basic",
        &[],
        &[
            ("basic_auth_user", "user"),
            ("basic_auth_password", "password"),
        ],
    );
    let wrong = [
        ("wrong password", Some("Basic dXNlcjp3cm9uZ19wYXNzd29yZA==")),
        ("wrong user", Some("Basic dXNyOnBhc3N3b3Jk")),
        ("password prefix", Some("Basic dXNlcjpwYXNzd29y")),
        ("no colon", Some("Basic dXNlcnBhc3N3b3Jk")),
        ("not base64", Some("Basic !!!")),
        ("no credentials", Some("Basic")),
        ("other scheme", Some("Bearer dXNlcjpwYXNzd29yZA==")),
        ("missing header", None),
    ];
    for path in [
        "/api/v1/artist_invites/7/total",
        "/api/v1/artist_invites/7/daily",
    ] {
        for (what, header) in wrong {
            let headers: Vec<(&str, &str)> =
                header.map(|h| ("authorization", h)).into_iter().collect();
            let reply = app.call("GET", path, &headers, None);
            assert_eq!(reply.status, 401, "{what} on {path}: {}", reply.body);
            assert!(
                reply
                    .header("www-authenticate")
                    .is_some_and(|c| c.starts_with("Basic realm=")),
                "{what}: {:?}",
                reply.headers
            );
            assert!(
                reply.json()["detail"]
                    .as_str()
                    .unwrap()
                    .contains("authorization")
            );
        }
        let ok = app.call("GET", path, &[("authorization", GOOD)], None);
        assert!(matches!(ok.status, 200 | 204), "{path}: {}", ok.body);
    }
    // The comparison itself is `tally_common::auth::same` (subtle's constant-time eq).
    let source = std::fs::read_to_string(
        tally_tests::workspace_root().join("components/common/src/auth.rs"),
    )
    .unwrap();
    assert!(
        source.contains("ct_eq"),
        "the credential comparison is constant-time"
    );
}

#[test]
fn every_maintenance_route_needs_the_token() {
    let app = App::start("security_token", &[], &[]);
    let routes = [
        ("POST", "/counters/rebuild?post_id=1"),
        ("POST", "/rollups/run"),
        ("POST", "/views/refresh"),
        ("POST", "/impressions/partitions/maintain"),
        ("POST", "/impressions/jobs/tick"),
        ("GET", "/impressions/tracked_authors"),
        ("PUT", "/impressions/tracked_authors/1"),
        ("DELETE", "/impressions/tracked_authors/1"),
        ("GET", "/impressions/export?from=2017-01-01&to=2017-01-02"),
    ];
    let wrong_token = format!("Bearer {TOKEN}x");
    let prefix = format!("Bearer {}", &TOKEN[..TOKEN.len() - 1]);
    let basic = format!("Basic {TOKEN}");
    for (method, path) in routes {
        for header in [
            None,
            Some(wrong_token.as_str()),
            Some(prefix.as_str()),
            Some(basic.as_str()),
        ] {
            let headers: Vec<(&str, &str)> =
                header.map(|h| ("authorization", h)).into_iter().collect();
            let reply = app.call(method, path, &headers, None);
            assert_eq!(
                reply.status, 401,
                "{method} {path} with {header:?}: {}",
                reply.body
            );
            assert_eq!(
                reply.header("www-authenticate"),
                Some("Bearer"),
                "{method} {path}"
            );
        }
    }
    assert_eq!(
        count(&mut app.pg(), "SELECT count(*) FROM tracked_authors"),
        0
    );
}

/// Percent-encodes every byte of `s` for a URL.
fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn hostile_ids_are_values_never_sql() {
    let app = App::start("security_sql", &[], &[]);
    let bearer = format!("Bearer {TOKEN}");
    let admin = [("authorization", bearer.as_str())];
    let hostile = [
        "'; DROP TABLE impressions; --",
        "1' OR '1'='1",
        "\"quoted\" \\ back\\slash",
        "$1::text); DELETE FROM tracked_authors; --",
        "ünï©ødé 🎉",
        "a%27b",
    ];
    for (i, id) in hostile.iter().enumerate() {
        let e = event(
            "2017-01-01T00:00:00Z",
            id,
            id,
            Some(id),
            Some(id),
            Some(id),
            Some(id),
        );
        let reply = app.ingest(&json!([e]));
        assert_eq!(reply.json()["accepted"], 1, "{id}: {}", reply.body);
        // The value round-trips through every read path.
        let daily = app.get_json(&format!(
            "/impressions/daily?from=2017-01-01&to=2017-01-01&post_id={}",
            enc(id)
        ));
        assert_eq!(daily["series"][0]["impressions"], 1, "{id}: {daily}");
        assert_eq!(daily["filter"]["post_id"], *id);
        let counts = app.get_json(&format!("/posts/view_counts?ids={}", enc(id)));
        if !id.contains(',') {
            assert_eq!(counts[*id], 1, "{id}: {counts}");
        }
        let rebuilt = app.call(
            "POST",
            &format!("/counters/rebuild?author_id={}", enc(id)),
            &admin,
            None,
        );
        assert_eq!(rebuilt.json()["value"], 1, "{id}: {}", rebuilt.body);
        let put = app.call(
            "PUT",
            &format!(
                "/impressions/tracked_authors/{}?username={}",
                enc(id),
                enc(id)
            ),
            &admin,
            None,
        );
        assert_eq!(put.status, 200, "{id}: {}", put.body);
        assert_eq!(put.json()["author_id"], *id);
        let hourly = app.get_json(&format!(
            "/impressions/hourly?from=2017-01-01T00:00Z&to=2017-01-01T01:00Z&author_id={}",
            enc(id)
        ));
        assert_eq!(hourly["series"][0]["impressions"], 1, "{id}: {hourly}");
        let daily = app.call(
            "GET",
            &format!(
                "/api/v1/artist_invites/{}/daily?stream_kind={}",
                enc(id),
                enc(id)
            ),
            &[],
            None,
        );
        assert_eq!(daily.status, 204, "{id}: {}", daily.body);
        let total = app.get_json(&format!("/api/v1/artist_invites/{}/total", enc(id)));
        assert_eq!(total["data"]["artist_invite_id"], *id);
        assert_eq!(
            count(&mut app.pg(), "SELECT count(*) FROM tracked_authors"),
            i as i64 + 1
        );
    }
    let listed = app
        .call("GET", "/impressions/tracked_authors", &admin, None)
        .json();
    let mut names: Vec<&str> = listed["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["author_id"].as_str().unwrap())
        .collect();
    names.sort();
    let mut expected = hostile.to_vec();
    expected.sort();
    assert_eq!(names, expected);
    // The export writes each value back exactly (RFC 4180 quoting).
    let csv = app.call(
        "GET",
        "/impressions/export?from=2017-01-01&to=2017-01-02",
        &admin,
        None,
    );
    assert_eq!(csv.status, 200, "{}", csv.body);
    for id in hostile {
        let quoted = if id.contains(['"', ',']) {
            format!("\"{}\"", id.replace('"', "\"\""))
        } else {
            id.to_string()
        };
        assert!(csv.body.contains(&quoted), "{id}: {}", csv.body);
    }
    // Where a value is illegal (NUL), it is refused by name, and nothing ran.
    let nul = event(
        "2017-01-01T00:00:00Z",
        "a\u{0}b",
        "x",
        None,
        None,
        None,
        None,
    );
    let reply = app.ingest(&json!([nul]));
    assert!(
        reply.json()["rejected"][0]["error"]
            .as_str()
            .unwrap()
            .contains("`post.id`")
    );
    let reply = app.call("PUT", "/impressions/tracked_authors/a%00b", &admin, None);
    assert_eq!(reply.status, 400, "{}", reply.body);
    // Every table is still there, with exactly the rows written.
    let mut pg = app.pg();
    assert_eq!(
        count(&mut pg, "SELECT count(*) FROM impressions"),
        hostile.len() as i64
    );
    assert_eq!(
        count(&mut pg, "SELECT count(*) FROM tracked_authors"),
        hostile.len() as i64
    );
    let stored: Vec<String> = pg
        .query("SELECT post_id FROM impressions ORDER BY post_id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(stored, expected);
}
