//! Ingest benchmark: impressions/s for 1,000-event batches through the host
//! (`POST /impressions` on `tally up`), beside the very same multi-row INSERT (and the same
//! counter script) issued directly from a native client, and `COPY` of the same rows, in
//! one run; then `GET /posts/view_counts` latency for 25 posts beside a direct `MGET`.
//!
//! `cargo run --release -p tally-ingest --example bench -- [batches] [client threads] [view-count calls]`
//!
//! Run it with `bench/ingest.sh`, which builds the host and the component first. Each path
//! writes to a Postgres schema of its own (`bench_ingest_<pid>_*`, dropped at the end) with
//! the component's migrations and the day's partition; Redis keys go under
//! `bench_ingest_<pid>_*:` and are deleted at the end (never a FLUSH).

mod data;
mod direct;
mod host;

use std::time::{Duration, Instant};

/// Rounds of alternating paths.
const ROUNDS: usize = 8;

fn main() {
    let mut args = std::env::args().skip(1);
    let batches: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let env = data::Env::new();
    println!(
        "{} batches of {} events per path, {threads} client threads; {calls} view-count calls\n",
        batches,
        data::BATCH
    );
    let rows = data::batches(batches);
    let warmup = data::batches_from(1_000_000, 4);

    let host_schema = env.schema("host");
    let host = host::Host::start(&env, &host_schema);
    let direct_schema = env.schema("direct");
    let direct = direct::Direct::new(&env, &direct_schema);
    let insert_schema = env.schema("insert");
    let insert_only = direct::Direct::new(&env, &insert_schema);
    let copy_schema = env.schema("copy");
    let copy = direct::Direct::new(&env, &copy_schema);
    host.ingest(&warmup, 2);
    direct.insert_and_count(&warmup, 2);
    insert_only.insert_only(&warmup, 2);
    copy.copy(&warmup, 2);

    // Rounds alternate the paths, so a change in the machine's other load hits all alike.
    let (mut host_secs, mut direct_secs, mut insert_secs, mut copy_secs) = (0.0, 0.0, 0.0, 0.0);
    let mut host_counts = (0u64, 0u64);
    for round in rows.chunks(rows.len().div_ceil(ROUNDS)) {
        let (secs, counts) = host.ingest(round, threads);
        host_secs += secs;
        host_counts.0 += counts.0;
        host_counts.1 += counts.1;
        direct_secs += direct.insert_and_count(round, threads);
        insert_secs += insert_only.insert_only(round, threads);
        copy_secs += copy.copy(round, threads);
    }
    let host_stored = env.count(&host_schema);
    let direct_stored = env.count(&direct_schema);

    let total = (batches * data::BATCH) as f64;
    let rate = |secs: f64| total / secs;
    println!(
        "## Ingest: {batches} batches x {} events, {threads} threads\n",
        data::BATCH
    );
    println!("| path | round trips per batch | rows/s | vs direct INSERT + EVAL |");
    println!("|---|---|---:|---:|");
    println!(
        "| host: `POST /impressions` (JSON, validation, dedup, INSERT .. unnest, EVAL) | 1 HTTP -> 1 SQL + 1 Redis | {:.0} | {:.2} |",
        rate(host_secs),
        direct_secs / host_secs
    );
    println!(
        "| direct: same INSERT .. unnest .. RETURNING + same EVAL (postgres + redis crates) | 1 SQL + 1 Redis | {:.0} | 1.00 |",
        rate(direct_secs)
    );
    println!(
        "| direct: same INSERT .. unnest only (no counters) | 1 SQL | {:.0} | {:.2} |",
        rate(insert_secs),
        direct_secs / insert_secs
    );
    println!(
        "| direct: COPY .. FROM STDIN (text; no dedup, no counters) | 1 COPY | {:.0} | {:.2} |",
        rate(copy_secs),
        direct_secs / copy_secs
    );
    assert_eq!(
        host_stored, direct_stored,
        "both paths stored the same rows"
    );
    assert_eq!(
        host_counts.0,
        (batches * data::BATCH) as u64,
        "host accepted every event"
    );
    let (post_sum, author_sum) = env.counter_sums("host");
    println!(
        "\nStored rows: host {host_stored}, direct {direct_stored} (warm-up included); host counters: post {post_sum}, author {author_sum}.\n"
    );

    let posts = data::top_posts(25);
    let host_lat = host.view_counts(&posts, calls);
    let direct_lat = direct.mget(&env.prefix("host"), &posts, calls);
    println!("## `view_counts` for 25 posts ({calls} sequential calls; ms)\n");
    println!("| path | p50 | p95 | p99 |");
    println!("|---|---:|---:|---:|");
    for (name, lat) in [
        (
            "host: `GET /posts/view_counts?ids=<25 ids>` (one MGET)",
            host_lat,
        ),
        ("direct: `MGET` of the same 25 keys", direct_lat),
    ] {
        let p = |q: f64| percentile(&lat, q);
        println!(
            "| {name} | {:.3} | {:.3} | {:.3} |",
            p(0.5),
            p(0.95),
            p(0.99)
        );
    }
    drop(host);
    env.cleanup();
}

fn percentile(samples: &[Duration], q: f64) -> f64 {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    ms[((ms.len() as f64 - 1.0) * q).round() as usize]
}

/// Runs `work(i)` for every `i < n` on `threads` threads taking indexes in turn; returns
/// the elapsed seconds.
pub fn parallel(n: usize, threads: usize, work: impl Fn(usize) + Sync) -> f64 {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    work(i);
                }
            });
        }
    });
    started.elapsed().as_secs_f64()
}
