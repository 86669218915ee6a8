//! `POST /etl/batches`: loading, exactly once, bad rows and rejected files.

use serde_json::json;

use super::{App, points, sample, testdata};

const HEADER: &str = "ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string\n";

/// `n` valid rows of ad 1, one impression each, on 2024-05-01 10:00.
fn rows(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("1\t2024-05-01 10:{:02}:00 UTC\tview\timp{i}\tuser{i}\t10.1.0.{}\tMozilla/5.0 (X11; Linux)", i % 60, i % 250))
        .collect()
}

#[test]
fn the_sample_gives_the_documented_daily_impressions() {
    let app = App::start("etl_sample");
    let reply = app.batch("sample", &sample());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["status"], "loaded");
    assert_eq!(
        (body["rows"].clone(), body["bad_rows"].clone()),
        (json!(27), json!(0))
    );
    let day = |ad: i64| {
        let s = app.get_json(&format!(
            "/ads/{ad}/metrics?from=2019-01-03&to=2019-01-05&granularity=day"
        ));
        points(&s)
            .iter()
            .map(|p| (p.0.clone(), p.1))
            .collect::<Vec<_>>()
    };
    let d = |date: &str, n: i64| (format!("{date}T00:00:00Z"), n);
    assert_eq!(day(100), [d("2019-01-03", 4), d("2019-01-04", 2)]);
    assert_eq!(day(101), [d("2019-01-03", 3), d("2019-01-04", 4)]);
    assert_eq!(day(102), [d("2019-01-03", 6), d("2019-01-04", 0)]);
}

/// The fixture `hourly.tsv` (columns in another order, an unknown `country` column) by
/// hand. Ad 7 on 2024-05-01:
/// - 10:00: views of imp-a (u1, .1, 10:59:30), imp-b (u2, .2), imp-c (u1, .1) twice
///   (an exact duplicate row) -> 3 impressions, 0 clicks, 2 IPs, 2 users;
/// - 11:00: the click on imp-a at 11:00:05 (u1, .1), view of imp-d (u3, .3), clicks on
///   imp-d at 11:31 (twice, the same click) and 11:45 -> 2 impressions (a, d), 3 clicks,
///   2 IPs (.1, .3), 2 users (u1, u3);
/// - 23:00: imp-e (u2, .2) -> 1, 0, 1, 1; and 2024-05-02 00:00: imp-e again -> 1, 0, 1, 1.
///
/// Ad 8, 10:00: a view and a click of imp-z (u9, .9) -> 1, 1, 1, 1.
pub fn hourly_expected() -> Vec<(&'static str, i64, i64, i64, i64)> {
    vec![
        ("2024-05-01T10", 3, 0, 2, 2),
        ("2024-05-01T11", 2, 3, 2, 2),
        ("2024-05-01T23", 1, 0, 1, 1),
        ("2024-05-02T00", 1, 0, 1, 1),
    ]
}

fn owned(v: Vec<(&str, i64, i64, i64, i64)>) -> Vec<(String, i64, i64, i64, i64)> {
    v.into_iter()
        .map(|(h, a, b, c, d)| (h.to_string(), a, b, c, d))
        .collect()
}

#[test]
fn hourly_metrics_of_a_hand_computed_fixture() {
    let app = App::start("etl_hourly");
    let reply = app.batch("hourly", &testdata("hourly.tsv"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["rows"], 13);
    // New facts: impressions a,b,c,d,e (ad 7, hours 10/11/23 and next day 00) = 3+2+1+1,
    // plus z -> 8; clicks 3 + 1 -> 4; sessions 2+2+1+1+1 -> 7; users the same -> 7;
    // ad_metrics rows: 4 hours of ad 7 and 1 of ad 8; both days are new (built in bulk).
    assert_eq!(
        body["new"],
        json!({"impressions": 8, "clicks": 4, "sessions": 7, "users": 7, "hours": 5, "days": 2})
    );
    assert_eq!(app.metrics(7), owned(hourly_expected()));
    assert_eq!(app.metrics(8), owned(vec![("2024-05-01T10", 1, 1, 1, 1)]));
    // The same through the API, a point per hour of [10:00, 12:00).
    let s = app.get_json("/ads/7/metrics?from=2024-05-01T10:00:00Z&to=2024-05-01T12:00:00Z");
    assert_eq!(s["granularity"], "hour");
    assert_eq!(
        points(&s),
        [
            ("2024-05-01T10:00:00Z".to_string(), 3, 0, 2, 2),
            ("2024-05-01T11:00:00Z".to_string(), 2, 3, 2, 2)
        ]
    );
    assert_eq!(s["series"][1]["ctr"], 1.5);
    assert_eq!(s["series"][0]["ctr"], 0.0);
}

#[test]
fn the_same_file_twice_is_loaded_once() {
    let app = App::start("etl_twice");
    let first = app.batch("hourly", &testdata("hourly.tsv")).json();
    assert_eq!(first["status"], "loaded");
    let counts = app.table_counts();
    let again = app.batch("hourly", &testdata("hourly.tsv"));
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["skipped"], "already loaded");
    assert_eq!(again.json()["file_id"], first["file_id"]);
    assert_eq!(app.table_counts(), counts);
    assert_eq!(app.metrics(7), owned(hourly_expected()));
    assert_eq!(app.count("SELECT count(*) FROM etl_files"), 1);
    // The same content under another name is a new file, but no fact is new: a reload is
    // harmless.
    let renamed = app.batch("hourly-copy", &testdata("hourly.tsv")).json();
    assert_eq!(renamed["status"], "loaded");
    assert_eq!(
        renamed["new"],
        json!({"impressions": 0, "clicks": 0, "sessions": 0, "users": 0, "hours": 0, "days": 0})
    );
    assert_eq!(app.metrics(7), owned(hourly_expected()));
}

#[test]
fn concurrent_deliveries_of_one_file_load_it_once() {
    let app = App::start("etl_concurrent");
    let file = testdata("hourly.tsv");
    let replies: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| app.batch("hourly", &file)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let statuses: Vec<String> = replies
        .iter()
        .map(|r| r.json()["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "loaded").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "skipped").count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(app.metrics(7), owned(hourly_expected()));
}

#[test]
fn two_files_sharing_events_count_them_once() {
    let app = App::start("etl_overlap");
    let file = testdata("hourly.tsv");
    let lines: Vec<&str> = file.lines().collect();
    // Rows 1-8 and rows 5-13 (each with the header): rows 5-8 are in both.
    let first = format!("{}\n", lines[..9].join("\n"));
    let second = format!("{}\n{}\n", lines[0], lines[5..].join("\n"));
    assert_eq!(app.batch("part-1", &first).json()["status"], "loaded");
    let b = app.batch("part-2", &second).json();
    assert_eq!(b["status"], "loaded");
    assert_eq!(app.metrics(7), owned(hourly_expected()));
    assert_eq!(app.metrics(8), owned(vec![("2024-05-01T10", 1, 1, 1, 1)]));
    // Daily distinct counts are exact across the files too (see the dashboard tests).
    let day = app.get_json("/ads/7/metrics?from=2024-05-01&to=2024-05-02&granularity=day");
    assert_eq!(
        points(&day),
        [("2024-05-01T00:00:00Z".to_string(), 5, 3, 3, 3)]
    );
}

#[test]
fn a_file_without_a_required_column_is_rejected_by_name() {
    let app = App::start("etl_missing_column");
    let file =
        "ad_id\ttimestamp\tevent\tuser_id\tip\n1\t2024-05-01 10:00:00 UTC\tview\tu\t10.0.0.1\n";
    let reply = app.batch("no-impressions", file);
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/problem+json")
    );
    let body = reply.json();
    assert!(
        body["detail"].as_str().unwrap().contains("`impression_id`"),
        "{body}"
    );
    assert_eq!(app.table_counts(), [0; 5]);
    assert_eq!(body["file"]["status"], "failed");
    let failed = app.get_json("/etl/files?status=failed");
    assert_eq!(failed["files"][0]["name"], "no-impressions");
    assert_eq!(
        failed["files"][0]["retryable"], false,
        "a batch body is not kept"
    );
    // Nothing else is a file: an empty body has no header.
    let empty = app.batch("empty", "");
    assert_eq!(empty.status, 422);
    assert!(
        empty.json()["detail"]
            .as_str()
            .unwrap()
            .contains("no header")
    );
}

#[test]
fn bad_rows_are_skipped_and_counted_by_line() {
    let app = App::start("etl_bad_rows");
    let mut lines = rows(198);
    // Lines of the file: 1 is the header, so row i is line i + 2.
    lines.insert(
        10,
        "1\t2024-05-01 10:00:00 UTC\tpurchase\timpX\tu\t10.0.0.1\tUA".into(),
    );
    lines.insert(100, "1\tyesterday\tview\timpY\tu\t10.0.0.1\tUA".into());
    let file = format!("{HEADER}{}\n", lines.join("\n"));
    let reply = app.batch("two-bad", &file);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    // 2 of 200 rows is exactly 1 %: accepted.
    assert_eq!(
        (body["rows"].clone(), body["bad_rows"].clone()),
        (json!(198), json!(2))
    );
    assert_eq!(body["bad_lines"][0]["line"], 12);
    assert!(
        body["bad_lines"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("`event`")
    );
    assert_eq!(body["bad_lines"][1]["line"], 102);
    assert!(
        body["bad_lines"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("`timestamp`")
    );
    assert_eq!(app.count("SELECT count(*) FROM ad_impressions"), 198);
    assert_eq!(
        app.metrics(1),
        vec![("2024-05-01T10".to_string(), 198, 0, 198, 198)]
    );
    let file = app.get_json(&format!("/etl/files/{}", body["file_id"]));
    assert_eq!(
        (
            file["bad_rows"].clone(),
            file["bad_lines"][1]["line"].clone()
        ),
        (json!(2), json!(102))
    );
}

#[test]
fn a_file_over_the_bad_row_limit_is_rejected_and_nothing_is_visible() {
    let app = App::start("etl_too_bad");
    let mut lines = rows(197);
    for i in 0..3 {
        lines.push(format!(
            "1\t2024-05-01 10:00:00 UTC\tview\tbad{i}\tu\tnot-an-ip\tUA"
        ));
    }
    let file = format!("{HEADER}{}\n", lines.join("\n"));
    let reply = app.batch("three-bad", &file);
    assert_eq!(reply.status, 422, "{}", reply.body);
    let body = reply.json();
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("3 of 200 rows are bad (1.50 %)"),
        "{detail}"
    );
    assert_eq!(body["bad_lines"][0]["line"], 199);
    assert_eq!(app.table_counts(), [0; 5]);
    let failed = app.get_json("/etl/files?status=failed")["files"][0].clone();
    assert_eq!(
        (failed["name"].clone(), failed["status"].clone()),
        (json!("three-bad"), json!("failed"))
    );
    assert!(failed["error"].as_str().unwrap().contains("1.50 %"));
    assert_eq!(failed["attempts"], 1);
    // The same rows with a higher limit load (an operator decision, per deployment).
    drop(app);
    let lenient = App::start_with(
        "etl_too_bad_lenient",
        &[("etl_max_bad_row_percent", "2")],
        &[],
    );
    assert_eq!(lenient.batch("three-bad", &file).json()["rows"], 197);
}

#[test]
fn batches_need_a_name() {
    let app = App::start("etl_batch_name");
    let reply = app.call("POST", "/etl/batches", Some(("text/plain", &sample())));
    assert_eq!(reply.status, 400);
    assert!(reply.json()["detail"].as_str().unwrap().contains("`name`"));
    assert_eq!(app.table_counts(), [0; 5]);
}
