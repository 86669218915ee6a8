//! `tally`: a Spin-compatible host for the Tally components, built on wasmtime.

mod app;
mod backends;
mod bindings;
mod builder;
mod engine;
mod export;
mod interfaces;
#[cfg(feature = "lambda")]
mod lambda;
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
    /// Write the manifest cut down to one component, or without some trigger kinds.
    Manifest {
        /// The Spin manifest.
        #[arg(long, short = 'f', default_value = "spin.toml")]
        manifest: PathBuf,
        /// Keep only this component, its triggers and the variables it uses.
        #[arg(long)]
        component: Option<String>,
        /// Leave out every trigger of this kind (e.g. `cron`); repeatable.
        #[arg(long = "without-trigger")]
        without_triggers: Vec<String>,
        /// Write here (default: stdout). `source` paths stay relative to the manifest's
        /// folder, so write it into that folder.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
    },
    /// Run as an AWS Lambda custom runtime serving one component (what `bootstrap` does).
    #[cfg(feature = "lambda")]
    Lambda(lambda::LambdaArgs),
    /// Build the Lambda zip of one component: `bootstrap`, manifest, precompiled component.
    #[cfg(feature = "lambda")]
    PackageLambda(lambda::package::PackageArgs),
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
    let cli = Cli::parse_from(arguments());
    let runtime = tokio::runtime::Runtime::new()?;
    let result = match cli.command {
        Command::Up { manifest, options } => runtime.block_on(up::run(&manifest, options)),
        Command::Migrate {
            manifest,
            database_url,
        } => runtime.block_on(up::migrate(&manifest, database_url)),
        Command::Build { manifest, options } => builder::build(&manifest, &options),
        Command::Manifest {
            manifest,
            component,
            without_triggers,
            out,
        } => export::export(
            &manifest,
            component.as_deref(),
            &without_triggers,
            out.as_ref(),
        ),
        #[cfg(feature = "lambda")]
        Command::Lambda(args) => runtime.block_on(lambda::run(args)),
        #[cfg(feature = "lambda")]
        Command::PackageLambda(args) => lambda::package::package(&args),
    };
    drop(runtime);
    drop(log_guard);
    if let Err(e) = result {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
    Ok(())
}

/// The command line; a Lambda custom runtime starts `bootstrap` without arguments, which
/// means `tally lambda` configured from the environment.
fn arguments() -> Vec<std::ffi::OsString> {
    let mut args: Vec<_> = std::env::args_os().collect();
    let name = args.first().map(PathBuf::from);
    let is_bootstrap = name.as_deref().and_then(|p| p.file_name()) == Some("bootstrap".as_ref());
    if cfg!(feature = "lambda") && is_bootstrap && args.len() == 1 {
        args.push("lambda".into());
    }
    args
}
