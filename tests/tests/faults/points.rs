//! points: Redis killed and restarted under a stream of diffadd writes (each a running
//! total, so a repeated write adds nothing).

use tally_tests::backends::postgres_base_url;
use tally_tests::servers::RedisServer;
use tally_tests::{Backends, Host, apps};

use crate::{OUTAGE, drive, report};

const T0: i64 = 1_704_067_200;
const USERS: usize = 10;

#[test]
fn points_sums_stay_exact_across_a_redis_outage() {
    let mut redis = RedisServer::start();
    let backends = Backends::on("fault_points", &redis.url(), &postgres_base_url());
    let dir = tempfile::tempdir().unwrap();
    let manifest = apps::points::manifest(&backends).write(dir.path());
    let mut host = Host::start(&manifest, &[], &[]);
    let n = 800;
    // Write i: user i % USERS, activity i, running total i + 1 at T0 + i.
    let outcome = drive(
        n,
        4,
        n / 4,
        |i| {
            let ts = T0 + i as i64;
            let body = format!(
                r#"{{"thing":"steps","uid":{},"atid":1,"aid":{i},"value":{},"ts1":{ts},"ts2":{ts}}}"#,
                i % USERS,
                i + 1
            );
            host.post("/points/v1/write", "application/json", &body)
        },
        || {
            redis.kill();
            std::thread::sleep(OUTAGE);
            redis.restart();
        },
    );
    let ids: Vec<String> = (0..USERS).map(|u| u.to_string()).collect();
    let reply = host.post(
        &format!("/points/v1/query_ids/steps/all/{T0}/{}", T0 + n as i64),
        "application/x-www-form-urlencoded",
        &format!("ids={}", ids.join(",")),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let sums = reply.json();
    let (mut lost, mut doubled) = (0i64, 0i64);
    for u in 0..USERS {
        let want: i64 = (0..n)
            .filter(|i| i % USERS == u)
            .map(|i| i as i64 + 1)
            .sum();
        let got = sums[u.to_string()].as_i64().unwrap();
        lost += (want - got).max(0);
        doubled += (got - want).max(0);
    }
    report("points (Redis killed)", &mut host, &outcome, lost, doubled);
}
