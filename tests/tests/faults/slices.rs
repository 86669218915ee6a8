//! slices: Redis killed and restarted under a stream of click events carrying ids.

use tally_tests::backends::postgres_base_url;
use tally_tests::servers::RedisServer;
use tally_tests::{Backends, Host, apps};

use crate::{OUTAGE, drive, report};

/// 2024-01-01T00:00:00Z, the first slice.
const T0: i64 = 1_704_067_200;

#[test]
fn slices_counts_stay_exact_across_a_redis_outage() {
    let mut redis = RedisServer::start();
    let backends = Backends::on("fault_slices", &redis.url(), &postgres_base_url());
    let dir = tempfile::tempdir().unwrap();
    let manifest = apps::slices::manifest(&backends).write(dir.path());
    let mut host = Host::start(&manifest, &[], &[]);
    let ts = T0 + 60;
    let (n, users) = (800, 40);
    let outcome = drive(
        n,
        4,
        n / 4,
        |i| {
            host.post(
                &format!(
                    "/analytics?timestamp={ts}&user=u{}&click&id=e{i}",
                    i % users
                ),
                "text/plain",
                "",
            )
        },
        || {
            redis.kill();
            std::thread::sleep(OUTAGE);
            redis.restart();
        },
    );
    let reply = host.get(&format!("/analytics?timestamp={ts}&format=json"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let summary = reply.json();
    let clicks = summary["clicks"].as_i64().unwrap();
    assert_eq!(summary["unique_users"].as_i64(), Some(users as i64));
    let n = n as i64;
    report(
        "slices (Redis killed)",
        &mut host,
        &outcome,
        (n - clicks).max(0),
        (clicks - n).max(0),
    );
}
