//! Query latency for the benchmark (`bench/etl.sh`): `--requests` GETs of one URL from
//! `--threads` keep-alive clients; prints p50/p95/p99/max in ms. Every
//! answer must be 200.
//!
//! ```sh
//! cargo run --release -p tally-etl --example latency -- --requests 2000 'http://127.0.0.1:3000/ads/1000/metrics?from=...&to=...'
//! ```

use std::time::{Duration, Instant};

use clap::Parser;

/// Measures the latency of one GET.
#[derive(Parser)]
struct Args {
    /// The URL.
    url: String,
    /// Requests in all (after 10 warm-up requests per client).
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

fn main() {
    let args = Args::parse();
    let per_client = args.requests.div_ceil(args.threads.max(1));
    let mut samples: Vec<Duration> = std::thread::scope(|s| {
        let clients: Vec<_> = (0..args.threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let agent = ureq::Agent::new_with_defaults();
                    let get = || {
                        let t = Instant::now();
                        let mut r = agent.get(&args.url).call().expect("a 200 answer");
                        let _ = r.body_mut().read_to_vec().expect("a body");
                        t.elapsed()
                    };
                    (0..10).for_each(|_| {
                        get();
                    });
                    (0..per_client).map(|_| get()).collect::<Vec<_>>()
                })
            })
            .collect();
        clients
            .into_iter()
            .flat_map(|c| c.join().expect("a client"))
            .collect()
    });
    samples.sort();
    let pct =
        |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "requests {} threads {} p50 {:.2} ms p95 {:.2} ms p99 {:.2} ms max {:.2} ms",
        samples.len(),
        args.threads,
        ms(pct(0.50)),
        ms(pct(0.95)),
        ms(pct(0.99)),
        ms(*samples.last().expect("samples"))
    );
}
