//! Generates an ad-event TSV file in the ingestion API's format, with realistic
//! cardinalities, for the benchmark (`bench/etl.sh`):
//!
//! - hundreds of ads with skewed popularity (weight 1/rank^0.8);
//! - a pool of users, each with a home IP (one in ten events from another IP of the
//!   pool), so users and IPs repeat across ads and hours;
//! - about 1 % click rows (a click follows its view by 1 s to 10 min, so some cross an
//!   hour), 3 % repeated views of an impression, 0.5 % exact duplicate rows;
//! - real-looking user agents (with spaces); rows spread over `--days` days, out of time
//!   order.
//!
//! ```sh
//! cargo run --release -p tally-etl --example gen -- --rows 1000000 --out /tmp/events.tsv
//! ```

use std::io::{BufWriter, Write};

use chrono::{DateTime, NaiveDate};
use clap::Parser;
use rand::distr::weighted::WeightedIndex;
use rand::prelude::*;

const USER_AGENTS: [&str; 12] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.118 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36 Prerender (+https://github.com/prerender/prerender)",
];

/// Generates an ad-event TSV file.
#[derive(Parser)]
struct Args {
    /// Data rows to write.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Distinct ads.
    #[arg(long, default_value_t = 400)]
    ads: usize,
    /// Users in the pool.
    #[arg(long, default_value_t = 250_000)]
    users: usize,
    /// IPs in the pool.
    #[arg(long, default_value_t = 150_000)]
    ips: usize,
    /// Days the rows spread over.
    #[arg(long, default_value_t = 30)]
    days: i64,
    /// The first day (UTC).
    #[arg(long, default_value = "2024-05-01")]
    start: NaiveDate,
    /// Random seed (the same seed writes the same file).
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Output file (`-` for standard output).
    #[arg(long, default_value = "-")]
    out: String,
}

/// One row's fields.
struct Row<'a> {
    ad: usize,
    at: i64,
    click: bool,
    impression: u64,
    user: &'a str,
    ip: &'a str,
    agent: &'a str,
}

fn write_row(out: &mut impl Write, r: &Row) -> std::io::Result<()> {
    let at = DateTime::from_timestamp(r.at, 0).expect("a valid time");
    writeln!(
        out,
        "{}\t{}\t{}\t{:012x}\t{}\t{}\t{}",
        1000 + r.ad,
        at.format("%Y-%m-%d %H:%M:%S UTC"),
        if r.click { "click" } else { "view" },
        r.impression,
        r.user,
        r.ip,
        r.agent
    )
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let weights: Vec<f64> = (0..args.ads)
        .map(|r| 1.0 / ((r + 1) as f64).powf(0.8))
        .collect();
    let ads = WeightedIndex::new(&weights).expect("positive weights");
    let users: Vec<String> = (0..args.users)
        .map(|_| format!("{:09x}", rng.random::<u64>() >> 28))
        .collect();
    let ips: Vec<String> = (0..args.ips)
        .map(|_| {
            let (a, b, c, d) = (
                rng.random_range(11..=223u8),
                rng.random::<u8>(),
                rng.random::<u8>(),
                rng.random_range(1..=254u8),
            );
            format!("{a}.{b}.{c}.{d}")
        })
        .collect();
    let start = args
        .start
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp();
    let span = args.days * 86_400;
    let sink: Box<dyn Write> = if args.out == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(&args.out)?)
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    writeln!(
        out,
        "ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string"
    )?;
    let mut written = 0;
    while written < args.rows {
        let u = rng.random_range(0..users.len());
        let ip = if rng.random_bool(0.1) {
            rng.random_range(0..ips.len())
        } else {
            u % ips.len()
        };
        let view = Row {
            ad: ads.sample(&mut rng),
            at: start + rng.random_range(0..span),
            click: false,
            impression: rng.random::<u64>() >> 16,
            user: &users[u],
            ip: &ips[ip],
            agent: USER_AGENTS[u % USER_AGENTS.len()],
        };
        write_row(&mut out, &view)?;
        written += 1;
        if rng.random_bool(0.03) && written < args.rows {
            let again = Row {
                at: view.at + rng.random_range(1..120),
                ..view
            };
            write_row(&mut out, &again)?;
            written += 1;
        }
        if rng.random_bool(0.005) && written < args.rows {
            write_row(&mut out, &view)?;
            written += 1;
        }
        if rng.random_bool(0.01) && written < args.rows {
            let click = Row {
                at: view.at + rng.random_range(1..600),
                click: true,
                ..view
            };
            write_row(&mut out, &click)?;
            written += 1;
        }
    }
    out.flush()
}
