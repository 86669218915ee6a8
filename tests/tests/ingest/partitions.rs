//! Partition maintenance: day partitions created ahead, rows rescued from the default
//! partition, a partition left detached re-attached, idempotent runs.

use serde_json::json;

use super::{count, event, in_each_mode, rows};

fn children(pg: &mut postgres::Client) -> Vec<String> {
    rows(
        pg,
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
          WHERE i.inhparent = 'impressions'::regclass ORDER BY 1",
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect()
}

#[test]
fn partitions_are_created_ahead_and_default_rows_rescued() {
    in_each_mode("partitions", &[], |app| {
        let e = |at: &str, post: &str| event(at, post, "a1", Some("v"), None, None, None);
        let batch = json!([
            e("2017-01-05T00:00:00Z", "p1"),
            e("2017-01-05T12:00:00Z", "p2"),
            e("2017-01-05T23:59:59.999999Z", "p3"),
            e("2017-01-10T01:00:00Z", "p4"),
        ]);
        assert_eq!(app.ingest(&batch).json()["accepted"], 4);
        let mut pg = app.pg();
        assert_eq!(children(&mut pg), ["impressions_default"]);
        assert_eq!(
            count(&mut pg, "SELECT count(*) FROM impressions_default"),
            4
        );

        let report = app.admin(
            "POST",
            "/impressions/partitions/maintain?now=2017-01-10T00:30:00Z",
        );
        assert_eq!(
            report["attached"],
            json!([
                "impressions_p2017_01_05",
                "impressions_p2017_01_10",
                "impressions_p2017_01_11",
                "impressions_p2017_01_12",
                "impressions_p2017_01_13",
                "impressions_p2017_01_14",
            ])
        );
        assert_eq!(report["rescued_rows"], 4);
        assert_eq!(report["archive_enabled"], false);
        assert_eq!(
            children(&mut pg),
            [
                "impressions_default",
                "impressions_p2017_01_05",
                "impressions_p2017_01_10",
                "impressions_p2017_01_11",
                "impressions_p2017_01_12",
                "impressions_p2017_01_13",
                "impressions_p2017_01_14",
            ]
        );
        assert_eq!(
            count(&mut pg, "SELECT count(*) FROM impressions_default"),
            0
        );
        assert_eq!(
            count(&mut pg, "SELECT count(*) FROM impressions_p2017_01_05"),
            3
        );
        assert_eq!(
            count(&mut pg, "SELECT count(*) FROM impressions_p2017_01_10"),
            1
        );
        // The partitions carry the parent's indexes, so dedup still holds.
        let indexes = count(
            &mut pg,
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'impressions_p2017_01_05' \
               AND schemaname = current_schema()",
        );
        assert_eq!(indexes, 5);
        assert_eq!(app.ingest(&batch).json()["duplicates"], 4);

        // A second run has nothing to do.
        let again = app.admin(
            "POST",
            "/impressions/partitions/maintain?now=2017-01-10T00:45:00Z",
        );
        assert_eq!(
            (again["attached"].clone(), again["rescued_rows"].clone()),
            (json!([]), json!(0))
        );

        // New rows go straight to their partition; a day without one goes to the default
        // partition until the next run.
        app.ingest(&json!([
            e("2017-01-12T08:00:00Z", "p5"),
            e("2017-01-20T08:00:00Z", "p6")
        ]));
        assert_eq!(
            count(&mut pg, "SELECT count(*) FROM impressions_p2017_01_12"),
            1
        );
        assert_eq!(
            count(&mut pg, "SELECT count(*) FROM impressions_default"),
            1
        );
        // A partition left detached (a run stopped mid-archive) is attached again.
        pg.batch_execute("ALTER TABLE impressions DETACH PARTITION impressions_p2017_01_12")
            .unwrap();
        assert_eq!(count(&mut pg, "SELECT count(*) FROM impressions"), 5);
        let report = app.admin(
            "POST",
            "/impressions/partitions/maintain?now=2017-01-11T00:00:00Z",
        );
        assert_eq!(
            report["attached"],
            json!([
                "impressions_p2017_01_12",
                "impressions_p2017_01_15",
                "impressions_p2017_01_20"
            ])
        );
        assert_eq!(report["rescued_rows"], 1);
        assert_eq!(count(&mut pg, "SELECT count(*) FROM impressions"), 6);
        assert_eq!(
            count(&mut pg, "SELECT count(*) FROM impressions_default"),
            0
        );
    });
}
