//! Points benchmark: write throughput and query latency through the host (`tally up`),
//! beside the very same scripts and arguments called directly from a native Redis client,
//! in one run. Run it with `bench/points.sh` (which builds the host and the component).
//!
//! `cargo run --release -p tally-points --example bench -- [seconds per write phase] [query iterations]`
//! (0 seconds skips the write phases).
//!
//! Data lives in Redis database 15 under a `bench_points_<pid>:` prefix and is deleted at
//! the end (key by key: never a FLUSH).

mod client;
mod data;

use std::time::{Duration, Instant};

use client::{Direct, HostProcess, Redis};
use tally_points::plan::{metric_plan, users_with_offsets};
use tally_points::scripts::{Layout, QueryMode, query_script};
use tally_points::things::Thing;

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let redis_url = std::env::var("POINTS_BENCH_REDIS")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379/15".to_string());
    let layout = data::layout(&format!("bench_points_{}:", std::process::id()));
    let redis = Redis::new(&redis_url);
    redis.delete_prefix(&layout.prefix);
    redis.load_scripts();

    let started = Instant::now();
    let seeded = data::seed(&redis, &layout);
    println!(
        "seeded {seeded} diffadd writes ({} users, one year, {} activities a day each, {} writes per activity) in {:.1} s\n",
        data::USERS,
        data::ACTIVITIES_PER_DAY,
        data::WRITES_PER_ACTIVITY,
        started.elapsed().as_secs_f64()
    );
    let host = HostProcess::start(&redis_url, &layout.prefix);
    let direct = Direct::new(&redis_url);
    let phase = Duration::from_secs(seconds);

    if seconds > 0 {
        println!(
            "## Writes (diffadd, 30-minute activities; {} client threads, {seconds} s each)\n",
            client::THREADS
        );
        println!("| path | writes per call | writes/s | host / direct | refused (503) |");
        println!("|---|---:|---:|---:|---:|");
    }
    for batch in [1usize, 100].into_iter().filter(|_| seconds > 0) {
        let d = direct.write_throughput(&layout, batch, phase);
        let (h, refused) = host.write_throughput(batch, phase);
        println!("| direct client (EVALSHA) | {batch} | {d:.0} | | |");
        println!(
            "| host (POST /points/v1/write) | {batch} | {h:.0} | {:.2} | {refused} |",
            h / d
        );
    }

    println!(
        "\n## Queries ({iterations} sequential calls each, the three windows' host and direct calls taken in turn; latency in ms)\n"
    );
    println!(
        "| query | users | window | Redis commands | host p50 | host p95 | direct p50 | direct p95 |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|");
    let mut ratios = Vec::new();
    for (kind, route) in [("sums", "query_ids"), ("sums + _atids", "mumt_query")] {
        for users in [1usize, 100] {
            let rows = queries(&host, &direct, &redis, &layout, route, users, iterations);
            for (name, commands, h, d) in &rows {
                println!(
                    "| {kind} (`{route}`) | {users} | {name} | {commands} | {:.2} | {:.2} | {:.2} | {:.2} |",
                    h.0, h.1, d.0, d.1
                );
            }
            let (minute, year) = (&rows[0], &rows[2]);
            ratios.push((
                kind,
                users,
                year.2.0 / minute.2.0,
                year.1 as f64 / minute.1 as f64,
            ));
        }
    }
    println!("\n## One year versus one minute (through the host)\n");
    println!("| query | users | wall time (p50) ratio | Redis commands ratio |");
    println!("|---|---:|---:|---:|");
    for (kind, users, wall, commands) in ratios {
        println!("| {kind} | {users} | {wall:.2} | {commands:.0} |");
    }
    drop(host);
    let deleted = redis.delete_prefix(&layout.prefix);
    println!("\n(deleted {deleted} bench keys)");
}

/// The windows measured, all ending at [`data::query_end`].
const WINDOWS: [(&str, i64); 3] = [
    ("1 minute", 60),
    ("1 day", 86_400),
    ("1 year", 365 * 86_400),
];

/// A window's name, the Redis commands one host query sent, and host and direct (p50, p95)
/// latencies.
type Row = (&'static str, usize, (f64, f64), (f64, f64));

/// One [`Row`] per window, measured with the windows' calls interleaved (so all six see the
/// same load on a shared machine).
fn queries(
    host: &HostProcess,
    direct: &Direct,
    redis: &Redis,
    layout: &Layout,
    route: &str,
    users: usize,
    iterations: usize,
) -> Vec<Row> {
    let end = data::query_end();
    let uids: Vec<i64> = (1..=users as i64).collect();
    let mode = if route == "mumt_query" {
        QueryMode::SumsAndAids
    } else {
        QueryMode::Sums
    };
    let mut requests = Vec::new();
    for (_, len) in WINDOWS {
        let start = end - len + 1;
        let plan = metric_plan(
            layout,
            &users_with_offsets(&uids, &[]),
            &[Thing::Steps],
            start,
            end,
        );
        let (path, form) = host.query_request(route, users, start, end);
        let check = host.settled_query(&path, &form);
        assert!(check.contains(':'), "{check}");
        let commands = redis.count_commands(&layout.prefix, || {
            host.query(&path, &form);
        });
        requests.push((path, form, plan.args(mode, ""), commands));
    }
    let mut calls: Vec<Box<dyn FnMut() + '_>> = Vec::new();
    for (path, form, _, _) in &requests {
        calls.push(Box::new(move || {
            host.query(path, form);
        }));
    }
    for (_, _, args, _) in &requests {
        calls.push(Box::new(move || direct.eval(query_script(), args)));
    }
    let lat = client::interleaved_latencies(iterations, &mut calls);
    WINDOWS
        .iter()
        .zip(&requests)
        .enumerate()
        .map(|(i, ((name, _), r))| (*name, r.3, lat[i], lat[i + WINDOWS.len()]))
        .collect()
}
