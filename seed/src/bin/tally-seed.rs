//! `tally-seed`: fills a running Tally bundle with demo data (see `scripts/seed.sh`).

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Parser;
use tally_seed::Plan;
use tally_seed::send::{CAPABILITIES, capability};

/// Fills a running Tally bundle with realistic, deterministic demo data through its own
/// HTTP APIs, so the dashboard shows something.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The bundle's address.
    #[arg(long, env = "TALLY_URL", default_value = "http://127.0.0.1:3000")]
    url: String,
    /// The seed of every random choice (same seed and hour, same data).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Days of history, today included.
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=366))]
    days: u32,
    /// "Now" (RFC 3339); the data ends with this hour. Default: the clock.
    #[arg(long)]
    now: Option<DateTime<Utc>>,
    /// The ingest admin token (to run the rollups).
    #[arg(
        long,
        env = "SPIN_VARIABLE_INGEST_ADMIN_TOKEN",
        default_value = "tally-dev-token-change-me"
    )]
    ingest_token: String,
    /// Only these capabilities (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(CAPABILITIES))]
    only: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let plan = Plan::new(args.seed, args.now.unwrap_or_else(Utc::now), args.days);
    let base = args.url.trim_end_matches('/');
    println!(
        "Seeding {base} (seed {}, {} days up to {} UTC)",
        plan.seed,
        plan.days,
        plan.anchor().format("%Y-%m-%d %H:00")
    );
    for name in CAPABILITIES
        .iter()
        .filter(|c| args.only.is_empty() || args.only.iter().any(|o| o == *c))
    {
        let line = capability(name, base, &plan, &args.ingest_token)
            .with_context(|| format!("seeding {name}"))?;
        println!("  {line}");
    }
    println!("Done: open {base}/");
    Ok(())
}
