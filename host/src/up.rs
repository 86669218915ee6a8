//! `tally up` and `tally migrate`.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use tally_manifest::{Manifest, Route};

use crate::app::App;
use crate::metrics::Metrics;
use crate::migrate;
use crate::options::HostOptions;
use crate::trigger;

/// The application variable that names the database migrations go to.
pub const DATABASE_VARIABLE: &str = "postgres_url";

/// Loads the app, applies pending migrations, starts every trigger and serves HTTP
/// until Ctrl-C or SIGTERM; in-flight requests finish first.
pub async fn run(manifest_path: &Path, options: HostOptions) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let app = Arc::new(App::load(manifest_path, options.clone())?);
    migrate_app(&app).await?;
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("cannot listen on {}", options.listen))?;
    let addr = listener.local_addr()?;
    let metrics = Arc::new(Metrics::default());
    let mut tasks = trigger::redis::start(&app, &metrics)?;
    tasks.extend(trigger::cron::start(&app, &metrics)?);

    println!(
        "Serving http://{addr} ({} components, ready in {:?})",
        app.components.len(),
        started.elapsed()
    );
    for t in &app.manifest.http_triggers {
        match &t.route {
            Route::Path(route) => println!("  {}: http://{addr}{route}", t.component),
            Route::Private => println!("  {}: (private)", t.component),
        }
    }
    for t in &app.manifest.redis_triggers {
        println!("  {}: redis channel {}", t.component, t.channel);
    }
    for t in &app.manifest.cron_triggers {
        println!("  {}: cron {}", t.component, t.cron_expression);
    }
    println!("Listening on http://{addr}");

    trigger::http::serve(app, listener, metrics, shutdown_signal()).await?;
    for task in tasks {
        task.abort();
    }
    Ok(())
}

/// `tally migrate`: applies pending migrations to `database_url` or the manifest's
/// `postgres_url` variable.
pub async fn migrate(manifest_path: &Path, database_url: Option<String>) -> anyhow::Result<()> {
    let manifest = Manifest::load(manifest_path)?;
    let url = match database_url {
        Some(url) => Some(url),
        None => tally_manifest::resolve(&manifest, |n| std::env::var(n).ok())?
            .application()
            .get(DATABASE_VARIABLE)
            .cloned(),
    };
    let applied = apply_migrations(&manifest, url).await?;
    println!("{applied} migrations applied");
    Ok(())
}

/// Applies the pending migrations of a loaded app to its `postgres_url`; returns how
/// many were applied.
pub async fn migrate_app(app: &App) -> anyhow::Result<usize> {
    apply_migrations(
        &app.manifest,
        app.variables.application().get(DATABASE_VARIABLE).cloned(),
    )
    .await
}

async fn apply_migrations(manifest: &Manifest, url: Option<String>) -> anyhow::Result<usize> {
    let migrations = migrate::discover(&manifest.dir)?;
    if migrations.is_empty() {
        return Ok(0);
    }
    let url = url.with_context(|| {
        format!("components have migrations but no database is configured: declare the application variable `{DATABASE_VARIABLE}` or pass --database-url")
    })?;
    Ok(migrate::apply(&url, &migrations).await?.len())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
}
