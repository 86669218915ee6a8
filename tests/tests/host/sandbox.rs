//! Traps, deadlines and memory caps: a misbehaving component never takes the host down.

use std::time::{Duration, Instant};

use super::in_each_mode;

#[test]
fn a_trap_answers_500_and_the_host_keeps_serving() {
    in_each_mode("trap", &[], |host, _| {
        assert_eq!(host.get("/trap").status, 500);
        assert_eq!(host.get("/hello").status, 200);
        assert_eq!(host.get("/trap").status, 500);
        assert_eq!(host.get("/hello").status, 200);
    });
}

#[test]
fn a_runaway_component_is_cut_off_at_its_deadline() {
    in_each_mode("deadline", &["--request-timeout", "1s"], |host, _| {
        let started = Instant::now();
        let reply = host.get("/spin");
        let elapsed = started.elapsed();
        assert_eq!(reply.status, 504, "{}", reply.body);
        assert!(
            elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5),
            "cut off after {elapsed:?}"
        );
        assert_eq!(host.get("/hello").status, 200);
    });
}

#[test]
fn memory_beyond_the_cap_fails_only_that_request() {
    in_each_mode("memory", &["--memory-limit-mb", "64"], |host, _| {
        assert_eq!(host.get("/alloc?mb=8").status, 200);
        assert_eq!(host.get("/alloc?mb=200").status, 500);
        assert_eq!(host.get("/alloc?mb=8").status, 200);
    });
}

#[test]
fn instances_are_reused_only_when_reuse_is_on() {
    let backends = tally_tests::Backends::new("reuse");
    let dir = tempfile::tempdir().unwrap();
    let manifest = super::probe_app(&backends).write(dir.path());
    let calls = |host: &tally_tests::Host| -> Vec<String> {
        (0..3).map(|_| host.get("/calls").body).collect()
    };

    // Reuse (Spin 4's default): sequential requests share one instance and its globals.
    let host = tally_tests::Host::start(&manifest, &[], super::MODES[0]);
    assert_eq!(calls(&host), ["1", "2", "3"]);
    drop(host);

    // A fresh instance per request: nothing survives between requests.
    let host = tally_tests::Host::start(&manifest, &[], super::MODES[1]);
    assert_eq!(calls(&host), ["1", "1", "1"]);
}
