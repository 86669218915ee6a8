//! Duplicate delivery: every ingestion path given the same input two and three times
//! changes nothing after the first. Each test snapshots what a reader sees after the
//! first delivery and checks the second and third leave it exactly so.

mod ingest;
mod points;
mod slices;
mod streams;

use std::fmt::Debug;
use std::time::Duration;

/// Delivers once, then twice more; `settled` must return the state once the delivery
/// has been processed (`None` while it has not: asynchronous paths are polled for up to
/// 10 s), and that state must differ from `before` and stay the same afterwards.
pub fn thrice<S: PartialEq + Debug>(
    what: &str,
    before: S,
    mut deliver: impl FnMut(),
    settled: impl Fn() -> Option<S>,
) {
    deliver();
    let first = wait(&settled).unwrap_or_else(|| panic!("{what}: the first delivery never landed"));
    assert_ne!(first, before, "{what}: the first delivery changed nothing");
    for n in 2..=3 {
        deliver();
        // Give asynchronous paths (Redis channels) time to process the repeat.
        std::thread::sleep(Duration::from_millis(300));
        let again = wait(&settled).expect("state readable");
        assert_eq!(again, first, "{what}: delivery {n} changed the state");
    }
}

fn wait<S>(settled: &impl Fn() -> Option<S>) -> Option<S> {
    tally_tests::host::eventually(Duration::from_secs(10), settled)
}
