//! points: writes and counts over HTTP and over the Redis channel, delivered three times:
//! diffadd writes by nature, increments and counts by their client `id`.

use redis::TypedCommands;
use tally_tests::{Backends, Host, apps};

use crate::thrice;

const T0: i64 = 1_458_061_005;

#[test]
fn repeated_writes_and_counts_change_nothing() {
    let backends = Backends::new("dup_points");
    let channel = backends.key("psd");
    let dir = tempfile::tempdir().unwrap();
    let manifest = apps::points::manifest(&backends)
        .redis(&backends.redis_url, &channel, "points")
        .write(dir.path());
    let host = Host::start(&manifest, &[], &[]);
    let mut redis = backends.redis();
    let sum = |uid: i64| {
        let reply = host.get(&format!(
            "/points/v1/query/{uid}/points/all/{T0}/{}",
            T0 + 60
        ));
        assert_eq!(reply.status, 200, "{}", reply.body);
        Some(reply.body.trim().parse::<i64>().unwrap())
    };
    let count = |name: &str| {
        let reply = host.get(&format!("/points/v1/readcount/{name}/{T0}/{}", T0 + 60));
        assert_eq!(reply.status, 200, "{}", reply.body);
        Some(reply.body.trim().parse::<i64>().unwrap())
    };
    let post = |path: &str, body: &str| {
        let reply = host.post(path, "application/json", body);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    };
    let diffadd =
        format!(r#"{{"thing":"points","uid":1,"atid":1,"aid":1,"value":5,"ts1":{T0},"ts2":{T0}}}"#);
    thrice(
        "HTTP diffadd write",
        sum(1).unwrap(),
        || post("/points/v1/write", &diffadd),
        || sum(1),
    );
    let batch = format!(
        r#"[{{"thing":"points","uid":2,"atid":1,"aid":1,"value":3,"ts2":{T0},"mode":"increment","id":"w-1"}},
            {{"thing":"points","uid":2,"atid":1,"aid":2,"value":4,"ts2":{T0},"mode":"increment","id":"w-2"}}]"#
    );
    thrice(
        "HTTP increment batch with ids",
        sum(2).unwrap(),
        || post("/points/v1/write", &batch),
        || sum(2),
    );
    let counted = format!(r#"{{"thing":"opens","value":2,"ts":{T0},"id":"c-1"}}"#);
    thrice(
        "HTTP count with id",
        count("opens").unwrap(),
        || post("/points/v1/count", &counted),
        || count("opens"),
    );

    // The channel: wait until the subscription is up (a message no one hears is lost).
    let up = tally_tests::host::eventually(std::time::Duration::from_secs(10), || {
        (redis.publish(&channel, "{}").unwrap() > 0).then_some(())
    });
    assert!(up.is_some(), "no subscriber: {}", host.log());
    let metric = format!(
        r#"{{"command":"metric","metric":{{"thing":"points","uid":3,"atid":1,"aid":1,"value":6,"ts2":{T0},"mode":"increment","id":"m-1"}}}}"#
    );
    let before = sum(3).unwrap();
    thrice(
        "channel increment with id",
        before,
        || {
            redis.publish(&channel, &metric).unwrap();
        },
        || sum(3).filter(|s| *s != before),
    );
    let message = format!(
        r#"{{"command":"count","count":{{"thing":"clicks","value":1,"ts":{T0},"id":"m-2"}}}}"#
    );
    let before = count("clicks").unwrap();
    thrice(
        "channel count with id",
        before,
        || {
            redis.publish(&channel, &message).unwrap();
        },
        || count("clicks").filter(|c| *c != before),
    );
}
