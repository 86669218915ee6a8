//! Fault injection: each component under a steady stream of writes while the test kills
//! its Redis or Postgres (servers of the test's own, on their own ports) and starts it
//! again. Every request must either succeed or fail with a 503 the client can retry;
//! after retrying the failed ones, the counts must be exact — nothing lost, nothing
//! counted twice — and the host must have stayed up and reconnected on its own.

mod etl;
mod ingest;
mod points;
mod slices;
mod streams;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tally_tests::Host;
use tally_tests::http::Reply;

/// How long a backend stays down.
pub const OUTAGE: Duration = Duration::from_millis(800);

/// Pause between two requests of one client, so the stream of writes spans the outage.
const PACE: Duration = Duration::from_millis(3);

/// What a driven run saw.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Requests sent (first attempts).
    pub sent: usize,
    /// First attempts answered 503.
    pub failed: usize,
    /// Retries sent until every failed request succeeded.
    pub retries: usize,
}

/// Sends requests `0..n` from `clients` threads (each `send(i)` is one request and must
/// be safe to repeat), runs `fault` once `fault_at` requests have been answered, then
/// retries every request that failed until it succeeds. Any answer other than success or
/// 503 fails the test.
pub fn drive(
    n: usize,
    clients: usize,
    fault_at: usize,
    send: impl Fn(usize) -> Reply + Sync,
    fault: impl FnOnce() + Send,
) -> Outcome {
    let next = AtomicUsize::new(0);
    let answered = AtomicUsize::new(0);
    let failed = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        s.spawn(|| {
            while answered.load(Ordering::SeqCst) < fault_at {
                std::thread::sleep(Duration::from_millis(1));
            }
            fault();
        });
        for _ in 0..clients {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= n {
                        break;
                    }
                    let reply = send(i);
                    answered.fetch_add(1, Ordering::SeqCst);
                    match reply.status {
                        200..=299 => {}
                        503 => failed.lock().unwrap().push(i),
                        other => panic!("request {i} answered {other}: {}", reply.body),
                    }
                    std::thread::sleep(PACE);
                }
            });
        }
    });
    let failed = failed.into_inner().unwrap();
    let mut outcome = Outcome {
        sent: n,
        failed: failed.len(),
        retries: 0,
    };
    for i in failed {
        outcome.retries += retry(|| send(i));
    }
    outcome
}

/// Repeats `send` until it succeeds (503s allowed for 30 s); returns the attempts made.
pub fn retry(send: impl Fn() -> Reply) -> usize {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let reply = send();
        match reply.status {
            200..=299 => return attempts,
            503 if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            other => panic!("a retry answered {other}: {}", reply.body),
        }
    }
}

/// Checks that the fault was felt (some requests failed) and the host is still up, and
/// records the run in the test output (docs/RELIABILITY.md collects these lines).
pub fn report(name: &str, host: &mut Host, outcome: &Outcome, lost: i64, doubled: i64) {
    assert!(host.is_running(), "{name}: the host went down");
    assert!(
        outcome.failed > 0,
        "{name}: no request failed, so the outage was not exercised: {outcome:?}"
    );
    println!(
        "RELIABILITY {name}: sent={} failed_then_retried={} retries={} lost={lost} doubled={doubled} host_restarts=0",
        outcome.sent, outcome.failed, outcome.retries
    );
    assert_eq!(
        (lost, doubled),
        (0, 0),
        "{name}: events lost / counted twice"
    );
}
