//! The rollup tables on hand-built impressions across hour and day boundaries, checked
//! value by value; idempotent re-runs; the cron trigger.

use std::time::Duration;

use serde_json::{Value, json};
use tally_tests::host::eventually;

use super::{App, MODES, count, event, in_each_mode, rows};

/// Twelve impressions around the 2017-01-01/02 midnight and the 30-day email window.
pub fn dataset() -> Value {
    let e = event;
    json!([
        e(
            "2017-01-01T23:59:59.999999Z",
            "p1",
            "a1",
            Some("v1"),
            Some("category"),
            Some("c1"),
            Some("7")
        ),
        e(
            "2017-01-02T00:00:00Z",
            "p1",
            "a1",
            None,
            Some("category"),
            Some("c1"),
            Some("7")
        ),
        e(
            "2017-01-02T00:30:00Z",
            "p2",
            "a2",
            Some("v2"),
            Some("category"),
            Some("c2"),
            None
        ),
        e(
            "2017-01-02T00:59:59.5Z",
            "p2",
            "a2",
            Some("v1"),
            Some("following"),
            Some("f9"),
            Some("7")
        ),
        e(
            "2017-01-02T00:10:00Z",
            "p3",
            "a1",
            Some("v3"),
            None,
            None,
            Some("7")
        ),
        e("2017-01-02T00:20:00Z", "p3", "a1", None, None, None, None),
        e(
            "2017-01-02T01:00:00Z",
            "p4",
            "a1",
            Some("v1"),
            Some("email"),
            None,
            None
        ),
        e(
            "2017-01-02T23:00:00Z",
            "p4",
            "a1",
            Some("v2"),
            Some("email"),
            None,
            None
        ),
        e(
            "2017-01-01T12:15:00Z",
            "p5",
            "a3",
            Some("v1"),
            Some("email"),
            Some("1"),
            None
        ),
        e(
            "2017-01-01T12:45:00Z",
            "p6",
            "a3",
            None,
            Some("email"),
            None,
            None
        ),
        e(
            "2016-12-03T10:00:00Z",
            "p7",
            "a3",
            Some("v3"),
            Some("email"),
            None,
            None
        ),
        e(
            "2016-12-02T23:59:59Z",
            "p8",
            "a3",
            Some("v4"),
            Some("email"),
            None,
            None
        ),
    ])
}

/// Loads the dataset, tracks a1 and a3, rolls up 2017-01-01 and 2017-01-02.
pub fn load_and_roll_up(app: &App) -> Value {
    let reply = app.ingest(&dataset());
    assert_eq!(reply.json()["accepted"], 12, "{}", reply.body);
    app.admin("PUT", "/impressions/tracked_authors/a1?username=ann");
    app.admin("PUT", "/impressions/tracked_authors/a3");
    app.admin(
        "POST",
        "/rollups/run?from=2017-01-01T00:00:00Z&to=2017-01-03T00:00:00Z",
    )
}

const HOURLY: &str = "SELECT to_char(starting_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24'), \
    stream_kind, stream_id, logged_in_views::text, logged_out_views::text \
    FROM hourly_impressions ORDER BY 1, 2, 3";

const INVITES: &str = "SELECT to_char(starting_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24'), \
    artist_invite_id, stream_kind, logged_in_views::text, logged_out_views::text \
    FROM artist_invite_hourly_impressions ORDER BY 1, 2, 3";

const USERS: &str = "SELECT author_id, to_char(starting_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24'), \
    views::text FROM user_hourly_impressions WHERE views > 0 ORDER BY 1, 2";

const EMAIL: &str = "SELECT day::text, day_total::text, thirty_day_total::text \
    FROM email_active_user_rollups ORDER BY 1";

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn hourly_impressions_by_stream_with_the_logged_in_split() {
    in_each_mode("rollup_hourly", &[], |app| {
        let report = load_and_roll_up(app);
        assert_eq!(report["rollup"]["hourly_impressions"], 8, "{report}");
        let expected = strings(&[
            &["2017-01-01T12", "email", "-", "1", "1"],
            &["2017-01-01T23", "category", "c1", "1", "0"],
            &["2017-01-02T00", "category", "c1", "0", "1"],
            &["2017-01-02T00", "category", "c2", "1", "0"],
            &["2017-01-02T00", "following", "-", "1", "0"],
            &["2017-01-02T00", "unknown", "-", "1", "1"],
            &["2017-01-02T01", "email", "-", "1", "0"],
            &["2017-01-02T23", "email", "-", "1", "0"],
        ]);
        let mut pg = app.pg();
        assert_eq!(rows(&mut pg, HOURLY), expected);
        let invites = strings(&[
            &["2017-01-01T23", "7", "category", "1", "0"],
            &["2017-01-02T00", "7", "category", "0", "1"],
            &["2017-01-02T00", "7", "following", "1", "0"],
            &["2017-01-02T00", "7", "unknown", "1", "0"],
        ]);
        assert_eq!(rows(&mut pg, INVITES), invites);

        // Re-running any hour changes nothing...
        let again = app.admin(
            "POST",
            "/rollups/run?from=2017-01-01T05:00:00Z&to=2017-01-02T03:00:00Z",
        );
        for table in [
            "hourly_impressions",
            "user_hourly_impressions",
            "artist_invite_hourly_impressions",
            "email_active_user_rollups",
        ] {
            assert_eq!(again["rollup"][table], 0, "{table}: {again}");
        }
        assert_eq!(rows(&mut pg, HOURLY), expected);
        assert_eq!(rows(&mut pg, INVITES), invites);
        // ...and a late event is picked up by the next run of its hour.
        app.ingest(&json!([event(
            "2017-01-02T00:45:00Z",
            "p9",
            "a2",
            None,
            Some("following"),
            None,
            None
        )]));
        app.admin(
            "POST",
            "/rollups/run?from=2017-01-02T00:00:00Z&to=2017-01-02T01:00:00Z",
        );
        let following = rows(
            &mut pg,
            "SELECT logged_in_views::text, logged_out_views::text FROM hourly_impressions \
              WHERE stream_kind = 'following'",
        );
        assert_eq!(following, strings(&[&["1", "1"]]));
    });
}

#[test]
fn tracked_authors_get_24_rows_a_day() {
    in_each_mode("rollup_users", &[], |app| {
        let report = load_and_roll_up(app);
        assert_eq!(report["rollup"]["user_hourly_impressions"], 96, "{report}");
        let mut pg = app.pg();
        let per_day = rows(
            &mut pg,
            "SELECT author_id, (starting_at AT TIME ZONE 'UTC')::date::text, count(*)::text, \
                    sum(views)::text FROM user_hourly_impressions GROUP BY 1, 2 ORDER BY 1, 2",
        );
        assert_eq!(
            per_day,
            strings(&[
                &["a1", "2017-01-01", "24", "1"],
                &["a1", "2017-01-02", "24", "5"],
                &["a3", "2017-01-01", "24", "2"],
                &["a3", "2017-01-02", "24", "0"],
            ])
        );
        assert_eq!(
            rows(&mut pg, USERS),
            strings(&[
                &["a1", "2017-01-01T23", "1"],
                &["a1", "2017-01-02T00", "3"],
                &["a1", "2017-01-02T01", "1"],
                &["a1", "2017-01-02T23", "1"],
                &["a3", "2017-01-01T12", "2"],
            ])
        );
        let listed = app.admin("GET", "/impressions/tracked_authors");
        assert_eq!(
            listed["authors"],
            json!([{"author_id": "a1", "username": "ann"}, {"author_id": "a3", "username": null}])
        );
        app.admin("DELETE", "/impressions/tracked_authors/a3");
        app.admin(
            "POST",
            "/rollups/run?from=2017-01-03T00:00:00Z&to=2017-01-04T00:00:00Z",
        );
        let day3 = count(
            &mut pg,
            "SELECT count(*) FROM user_hourly_impressions WHERE starting_at >= '2017-01-03 00:00+00'",
        );
        assert_eq!(day3, 24, "only a1 is still tracked");
    });
}

#[test]
fn email_active_users_over_1_and_31_days() {
    in_each_mode("rollup_email", &[], |app| {
        load_and_roll_up(app);
        // Jan 1: v1 that day (the logged-out view does not count); v1, v3 and v4 from
        // Dec 2 on. Jan 2: v1, v2; v1, v2, v3 from Dec 3 on (v4's Dec 2 view is out).
        assert_eq!(
            rows(&mut app.pg(), EMAIL),
            strings(&[&["2017-01-01", "1", "3"], &["2017-01-02", "2", "3"]])
        );
    });
}

#[test]
fn the_cron_trigger_rolls_up_the_current_hour() {
    let mode = MODES[0];
    let app = App::start_with("rollup_cron", mode, &[], &[], |b| {
        b.cron("* * * * * *", "ingest")
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let batch = json!([
        {"post": {"id": "p1"}, "author": {"id": "a1"}, "viewer": {"id": "v"}, "viewed_at": now - 1.0,
         "stream_kind": "cron"},
        {"post": {"id": "p2"}, "author": {"id": "a1"}, "viewed_at": now - 1.0, "stream_kind": "cron"},
    ]);
    assert_eq!(app.ingest(&batch).json()["accepted"], 2);
    let rolled = eventually(Duration::from_secs(15), || {
        let r = rows(
            &mut app.pg(),
            "SELECT logged_in_views::text, logged_out_views::text FROM hourly_impressions \
              WHERE stream_kind = 'cron' AND starting_at = date_bin('1 hour', now(), timestamptz 'epoch') \
                 OR stream_kind = 'cron' AND starting_at = date_bin('1 hour', now(), timestamptz 'epoch') - interval '1 hour'",
        );
        (r == strings(&[&["1", "1"]])).then_some(r)
    });
    assert!(rolled.is_some(), "no rollup; host log:\n{}", app.host.log());
    // The cron job refreshes the daily views too.
    let daily = eventually(Duration::from_secs(10), || {
        let n = count(
            &mut app.pg(),
            "SELECT coalesce(sum(views), 0)::bigint FROM impressions_by_day",
        );
        (n == 2).then_some(n)
    });
    assert_eq!(daily, Some(2));
}
