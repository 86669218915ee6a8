//! EventBridge scheduled events to a component's cron handler.

use redis::TypedCommands;
use serde_json::json;

use super::events::{kinesis, schedule};
use super::{ingest_app, probe_app, start};

#[test]
fn a_scheduled_event_runs_the_cron_handler_at_the_event_time() {
    let mut f = start("lambda_schedule", probe_app, "probe", &[]);
    let out = f
        .function
        .invoke(&schedule("2024-05-01T10:00:00Z"))
        .response();
    assert_eq!(out, json!({"component": "probe", "timestamp": 1714557600}));
    let mut redis = f.backends.redis();
    let last: Option<String> = redis.get(f.backends.key("cron:last")).unwrap();
    assert_eq!(last.as_deref(), Some("1714557600"));
    let runs: Option<String> = redis.get(f.backends.key("cron")).unwrap();
    assert_eq!(runs.as_deref(), Some("1"));
}

#[test]
fn a_failed_cron_run_is_a_function_error() {
    // Redis is pointed at an address the component may not reach: the handler fails.
    let env = [("SPIN_VARIABLE_REDIS_URL", "redis://127.0.0.1:1")];
    let mut f = start("lambda_schedule_fail", probe_app, "probe", &env);
    let message = f
        .function
        .invoke(&schedule("2024-05-01T10:00:00Z"))
        .error_message();
    assert!(
        message.contains("cron handler of `probe` failed"),
        "{message}"
    );
}

#[test]
fn ingests_cron_rolls_up_what_kinesis_delivered() {
    let mut f = start("lambda_schedule_rollup", ingest_app, "ingest", &[]);
    let e = |post: &str, viewer: Option<&str>, at: f64| {
        let mut e = json!({"post": {"id": post}, "author": {"id": "a1"}, "viewed_at": at,
                           "stream_kind": "following"});
        if let Some(v) = viewer {
            e["viewer"] = json!({"id": v});
        }
        e.to_string().into_bytes()
    };
    // 2017-01-01T23:30Z, 2017-01-02T00:10Z, 2017-01-02T00:20Z.
    let records = [
        e("p1", Some("v1"), 1483313400.0),
        e("p1", None, 1483315800.0),
        e("p2", Some("v2"), 1483316400.0),
    ];
    let out = f.function.invoke(&kinesis(&records)).response();
    assert_eq!(out["batchItemFailures"], json!([]), "{out}");
    // The 00:30 run rolls up the previous hour (23:00) and the current one (00:00).
    let out = f
        .function
        .invoke(&schedule("2017-01-02T00:30:00Z"))
        .response();
    assert_eq!(out["timestamp"], 1483317000, "{out}");
    let rows: Vec<(String, i64, i64)> = f
        .backends
        .postgres()
        .query(
            "SELECT to_char(starting_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24'), \
                    sum(logged_in_views)::int8, sum(logged_out_views)::int8 \
               FROM hourly_impressions GROUP BY 1 ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        rows,
        [
            ("2017-01-01 23".to_string(), 1, 0),
            ("2017-01-02 00".to_string(), 1, 1)
        ]
    );
}
