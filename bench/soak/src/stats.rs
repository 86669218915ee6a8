//! Latencies and outcomes per operation, and the report.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::ops::{Op, Outcome};

#[derive(Default)]
struct PerOp {
    latencies: Vec<Duration>,
    acknowledged: u64,
    retried: u64,
    failed: BTreeMap<u16, u64>,
}

/// What every request did.
#[derive(Default)]
pub struct Stats(Mutex<BTreeMap<Op, PerOp>>);

impl Stats {
    /// Records one request.
    pub fn record(&self, op: Op, latency: Duration, outcome: Outcome) {
        let mut all = self.0.lock().unwrap();
        let entry = all.entry(op).or_default();
        entry.latencies.push(latency);
        match outcome {
            Outcome::Ok(retries) => {
                entry.acknowledged += 1;
                entry.retried += u64::from(retries > 0);
            }
            Outcome::Failed(status) => *entry.failed.entry(status).or_default() += 1,
        }
    }

    /// Requests of `op` that succeeded.
    pub fn acknowledged(&self, op: Op) -> u64 {
        self.0
            .lock()
            .unwrap()
            .get(&op)
            .map_or(0, |e| e.acknowledged)
    }

    /// Prints one line per operation and the totals.
    pub fn print(&self, elapsed: f64) {
        let mut all = self.0.lock().unwrap();
        let (mut total, mut errors) = (0usize, 0u64);
        println!("| operation | requests | ok | retried after 503 | failed | p50 ms | p99 ms |");
        println!("|---|---|---|---|---|---|---|");
        for (op, e) in all.iter_mut() {
            e.latencies.sort_unstable();
            let pct = |p: f64| {
                let i = ((e.latencies.len() as f64 - 1.0) * p).round() as usize;
                e.latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
            };
            let failed: u64 = e.failed.values().sum();
            total += e.latencies.len();
            errors += failed;
            println!(
                "| {op:?} | {} | {} | {} | {failed} {:?} | {:.2} | {:.2} |",
                e.latencies.len(),
                e.acknowledged,
                e.retried,
                e.failed,
                pct(0.5),
                pct(0.99)
            );
        }
        println!(
            "total: {total} requests in {elapsed:.0} s = {:.1} req/s, {errors} failed",
            total as f64 / elapsed
        );
    }
}
