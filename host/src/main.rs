//! `tally`: a Spin-compatible host for the Tally components, built on wasmtime.

mod app;
mod backends;
mod bindings;
mod builder;
mod engine;
mod interfaces;
mod metrics;
mod migrate;
mod options;
mod state;
mod trigger;
mod up;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Runs Spin applications (manifest version 2) with Redis, Postgres, HTTP and cron.
#[derive(Parser)]
#[command(name = "tally", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the manifest, apply migrations, start every trigger and serve until Ctrl-C.
    Up {
        /// The Spin manifest.
        #[arg(long, short = 'f', default_value = "spin.toml")]
        manifest: PathBuf,
        #[command(flatten)]
        options: options::HostOptions,
    },
    /// Apply every component's pending SQL migrations.
    Migrate {
        /// The Spin manifest (its folder holds `components/*/migrations`).
        #[arg(long, short = 'f', default_value = "spin.toml")]
        manifest: PathBuf,
        /// Postgres to migrate (default: the application variable `postgres_url`).
        #[arg(long, env = "TALLY_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Run each component's build command, then precompile the components.
    Build {
        /// The Spin manifest.
        #[arg(long, short = 'f', default_value = "spin.toml")]
        manifest: PathBuf,
        #[command(flatten)]
        options: options::HostOptions,
    },
}

/// mimalloc: the host allocates per request (HTTP framing, header maps, resource
/// tables); glibc malloc showed up at ~8% of CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    // Log lines are written by a background thread, off the request path.
    let (log_writer, log_guard) = tracing_appender::non_blocking(std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,wasmtime=warn,cranelift=warn".into()),
        )
        .with_writer(log_writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    let result = match cli.command {
        Command::Up { manifest, options } => runtime.block_on(up::run(&manifest, options)),
        Command::Migrate {
            manifest,
            database_url,
        } => runtime.block_on(up::migrate(&manifest, database_url)),
        Command::Build { manifest, options } => builder::build(&manifest, &options),
    };
    drop(runtime);
    drop(log_guard);
    if let Err(e) = result {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
    Ok(())
}
