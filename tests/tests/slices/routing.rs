//! Routing by slice: a change for future slices keeps every count right; a change that
//! would move a slice that already has data is refused.

use super::{MODES, Shards, T0, event, summary, triple};

fn at(slice: i64) -> i64 {
    T0 + slice * 3600 + 42
}

/// Posts `users` users with one click each and every second one also an impression.
fn load(host: &tally_tests::Host, slice: i64, users: usize, tag: &str) -> (u64, u64, u64) {
    for u in 0..users {
        event(
            host,
            &format!("timestamp={}&user={tag}{u}&click", at(slice)),
        );
        if u % 2 == 0 {
            event(
                host,
                &format!("timestamp={}&user={tag}{u}&impression", at(slice)),
            );
        }
    }
    (users as u64, users as u64, users.div_ceil(2) as u64)
}

fn workers(host: &tally_tests::Host, slice: i64) -> Vec<(String, u64)> {
    let reply = host.get(&format!(
        "/analytics/perworker?timestamp={}&format=json",
        at(slice)
    ));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    v["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["worker"].as_str().unwrap().to_string(),
                w["unique_users"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_routing_change_for_future_slices_keeps_counts_right() {
    for mode in MODES {
        let shards = Shards::new("routing_future", &[1, 2, 3]);
        let dir = tempfile::tempdir().unwrap();
        let before = r#"[{"slice":0,"shards":[0]}]"#;
        let after = r#"[{"slice":0,"shards":[0]},{"slice":10,"shards":[0,1,2]}]"#;

        let host = shards.start(dir.path(), &[("slices_routing", before)], mode);
        let old = load(&host, 3, 30, "a");
        assert_eq!(workers(&host, 3), [("0".to_string(), 30)]);
        drop(host);

        // Capacity added from slice 10 on.
        let host = shards.start(dir.path(), &[("slices_routing", after)], mode);
        let new = load(&host, 10, 60, "b");
        let more = load(&host, 12, 30, "c");
        // A late event for the old slice still goes where its data is.
        event(&host, &format!("timestamp={}&user=a0&click", at(3)));
        event(&host, &format!("timestamp={}&user=late&click", at(3)));

        assert_eq!(
            triple(&summary(&host, at(3))),
            (old.0 + 1, old.1 + 2, old.2)
        );
        assert_eq!(triple(&summary(&host, at(10))), new);
        assert_eq!(triple(&summary(&host, at(12))), more);
        assert_eq!(workers(&host, 3).len(), 1);
        let spread = workers(&host, 10);
        assert_eq!(
            spread.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
            ["0", "1", "2"]
        );
        assert!(
            spread.iter().all(|(_, n)| *n > 0),
            "every new shard takes users: {spread:?}"
        );
        assert_eq!(spread.iter().map(|(_, n)| n).sum::<u64>(), 60);

        let health = host.get("/analytics/health");
        let h: serde_json::Value = serde_json::from_str(&health.body).unwrap();
        assert_eq!(h["placement_conflicts"], serde_json::json!([]), "{h}");
    }
}

#[test]
fn a_routing_change_that_would_move_data_is_refused() {
    for mode in MODES {
        let shards = Shards::new("routing_refused", &[1, 2, 3]);
        let dir = tempfile::tempdir().unwrap();
        let host = shards.start(
            dir.path(),
            &[("slices_routing", r#"[{"slice":0,"shards":[0]}]"#)],
            mode,
        );
        let counts = load(&host, 5, 10, "u");
        drop(host);

        // Slice 5 moved to shards 1 and 2: its data would be split from its new events.
        let moved = r#"[{"slice":0,"shards":[1,2]}]"#;
        let host = shards.start(dir.path(), &[("slices_routing", moved)], mode);
        let reply = host.post(
            &format!("/analytics?timestamp={}&user=u1&click", at(5)),
            "text/plain",
            "",
        );
        assert_eq!(reply.status, 409, "{}", reply.body);
        assert_eq!(
            reply.content_type.as_deref(),
            Some("application/problem+json")
        );
        let p: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let detail = p["detail"].as_str().unwrap();
        assert!(
            detail.contains("slice 5") && detail.contains("/1"),
            "{detail}"
        );
        // Nothing was counted, and reads still find the data where it is.
        assert_eq!(triple(&summary(&host, at(5))), counts);
        assert_eq!(workers(&host, 5), [("0".to_string(), 10)]);
        // A slice without data takes the new routing.
        event(&host, &format!("timestamp={}&user=x&click", at(6)));
        assert_eq!(triple(&summary(&host, at(6))), (1, 1, 0));
        assert_ne!(workers(&host, 6)[0].0, "0");

        // Health names the conflicting slice.
        let h: serde_json::Value =
            serde_json::from_str(&host.get("/analytics/health").body).unwrap();
        let conflicts = h["placement_conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{h}");
        assert_eq!(conflicts[0]["slice"], 5);
        drop(host);

        // Back to the original routing, slice 5 takes events again.
        let host = shards.start(
            dir.path(),
            &[("slices_routing", r#"[{"slice":0,"shards":[0]}]"#)],
            mode,
        );
        event(&host, &format!("timestamp={}&user=u1&impression", at(5)));
        assert_eq!(
            triple(&summary(&host, at(5))),
            (counts.0, counts.1, counts.2 + 1)
        );
    }
}
