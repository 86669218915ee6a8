//! Versioned SQL migrations: `components/<name>/migrations/*.sql`, applied in file-name
//! order, each once, in its own transaction, recorded in `tally_migrations`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use sha2::{Digest, Sha256};

/// One migration file.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The component directory name it belongs to.
    pub component: String,
    /// The file name, e.g. `0001_impressions.sql`.
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// Its SQL.
    pub sql: String,
    /// SHA-256 of the SQL, to catch files edited after they were applied.
    pub checksum: String,
}

/// Finds every component's migrations under `<root>/components/*/migrations/`, ordered by
/// component then file name.
pub fn discover(root: &Path) -> anyhow::Result<Vec<Migration>> {
    let mut found = Vec::new();
    let components = root.join("components");
    let Ok(entries) = std::fs::read_dir(&components) else {
        return Ok(found);
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path().join("migrations")))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let component = dir
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        for path in files {
            let sql = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let checksum = Sha256::digest(sql.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            found.push(Migration {
                component: component.clone(),
                name,
                path,
                sql,
                checksum,
            });
        }
    }
    Ok(found)
}

/// Applies the migrations not yet recorded in the database at `database_url`; returns
/// the names applied now. A failed migration is rolled back and stops the run with its
/// file name and the Postgres error.
pub async fn apply(database_url: &str, migrations: &[Migration]) -> anyhow::Result<Vec<String>> {
    let (mut client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .with_context(|| format!("cannot connect to Postgres at {database_url}"))?;
    tokio::spawn(connection);
    // One migrator per schema at a time: concurrent `up`s wait for each other.
    client
        .batch_execute(
            "SELECT pg_advisory_lock(hashtext('tally_migrations:' || current_schema()));
             CREATE TABLE IF NOT EXISTS tally_migrations (
                 component  text        NOT NULL,
                 name       text        NOT NULL,
                 checksum   text        NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now(),
                 PRIMARY KEY (component, name)
             );",
        )
        .await
        .context("preparing the tally_migrations table")?;
    let mut applied = Vec::new();
    for m in migrations {
        let row = client
            .query_opt(
                "SELECT checksum FROM tally_migrations WHERE component = $1 AND name = $2",
                &[&m.component, &m.name],
            )
            .await?;
        if let Some(row) = row {
            let checksum: String = row.get(0);
            if checksum != m.checksum {
                bail!(
                    "migration {} was changed after it was applied; add a new migration instead",
                    m.path.display()
                );
            }
            continue;
        }
        let tx = client.transaction().await?;
        tx.batch_execute(&m.sql).await.map_err(|e| {
            anyhow::anyhow!("migration {} failed: {}", m.path.display(), pg_message(&e))
        })?;
        tx.execute(
            "INSERT INTO tally_migrations (component, name, checksum) VALUES ($1, $2, $3)",
            &[&m.component, &m.name, &m.checksum],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(component = %m.component, migration = %m.name, "applied");
        applied.push(format!("{}/{}", m.component, m.name));
    }
    client
        .batch_execute(
            "SELECT pg_advisory_unlock(hashtext('tally_migrations:' || current_schema()))",
        )
        .await?;
    Ok(applied)
}

fn pg_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!(
            "{}: {} (SQLSTATE {})",
            db.severity(),
            db.message(),
            db.code().code()
        ),
        None => e.to_string(),
    }
}
