//! The original's routes: an empty slice, one event, text and JSON, per worker.

use super::{T0, event, in_each_mode, summary, text, triple};

#[test]
fn an_empty_slice_is_zeros() {
    in_each_mode("empty_slice", &[1, 2, 3], &[], |host, _| {
        let ts = T0 + 5 * 3600 + 17;
        let reply = host.get(&format!("/analytics?timestamp={ts}"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.content_type.unwrap().starts_with("text/plain"));
        assert_eq!(reply.body, text(0, 0, 0));

        let v = summary(host, ts);
        assert_eq!(triple(&v), (0, 0, 0));
        assert_eq!(v["slice"], 5);
        assert_eq!(v["start"], "2024-01-01T05:00:00Z");
        assert_eq!(v["end"], "2024-01-01T06:00:00Z");
        assert_eq!(v["late_events"], 0);

        // Every shard serving the slice is listed, each with zeros.
        let reply = host.get(&format!("/analytics/perworker?timestamp={ts}"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let expected: String = (0..3)
            .map(|w| format!("slice,5\nworker,{w}\n{}", text(0, 0, 0)))
            .collect();
        assert_eq!(reply.body, expected);
    });
}

#[test]
fn one_event_is_counted_once_on_one_shard() {
    in_each_mode("one_event", &[1, 2, 3], &[], |host, shards| {
        let ts = T0 + 3600 + 5;
        event(host, &format!("timestamp={ts}&user=ann&click"));
        assert_eq!(
            host.get(&format!("/analytics?timestamp={ts}")).body,
            text(1, 1, 0)
        );
        // The same slice asked in milliseconds, and from its last second.
        let ms = (T0 + 2 * 3600 - 1) * 1000 + 999;
        assert_eq!(triple(&summary(host, ms)), (1, 1, 0));
        // The neighbouring slices are untouched.
        assert_eq!(triple(&summary(host, T0)), (0, 0, 0));
        assert_eq!(triple(&summary(host, T0 + 2 * 3600)), (0, 0, 0));

        // Exactly one shard holds it.
        let reply = host.get(&format!("/analytics/perworker?timestamp={ts}&format=json"));
        let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let workers = v["workers"].as_array().unwrap();
        assert_eq!(workers.len(), 3);
        let busy: Vec<_> = workers.iter().filter(|w| w["clicks"] == 1).collect();
        assert_eq!(busy.len(), 1, "{workers:?}");
        assert_eq!(busy[0]["unique_users"], 1);
        let db = shards.dbs[busy[0]["worker"]
            .as_str()
            .unwrap()
            .parse::<usize>()
            .unwrap()];
        assert!(
            !shards.own_keys(db).is_empty(),
            "the data is in database {db}"
        );

        // A second event of the same user: one more impression, still one user.
        event(
            host,
            &format!("user=ann&impression&timestamp={}", ts * 1000 + 7),
        );
        assert_eq!(
            host.get(&format!("/analytics?timestamp={ts}")).body,
            text(1, 1, 1)
        );
        // Another user.
        event(host, &format!("impression&timestamp={ts}&user=bob"));
        assert_eq!(
            host.get(&format!("/analytics?timestamp={ts}")).body,
            text(2, 1, 2)
        );
    });
}

#[test]
fn form_bodies_and_the_old_label() {
    in_each_mode(
        "form_label",
        &[1],
        &[("slices_unique_label", "unqiue_users")],
        |host, _| {
            let ts = T0 + 60;
            let reply = host.post(
                "/analytics",
                "application/x-www-form-urlencoded",
                &format!("user=a%20b&timestamp={ts}&click"),
            );
            assert_eq!(reply.status, 202, "{}", reply.body);
            // Query and body combine.
            let reply = host.post(
                &format!("/analytics?timestamp={ts}"),
                "application/x-www-form-urlencoded",
                "impression&user=c",
            );
            assert_eq!(reply.status, 202, "{}", reply.body);
            let reply = host.get(&format!("/analytics?timestamp={ts}"));
            assert_eq!(reply.body, "unqiue_users,2\nclicks,1\nimpressions,1\n");
            // JSON keeps the correct name.
            assert_eq!(triple(&summary(host, ts)), (2, 1, 1));
        },
    );
}
