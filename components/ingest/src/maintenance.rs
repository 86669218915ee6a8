//! The partition-maintenance job: attach the partitions of today and the days ahead,
//! rescue rows that landed in the default partition, and archive partitions past the
//! retention — detach, export as CSV to the archive, drop only after every part was
//! stored (re-attach otherwise).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use spin_sdk::pg::{Connection, DbValue, ParameterValue};
use tally_common::problem::Problem;

use crate::config::Config;
use crate::partitions::{self, COLUMNS, State};
use crate::{archive, csv, store, time};

/// Partitions archived per run at most (the rest wait for the next run).
pub const MAX_ARCHIVE_PER_RUN: usize = 3;

/// Rows per archived CSV object.
pub const ROWS_PER_PART: i64 = 200_000;

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Partitions created or re-attached.
    pub attached: Vec<String>,
    /// Rows moved out of the default partition.
    pub rescued_rows: u64,
    /// Partitions exported and dropped.
    pub archived: Vec<Archived>,
    /// Partitions whose archiving failed (kept, attached).
    pub archive_errors: Vec<String>,
    /// Whether an archive is configured (without one nothing is ever dropped).
    pub archive_enabled: bool,
}

/// One archived partition.
#[derive(Debug, Serialize)]
pub struct Archived {
    /// The dropped partition.
    pub partition: String,
    /// Rows exported.
    pub rows: u64,
    /// The archive objects written.
    pub objects: Vec<String>,
}

/// Runs the job as of `now`.
pub async fn run(config: &Config, now: DateTime<Utc>) -> Result<Report, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    let state = state(&conn).await?;
    let archive_enabled = !config.archive_url.is_empty();
    let plan = partitions::plan(
        &state,
        now.date_naive(),
        config.partitions_ahead,
        config.retention_days,
        if archive_enabled {
            MAX_ARCHIVE_PER_RUN
        } else {
            0
        },
    );
    let mut report = Report {
        archive_enabled,
        ..Report::default()
    };
    for (day, exists) in plan.attach {
        report.rescued_rows += attach(&conn, day, exists).await?;
        report.attached.push(partitions::name(day));
    }
    for day in plan.archive {
        match archive_one(config, &conn, day).await {
            Ok(a) => report.archived.push(a),
            Err(e) => report
                .archive_errors
                .push(format!("{}: {e}", partitions::name(day))),
        }
    }
    Ok(report)
}

async fn names(conn: &Connection, sql: &str) -> Result<Vec<String>, Problem> {
    let rows = conn.query(sql, vec![]).await?.collect().await?;
    Ok(rows.iter().filter_map(|r| store::text(&r[0])).collect())
}

/// The partition tables and the days held by the default partition.
async fn state(conn: &Connection) -> Result<State, Problem> {
    let attached: BTreeSet<NaiveDate> = names(
        conn,
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
          WHERE i.inhparent = 'impressions'::regclass",
    )
    .await?
    .iter()
    .filter_map(|n| partitions::day_of(n))
    .collect();
    let detached = names(
        conn,
        "SELECT relname::text FROM pg_class \
          WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' \
            AND relname LIKE 'impressions\\_p%'",
    )
    .await?
    .iter()
    .filter_map(|n| partitions::day_of(n))
    .filter(|d| !attached.contains(d))
    .collect();
    let rows = conn
        .query(
            "SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM impressions_default",
            vec![],
        )
        .await?
        .collect()
        .await?;
    let in_default = rows
        .iter()
        .filter_map(|r| time::date_from_db(&r[0]))
        .collect();
    Ok(State {
        attached,
        detached,
        in_default,
    })
}

/// Attaches `day`'s partition (creating it unless it `exists`); returns the rows moved
/// out of the default partition.
async fn attach(conn: &Connection, day: NaiveDate, exists: bool) -> Result<u64, Problem> {
    let statements = partitions::attach_statements(day, exists);
    let moved_at = statements.len() - 2;
    let counts =
        store::transaction(conn, statements.into_iter().map(|s| (s, vec![])).collect()).await?;
    Ok(counts[moved_at])
}

/// Detaches, exports and drops `day`'s partition; re-attaches it when the export failed.
async fn archive_one(
    config: &Config,
    conn: &Connection,
    day: NaiveDate,
) -> Result<Archived, String> {
    let table = partitions::name(day);
    conn.execute(
        format!("ALTER TABLE impressions DETACH PARTITION {table}"),
        vec![],
    )
    .await
    .map_err(|e| format!("detach failed: {e}"))?;
    match export(config, conn, &table).await {
        Ok((rows, objects)) => {
            conn.execute(format!("DROP TABLE {table}"), vec![])
                .await
                .map_err(|e| format!("exported but not dropped: {e}"))?;
            Ok(Archived {
                partition: table,
                rows,
                objects,
            })
        }
        Err(e) => {
            let reattached = attach(conn, day, true).await;
            Err(match reattached {
                Ok(_) => format!("export failed, partition kept: {e}"),
                Err(p) => format!("export failed: {e}; re-attaching failed too: {}", p.detail),
            })
        }
    }
}

/// Writes the rows of `table` to the archive in parts of [`ROWS_PER_PART`] rows.
async fn export(
    config: &Config,
    conn: &Connection,
    table: &str,
) -> Result<(u64, Vec<String>), String> {
    let stamp = time::now().format("%Y%m%dT%H%M%S%.3fZ");
    let first = format!(
        "SELECT {COLUMNS} FROM {table} ORDER BY created_at, author_id, post_id LIMIT {ROWS_PER_PART}"
    );
    let next = format!(
        "SELECT {COLUMNS} FROM {table} WHERE (created_at, author_id, post_id) > ($1, $2, $3) \
          ORDER BY created_at, author_id, post_id LIMIT {ROWS_PER_PART}"
    );
    let (mut rows_total, mut objects, mut after): (u64, Vec<String>, Option<Vec<ParameterValue>>) =
        (0, Vec::new(), None);
    loop {
        let (sql, params) = match after.take() {
            None => (first.as_str(), vec![]),
            Some(p) => (next.as_str(), p),
        };
        let rows = conn
            .query(sql, params)
            .await
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        if rows.is_empty() && !objects.is_empty() {
            break;
        }
        let mut body = String::with_capacity(rows.len() * 96 + csv::HEADER.len());
        body.push_str(csv::HEADER);
        for r in &rows {
            let values: Vec<&DbValue> = (0..7).map(|i| &r[i]).collect();
            append_row(&mut body, &values);
        }
        let key = format!(
            "{}{table}-{stamp}/part-{:05}.csv",
            config.archive_prefix,
            objects.len()
        );
        archive::put(config, &key, body.into_bytes()).await?;
        objects.push(key);
        rows_total += rows.len() as u64;
        match rows.last() {
            Some(last) if rows.len() as i64 == ROWS_PER_PART => {
                after = Some(vec![
                    time::from_db(&last[3])
                        .map(time::param)
                        .unwrap_or(ParameterValue::DbNull),
                    ParameterValue::Str(store::text(&last[2]).unwrap_or_default()),
                    ParameterValue::Str(store::text(&last[1]).unwrap_or_default()),
                ]);
            }
            _ => break,
        }
    }
    Ok((rows_total, objects))
}

/// Appends one CSV record of a row in [`COLUMNS`] order (written in the CSV column order).
pub fn append_row(out: &mut String, v: &[&DbValue]) {
    let created = time::from_db(v[3]).map(time::format);
    let text = |i: usize| match v[i] {
        DbValue::Str(s) => Some(s.as_str()),
        _ => None,
    };
    csv::record(
        out,
        &[
            created.as_deref(),
            text(0),
            text(1),
            text(2),
            text(4),
            text(5),
            text(6),
        ],
    );
}
