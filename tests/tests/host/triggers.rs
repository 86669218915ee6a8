//! Redis-channel and cron triggers.

use std::time::Duration;

use redis::TypedCommands;
use tally_tests::host::eventually;
use tally_tests::{Backends, Host};

use super::probe_app;

#[test]
fn a_redis_message_reaches_its_component() {
    let backends = Backends::new("redis_trigger");
    let channel = backends.key("events");
    let dir = tempfile::tempdir().unwrap();
    let manifest = probe_app(&backends)
        .redis(&backends.redis_url, &channel, "probe")
        .write(dir.path());
    let host = Host::start(&manifest, &[], &[]);
    let mut redis = backends.redis();
    // The subscription is up once the host logs it; publish until a subscriber counts.
    let receivers = eventually(Duration::from_secs(10), || {
        let n = redis.publish(&channel, "first").unwrap();
        (n > 0).then_some(n)
    });
    assert_eq!(receivers, Some(1));
    redis.publish(&channel, "second").unwrap();
    // A message published by a component reaches it too.
    let reply = host.get(&format!("/publish?channel={channel}&message=third"));
    assert_eq!(reply.status, 200);
    let payloads = eventually(Duration::from_secs(10), || {
        let set = redis.smembers(backends.key("payloads")).unwrap();
        (set.contains("second") && set.contains("third")).then_some(set)
    });
    assert!(
        payloads.is_some(),
        "messages never arrived; host log:\n{}",
        host.log()
    );
}

#[test]
fn a_failing_message_handler_does_not_end_the_subscription() {
    let backends = Backends::new("redis_trigger_errors");
    let channel = backends.key("events");
    let dir = tempfile::tempdir().unwrap();
    // The component's redis_url points nowhere it may reach, so every message fails...
    let manifest = probe_app(&backends)
        .redis(&backends.redis_url, &channel, "probe")
        .write(dir.path());
    let host = Host::start(
        &manifest,
        &[("SPIN_VARIABLE_REDIS_URL", "redis://127.0.0.1:1")],
        &[],
    );
    let mut redis = backends.redis();
    for _ in 0..3 {
        let delivered = eventually(Duration::from_secs(10), || {
            (redis.publish(&channel, "x").unwrap() > 0).then_some(())
        });
        assert!(delivered.is_some());
    }
    let log = eventually(Duration::from_secs(10), || {
        let log = host.log();
        (log.matches("message handler").count() >= 3).then_some(log)
    });
    assert!(log.is_some(), "{}", host.log());
    // ...and the subscription is still there afterwards.
    assert_eq!(redis.publish(&channel, "y").unwrap(), 1);
}

#[test]
fn a_cron_schedule_fires() {
    let backends = Backends::new("cron");
    let dir = tempfile::tempdir().unwrap();
    let manifest = probe_app(&backends)
        .cron("* * * * * *", "probe")
        .write(dir.path());
    let _host = Host::start(&manifest, &[], &[]);
    let mut redis = backends.redis();
    let fired = eventually(Duration::from_secs(10), || {
        let n: Option<i64> = redis
            .get(backends.key("cron"))
            .unwrap()
            .and_then(|v| v.parse().ok());
        n.filter(|n| *n >= 2)
    });
    assert!(
        fired.is_some(),
        "the every-second schedule fired fewer than twice in 10 s"
    );
    let last: u64 = redis
        .get(backends.key("cron:last"))
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        now.abs_diff(last) < 15,
        "the metadata timestamp is the firing time"
    );
}
