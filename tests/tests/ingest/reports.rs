//! The reporting routes: Grandstand's artist-invite routes, the daily and hourly series,
//! the CSV export.

use serde_json::json;

use super::{App, MODES, TOKEN, in_each_mode};
use crate::rollups::load_and_roll_up;

/// `user:password`.
const GOOD: &str = "Basic dXNlcjpwYXNzd29yZA==";
/// `user:wrong_password`.
const BAD: &str = "Basic dXNlcjp3cm9uZ19wYXNzd29yZA==";

#[test]
fn artist_invite_daily_and_total_with_basic_auth() {
    for mode in MODES {
        let app = App::start(
            "grandstand_auth",
            mode,
            &[
                ("basic_auth_user", "user"),
                ("basic_auth_password", "password"),
            ],
        );
        load_and_roll_up(&app);
        let get = |path: &str, auth: Option<&str>| {
            let headers: Vec<(&str, &str)> =
                auth.map(|a| ("authorization", a)).into_iter().collect();
            app.call("GET", path, &headers, None)
        };
        let reply = get(
            "/api/v1/artist_invites/7/daily?starting=2017-01-01&ending=2017-01-02",
            Some(GOOD),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.json(),
            json!({"data": [
                {"artist_invite_id": "7", "date": "2017-01-01", "impressions": 1, "stream_kind": null},
                {"artist_invite_id": "7", "date": "2017-01-02", "impressions": 3, "stream_kind": null},
            ]})
        );
        // An instant as `ending` includes the hour starting at it, as in the original.
        let per_day = |ending: &str| -> Vec<i64> {
            let reply = get(
                &format!(
                    "/api/v1/artist_invites/7/daily?starting=2017-01-01T00:00:00Z&ending={ending}"
                ),
                Some(GOOD),
            );
            reply.json()["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["impressions"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(per_day("2017-01-01T23:00:00Z"), [1]);
        assert_eq!(per_day("2017-01-01T23:59:59Z"), [1]);
        assert_eq!(per_day("2017-01-02T00:00:00Z"), [1, 3]);
        let reply = get(
            "/api/v1/artist_invites/7/daily?starting=2017-01-01&ending=2017-01-02&stream_kind=following",
            Some(GOOD),
        );
        assert_eq!(
            reply.json()["data"],
            json!([{"artist_invite_id": "7", "date": "2017-01-02", "impressions": 1, "stream_kind": "following"}])
        );
        let empty = get(
            "/api/v1/artist_invites/7/daily?starting=2017-02-01&ending=2017-02-28",
            Some(GOOD),
        );
        assert_eq!((empty.status, empty.body.as_str()), (204, ""));
        assert_eq!(get("/api/v1/artist_invites/7/daily", None).status, 401);
        assert_eq!(get("/api/v1/artist_invites/7/daily", Some(BAD)).status, 401);
        assert_eq!(get("/api/v1/artist_invites/7/total", Some(BAD)).status, 401);

        let total = get("/api/v1/artist_invites/7/total", Some(GOOD));
        assert_eq!(total.status, 200);
        assert_eq!(
            total.json(),
            json!({"data": {"artist_invite_id": "7", "impressions": 4, "stream_kind": null}})
        );
        let zero = get("/api/v1/artist_invites/404/total", Some(GOOD));
        assert_eq!(zero.status, 200);
        assert_eq!(zero.json()["data"]["impressions"], 0);
        let bad = get("/api/v1/artist_invites/7/daily?starting=soon", Some(GOOD));
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("`starting`"), "{}", bad.body);
    }
}

#[test]
fn grandstand_routes_are_open_without_credentials_configured() {
    let app = App::start("grandstand_open", &[], &[]);
    let reply = app.call("GET", "/api/v1/artist_invites/1/total", &[], None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["data"]["impressions"], 0);
    let reply = app.call("GET", "/api/v1/artist_invites/1/daily", &[], None);
    assert_eq!(reply.status, 204);
}

#[test]
fn daily_and_hourly_series() {
    in_each_mode("series", &[], |app| {
        load_and_roll_up(app);
        let daily = app.get_json("/impressions/daily?from=2016-12-31&to=2017-01-03");
        let points: Vec<(String, i64, i64)> = daily["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert_eq!(
                    p["impressions"],
                    p["logged_in"].as_i64().unwrap() + p["logged_out"].as_i64().unwrap()
                );
                (
                    p["date"].as_str().unwrap().into(),
                    p["logged_in"].as_i64().unwrap(),
                    p["logged_out"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            points,
            [
                ("2016-12-31".into(), 0, 0),
                ("2017-01-01".into(), 2, 1),
                ("2017-01-02".into(), 5, 2),
                ("2017-01-03".into(), 0, 0),
            ]
        );
        let totals = |path: &str, key: &str| -> Vec<(String, i64)> {
            app.get_json(path)["series"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p[key].as_str().unwrap().to_string(),
                        p["impressions"].as_i64().unwrap(),
                    )
                })
                .collect()
        };
        let d = |s: &str, n: i64| (s.to_string(), n);
        assert_eq!(
            totals(
                "/impressions/daily?from=2017-01-01&to=2017-01-02&stream_kind=email",
                "date"
            ),
            [d("2017-01-01", 2), d("2017-01-02", 2)]
        );
        assert_eq!(
            totals(
                "/impressions/daily?from=2017-01-01&to=2017-01-02&post_id=p1",
                "date"
            ),
            [d("2017-01-01", 1), d("2017-01-02", 1)]
        );
        assert_eq!(
            totals(
                "/impressions/daily?from=2016-12-02&to=2016-12-03&author_id=a3",
                "date"
            ),
            [d("2016-12-02", 1), d("2016-12-03", 1)]
        );
        assert_eq!(
            totals(
                "/impressions/hourly?from=2017-01-02T00:00:00Z&to=2017-01-02T02:00:00Z",
                "starting_at"
            ),
            [
                d("2017-01-02T00:00:00.000000Z", 5),
                d("2017-01-02T01:00:00.000000Z", 1)
            ]
        );
        assert_eq!(
            totals(
                "/impressions/hourly?from=2017-01-02T00:00:00Z&to=2017-01-02T01:00:00Z&author_id=a1",
                "starting_at"
            ),
            [d("2017-01-02T00:00:00.000000Z", 3)]
        );
        for bad in [
            "/impressions/daily?from=2017-01-02&to=2017-01-01",
            "/impressions/daily?from=2017-01-01",
            "/impressions/daily?from=x&to=2017-01-01",
            "/impressions/daily?from=2017-01-01&to=2017-01-02&post_id=1&author_id=2",
            "/impressions/hourly?from=2017-01-01T00:00:00Z&to=2018-01-01T00:00:00Z",
        ] {
            let reply = app.call("GET", bad, &[], None);
            assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
        }
    });
}

#[test]
fn the_export_streams_raw_rows_as_csv() {
    in_each_mode("export", &[], |app| {
        app.ingest(&crate::rollups::dataset());
        let bearer = format!("Bearer {TOKEN}");
        let reply = app.call(
            "GET",
            "/impressions/export?from=2017-01-01&to=2017-01-02",
            &[("authorization", &bearer)],
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(
            reply
                .content_type
                .as_deref()
                .unwrap_or("")
                .starts_with("text/csv")
        );
        assert_eq!(
            reply.body,
            "created_at,viewer_id,post_id,author_id,stream_kind,stream_id,artist_invite_id\n\
             2017-01-01T12:15:00.000000Z,v1,p5,a3,email,1,\n\
             2017-01-01T12:45:00.000000Z,,p6,a3,email,,\n\
             2017-01-01T23:59:59.999999Z,v1,p1,a1,category,c1,7\n"
        );
        let unauthorized = app.call(
            "GET",
            "/impressions/export?from=2017-01-01&to=2017-01-02",
            &[],
            None,
        );
        assert_eq!(unauthorized.status, 401);
        // Large exports arrive whole.
        let many: Vec<serde_json::Value> = (0..5000)
            .map(|i| {
                super::event(
                    &format!("2017-02-01T00:{:02}:{:02}Z", i / 60 % 60, i % 60),
                    &format!("q{i}"),
                    "a",
                    None,
                    None,
                    None,
                    None,
                )
            })
            .collect();
        assert_eq!(
            app.ingest(&serde_json::Value::Array(many)).json()["accepted"],
            5000
        );
        let reply = app.call(
            "GET",
            "/impressions/export?from=2017-02-01&to=2017-02-02",
            &[("authorization", &bearer)],
            None,
        );
        assert_eq!(reply.body.lines().count(), 5001);
    });
}
