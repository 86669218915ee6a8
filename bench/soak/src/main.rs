//! Soak benchmark (not a test): mixed writes and reads over slices, points, streams and
//! ingest at a bounded request rate, for minutes. Reports throughput, p50/p99 per
//! operation, errors, the host's resident memory over time, and whether any count drifted
//! from what was acknowledged. Run through `bench/soak.sh`, which starts the host.
//!
//! Every write carries an id or natural key (slices `id`, points `id`, stream item ids,
//! unique viewers), so a 503 is retried without counting twice.

mod ops;
mod stats;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;

use crate::ops::{Op, Run};
use crate::stats::Stats;

/// Command-line settings.
#[derive(Parser, Debug)]
struct Args {
    /// The bundle's base URL.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    url: String,
    /// How long to send traffic, in seconds.
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Requests per second, all operations together.
    #[arg(long, default_value_t = 200)]
    rate: u64,
    /// Client threads.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// The host's process id, to sample its resident memory.
    #[arg(long)]
    host_pid: Option<u32>,
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args = Args::parse();
    let run = Run::new(&args.url);
    let stats = Stats::default();
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    let end = start + Duration::from_secs(args.seconds);
    let period = Duration::from_secs_f64(1.0 / args.rate as f64);
    let mut memory: Vec<(u64, u64)> = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..args.clients {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let due = start + period * k as u32;
                    if due >= end {
                        break;
                    }
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let op = Op::of(k);
                    let (latency, outcome) = run.perform(op, k);
                    stats.record(op, latency, outcome);
                }
            });
        }
        if let Some(pid) = args.host_pid {
            while Instant::now() < end {
                if let Some(kib) = rss_kib(pid) {
                    memory.push((start.elapsed().as_secs(), kib));
                }
                std::thread::sleep(Duration::from_secs(10).min(end - Instant::now().min(end)));
            }
        }
    });
    let elapsed = start.elapsed().as_secs_f64();
    stats.print(elapsed);
    if !memory.is_empty() {
        let series: Vec<String> = memory
            .iter()
            .step_by(6)
            .map(|(t, kib)| format!("{t}s={}MiB", kib / 1024))
            .collect();
        let max = memory.iter().map(|(_, k)| k).max().unwrap();
        println!("host RSS (every 60 s): {}", series.join(" "));
        println!(
            "host RSS first {} MiB, last {} MiB, max {} MiB",
            memory[0].1 / 1024,
            memory.last().unwrap().1 / 1024,
            max / 1024
        );
    }
    let drift = run.drift(&stats);
    for line in &drift.lines {
        println!("{line}");
    }
    println!("counts drifted: {}", if drift.any { "YES" } else { "no" });
    if drift.any {
        std::process::exit(1);
    }
}
