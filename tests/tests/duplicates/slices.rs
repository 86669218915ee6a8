//! slices: an event posted with the same `id` three times counts once.

use tally_tests::{Backends, Host, apps};

use crate::thrice;

#[test]
fn a_repeated_event_id_counts_once() {
    let backends = Backends::new("dup_slices");
    let dir = tempfile::tempdir().unwrap();
    let host = Host::start(
        &apps::slices::manifest(&backends).write(dir.path()),
        &[],
        &[],
    );
    let ts = 1_704_067_200 + 30;
    let summary = || {
        let reply = host.get(&format!("/analytics?timestamp={ts}&format=json"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let v = reply.json();
        Some((
            v["unique_users"].clone(),
            v["clicks"].clone(),
            v["impressions"].clone(),
        ))
    };
    let post = |query: &str| {
        let reply = host.post(
            &format!("/analytics?timestamp={ts}&{query}"),
            "text/plain",
            "",
        );
        assert_eq!(reply.status, 202, "{}", reply.body);
    };
    thrice(
        "slices POST with id",
        summary().unwrap(),
        || post("user=ann&click&id=e-1"),
        summary,
    );
    // Without an id every POST counts, as in the original: the check above can fail.
    post("user=bob&impression");
    post("user=bob&impression");
    assert_eq!(summary().unwrap().2, 2);
}
