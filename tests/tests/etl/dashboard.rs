//! The dashboard routes: daily distinct counts, top ads, CSV, bounds and bad parameters.

use serde_json::json;

use super::{App, points, testdata};

fn loaded(test: &str) -> App {
    let app = App::start(test);
    let reply = app.batch("hourly", &testdata("hourly.tsv"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    app
}

#[test]
fn a_day_counts_an_impression_seen_in_two_hours_once() {
    let app = loaded("etl_daily");
    // imp-a was viewed at 10:59:30 and clicked at 11:00:05: one impression of the day,
    // though it is in the 10:00 and the 11:00 hour (3 + 2 + 1 hourly impressions on
    // 2024-05-01, but a, b, c, d, e are 5). IPs .1/.2/.3 and users u1/u2/u3 likewise.
    let s = app.get_json("/ads/7/metrics?from=2024-05-01&to=2024-05-03&granularity=day");
    assert_eq!(s["granularity"], "day");
    assert_eq!(
        points(&s),
        [
            ("2024-05-01T00:00:00Z".to_string(), 5, 3, 3, 3),
            ("2024-05-02T00:00:00Z".to_string(), 1, 0, 1, 1)
        ]
    );
    assert_eq!(s["series"][0]["ctr"], 0.6);
    // Bounds are on hours: [11:00, 2024-05-02) holds only 11:00 and 23:00 of the 1st.
    let part =
        app.get_json("/ads/7/metrics?from=2024-05-01T11:00:00Z&to=2024-05-02&granularity=day");
    assert_eq!(
        points(&part),
        [("2024-05-01T00:00:00Z".to_string(), 3, 3, 3, 3)]
    );
    // Epoch seconds work as bounds: 1714557600 is 2024-05-01T10:00:00Z, `to` exclusive.
    let hour = app.get_json("/ads/7/metrics?from=1714557600&to=1714561200");
    assert_eq!(
        points(&hour),
        [("2024-05-01T10:00:00Z".to_string(), 3, 0, 2, 2)]
    );
}

#[test]
fn series_have_a_point_for_every_hour_of_the_range() {
    let app = loaded("etl_zero_fill");
    let s = app.get_json(
        "/ads/7/metrics?from=2024-05-01T09:00:00Z&to=2024-05-01T13:00:00Z&granularity=hour",
    );
    let p = points(&s);
    assert_eq!(p.len(), 4);
    assert_eq!(p[0], ("2024-05-01T09:00:00Z".to_string(), 0, 0, 0, 0));
    assert_eq!(p[3], ("2024-05-01T12:00:00Z".to_string(), 0, 0, 0, 0));
    assert_eq!(s["series"][0]["ctr"], serde_json::Value::Null);
    let unknown = app.get_json("/ads/999/metrics?from=2024-05-01&to=2024-05-02&granularity=day");
    assert_eq!(
        points(&unknown),
        [("2024-05-01T00:00:00Z".to_string(), 0, 0, 0, 0)]
    );
}

#[test]
fn top_ads_by_clicks_impressions_and_ctr() {
    let app = loaded("etl_top");
    let top = |by: &str| {
        let t = app.get_json(&format!(
            "/ads/metrics/top?from=2024-05-01&to=2024-05-03&by={by}"
        ));
        t["ads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["ad_id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    // Ad 7: 3 clicks over 7 hourly impressions (ctr 0.428571); ad 8: 1 click, 1 impression.
    assert_eq!(top("clicks"), [7, 8]);
    assert_eq!(top("impressions"), [7, 8]);
    assert_eq!(top("ctr"), [8, 7]);
    let t = app.get_json("/ads/metrics/top?from=2024-05-01&to=2024-05-03&limit=1");
    assert_eq!(
        t["ads"],
        json!([{"ad_id": 7, "impressions": 7, "clicks": 3, "sessions": 6, "users": 6, "ctr": 0.428571}])
    );
    // A range before the data has no ads.
    let none = app.get_json("/ads/metrics/top?from=2024-04-01&to=2024-05-01");
    assert_eq!(none["ads"], json!([]));
}

#[test]
fn the_csv_export_has_the_same_rows() {
    let app = loaded("etl_csv");
    let reply = app.call(
        "GET",
        "/ads/metrics.csv?ad_id=7,8&from=2024-05-01T10:00:00Z&to=2024-05-01T12:00:00Z",
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        reply.body,
        "ad_id,time,impressions,clicks,sessions,users,ctr\n\
         7,2024-05-01T10:00:00Z,3,0,2,2,0\n\
         7,2024-05-01T11:00:00Z,2,3,2,2,1.5\n\
         8,2024-05-01T10:00:00Z,1,1,1,1,1\n\
         8,2024-05-01T11:00:00Z,0,0,0,0,\n"
    );
    let daily = app.call(
        "GET",
        "/ads/metrics.csv?ad_id=7&from=2024-05-01&to=2024-05-02&granularity=day",
        None,
    );
    assert_eq!(
        daily.body.lines().nth(1),
        Some("7,2024-05-01T00:00:00Z,5,3,3,3,0.6")
    );
}

#[test]
fn bad_parameters_are_400s_naming_them() {
    let app = App::start("etl_bad_params");
    let cases = [
        ("/ads/x/metrics?from=2024-05-01&to=2024-05-02", "`ad_id`"),
        ("/ads/7/metrics?to=2024-05-02", "`from`"),
        ("/ads/7/metrics?from=2024-05-01&to=later", "`to`"),
        (
            "/ads/7/metrics?from=2024-05-02&to=2024-05-01",
            "`to` must be after `from`",
        ),
        ("/ads/7/metrics?from=2024-01-01&to=2024-05-01", "92 days"),
        (
            "/ads/7/metrics?from=2024-05-01&to=2024-05-02&granularity=week",
            "`granularity`",
        ),
        (
            "/ads/metrics/top?from=2024-05-01&to=2024-05-02&by=users",
            "`by`",
        ),
        (
            "/ads/metrics/top?from=2024-05-01&to=2024-05-02&limit=5000",
            "`limit`",
        ),
        ("/ads/metrics.csv?from=2024-05-01&to=2024-05-02", "`ad_id`"),
        ("/etl/files?status=dead", "`status`"),
        ("/etl/files/abc", "`id`"),
    ];
    for (path, named) in cases {
        let reply = app.call("GET", path, None);
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert_eq!(
            reply.content_type.as_deref(),
            Some("application/problem+json"),
            "{path}"
        );
        let detail = reply.json()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains(named), "{path}: {detail}");
    }
    assert_eq!(app.call("GET", "/etl/files/12345", None).status, 404);
}

#[test]
fn health_reports_postgres_and_the_object_server() {
    let app = App::start("etl_health");
    let h = app.get_json("/etl/health");
    assert_eq!(h["postgres"]["reachable"], true);
    assert_eq!(h["s3"]["reachable"], true);
    assert_eq!(h["s3"]["endpoint"], app.s3.url());
    // Postgres down (a port nothing listens on, allowed as outbound): 503.
    drop(app);
    let down = App::start_with(
        "etl_health_down",
        &[(
            "postgres_url",
            "postgres://tally:tally@127.0.0.1:5432/nonexistent_db_etl",
        )],
        &[],
    );
    let reply = down.call("GET", "/etl/health", None);
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(reply.json()["postgres"]["reachable"], false);
}
