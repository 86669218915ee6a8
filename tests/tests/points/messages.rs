//! The Redis-channel trigger: `metric` and `count` messages; malformed ones are logged,
//! counted, and never stop the subscription.

use std::time::Duration;

use redis::TypedCommands;
use tally_tests::host::eventually;

use super::*;

#[test]
fn metric_and_count_messages_and_malformed_ones() {
    let backends = Backends::new("points_messages");
    let channel = backends.key("psd");
    let dir = tempfile::tempdir().unwrap();
    let manifest = points_app(&backends)
        .redis(&backends.redis_url, &channel, "points")
        .write(dir.path());
    let host = Host::start(&manifest, &[], &[]);
    let mut redis = backends.redis();
    let t0 = 1_458_061_005;
    // Publish the first message until the subscription is up.
    let first = format!(
        r#"{{"command":"metric","metric":{}}}"#,
        metric("steps", 1, 2, 3, 10, t0, t0 + 1)
    );
    let up = eventually(Duration::from_secs(10), || {
        (redis.publish(&channel, &first).unwrap() > 0).then_some(())
    });
    assert!(up.is_some(), "no subscriber; host log:\n{}", host.log());
    let bad = [
        "not json".to_string(),
        r#"{"command":"dance"}"#.to_string(),
        format!(
            r#"{{"command":"metric","metric":{}}}"#,
            metric("nope", 1, 2, 3, 10, t0, t0 + 1)
        ),
    ];
    for message in &bad {
        assert_eq!(redis.publish(&channel, message).unwrap(), 1);
    }
    // The same metric again (diffadd: adds nothing), a batch, and a count.
    redis.publish(&channel, &first).unwrap();
    let batch = format!(
        r#"{{"command":"metric","metric":[{},{}]}}"#,
        increment("steps", 1, 2, 4, 5, t0 + 2),
        increment("points", 2, 1, 5, 7, t0 + 2)
    );
    redis.publish(&channel, &batch).unwrap();
    let count = format!(r#"{{"command":"count","count":{{"thing":"opens","value":3,"ts":{t0}}}}}"#);
    assert_eq!(
        redis.publish(&channel, &count).unwrap(),
        1,
        "still subscribed"
    );
    let done = eventually(Duration::from_secs(10), || {
        let opens = ok_int(host.get(&format!("/points/v1/readcount/opens/{t0}/{t0}")));
        let points = query(&host, 2, "points", "all", t0, t0 + 10);
        (opens == 3 && points == 7).then_some(())
    });
    assert!(
        done.is_some(),
        "messages not applied; host log:\n{}",
        host.log()
    );
    assert_eq!(query(&host, 1, "steps", "all", t0, t0 + 10), 15);
    let p = key_prefix(&backends);
    let errors = eventually(Duration::from_secs(5), || {
        let n: Option<String> = redis.get(format!("{p}psd:errors")).unwrap();
        (n.as_deref() == Some("3")).then_some(())
    });
    assert!(errors.is_some(), "3 bad messages counted");
    // Messages may be handled concurrently: the last reason is one of the three.
    let last = redis.get(format!("{p}psd:last_error")).unwrap().unwrap();
    assert!(last.starts_with("rejected message: "), "{last}");
    // Each is logged with its reason.
    let log = host.log();
    for reason in ["not valid JSON", "got \"dance\"", "unknown thing \"nope\""] {
        assert!(log.contains(reason), "{reason} not logged:\n{log}");
    }
}
