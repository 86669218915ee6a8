//! Loading one file in one transaction: the body is streamed through the [`Parser`] into
//! a temporary staging table (each chunk's insert overlapping the parsing of the next),
//! then the ledger decides (already loaded: roll back) and the set-based fact inserts
//! move the metrics. Nothing of a rejected or failed file is visible.

use std::collections::VecDeque;
use std::fmt::Debug;
use std::time::Instant;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::Serialize;
use spin_sdk::pg::{Connection, DbValue, ParameterValue, Row};
use tally_common::problem::Problem;

use crate::config::Config;
use crate::ledger::{self, Entry, FileRef};
use crate::parser::{ParseError, Parser, Summary};
use crate::row::Chunk;
use crate::sql;

/// Facts a load inserted (not stored before).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// New distinct impressions (per ad and hour).
    pub impressions: i64,
    /// New clicks.
    pub clicks: i64,
    /// New distinct IPs (per ad and hour).
    pub sessions: i64,
    /// New distinct users (per ad and hour).
    pub users: i64,
    /// `ad_metrics` rows (ad, hour) changed.
    pub hours: i64,
    /// UTC days the file created: their partitions were built in bulk.
    pub days: i64,
}

impl Facts {
    /// The counts of a [`sql::FACTS`] or [`sql::BULK_FACTS`] result row (zeros for none).
    fn from_row(row: Option<&Row>) -> Facts {
        let n = |i: usize| match row.map(|r| &r[i]) {
            Some(DbValue::Int64(n)) => *n,
            _ => 0,
        };
        Facts {
            impressions: n(0),
            clicks: n(1),
            sessions: n(2),
            users: n(3),
            hours: n(4),
            days: 0,
        }
    }

    /// Both counts added up.
    fn plus(self, o: Facts) -> Facts {
        Facts {
            impressions: self.impressions + o.impressions,
            clicks: self.clicks + o.clicks,
            sessions: self.sessions + o.sessions,
            users: self.users + o.users,
            hours: self.hours + o.hours,
            days: self.days + o.days,
        }
    }
}

/// Where a load's time went, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Timings {
    /// Reading, parsing and staging the body (parsing and staging overlap).
    pub stream_ms: u64,
    /// Of which parsing (in the component).
    pub parse_ms: u64,
    /// Of which staging inserts (in Postgres, while the next chunk is parsed).
    pub stage_ms: u64,
    /// Locking the file's days (waiting for a concurrent load creating one of them) and
    /// creating missing partitions of days that exist.
    pub partitions_ms: u64,
    /// The ledger decision and the `ON CONFLICT` facts of the days that exist.
    pub facts_ms: u64,
    /// Building the days the file creates: fresh tables, primary keys, attach.
    pub bulk_ms: u64,
    /// The commit.
    pub commit_ms: u64,
}

fn ms(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

/// What happened to a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    /// Loaded now.
    Loaded {
        /// The ledger row.
        file_id: i64,
        /// Its version.
        version: String,
        /// What was read.
        #[serde(flatten)]
        summary: Summary,
        /// What was new.
        new: Facts,
        /// Where the time went.
        took: Timings,
    },
    /// This version was loaded before; nothing changed.
    Skipped {
        /// Always `already loaded`.
        skipped: &'static str,
        /// The ledger row that loaded it.
        file_id: Option<i64>,
        /// Its version.
        version: String,
    },
    /// Refused whole (bad header, too many bad rows, ...) or not readable; nothing is
    /// visible; the ledger row says why.
    Failed {
        /// Why.
        reason: String,
        /// The ledger row (absent if it could not be written).
        file: Option<Box<Entry>>,
        /// What was read, when it was read to the end.
        #[serde(skip_serializing_if = "Option::is_none", flatten)]
        summary: Option<Summary>,
    },
}

/// Why a load stopped without an outcome.
#[derive(Debug)]
pub enum LoadError {
    /// The body stream broke (the client went away, the S3 transfer failed).
    Body(String),
    /// Postgres failed (503 when unreachable).
    Backend(Problem),
}

impl From<Problem> for LoadError {
    fn from(p: Problem) -> Self {
        LoadError::Backend(p)
    }
}

impl From<spin_sdk::pg::Error> for LoadError {
    fn from(e: spin_sdk::pg::Error) -> Self {
        LoadError::Backend(e.into())
    }
}

/// How streaming into staging stopped early.
enum Stop {
    Parse(ParseError),
    Load(LoadError),
}

/// Loads `body` as `file`.
pub async fn load<S, E>(config: &Config, file: &FileRef, mut body: S) -> Result<Outcome, LoadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Debug,
{
    let started = Instant::now();
    let conn = Connection::open(&config.postgres_url).await?;
    for statement in ["BEGIN", sql::WORK_MEM, sql::NO_JIT, sql::CREATE_STAGING] {
        conn.execute(statement, vec![]).await?;
    }
    let mut parser = Parser::new(sql::STAGE_ROWS);
    let mut took = Timings::default();
    match stream(&conn, &mut parser, &mut body, &mut took).await {
        Ok(()) => {}
        Err(Stop::Load(e)) => return Err(rollback(&conn, e).await),
        Err(Stop::Parse(e)) => {
            conn.execute("ROLLBACK", vec![]).await?;
            while let Some(piece) = body.next().await {
                let piece = piece.map_err(|e| LoadError::Body(format!("{e:?}")))?;
                parser.absorb(&piece);
            }
            return reject(
                &conn,
                file,
                &file.version_or(&parser.sha256()),
                None,
                e.to_string(),
            )
            .await;
        }
    }
    let sha256 = parser.sha256();
    let (last, summary) = match parser.finish() {
        Ok(done) => done,
        Err(e) => {
            conn.execute("ROLLBACK", vec![]).await?;
            return reject(&conn, file, &file.version_or(&sha256), None, e.to_string()).await;
        }
    };
    for chunk in last {
        if let Err(e) = stage(&conn, chunk).await {
            return Err(rollback(&conn, e).await);
        }
    }
    let version = file.version_or(&summary.sha256);
    if let Some(reason) = summary.rejection(config.max_bad_row_percent) {
        conn.execute("ROLLBACK", vec![]).await?;
        return reject(&conn, file, &version, Some(summary), reason).await;
    }
    took.stream_ms = ms(started);
    match finish(config, &conn, file, &version, &summary, &mut took).await {
        Ok(Some((file_id, new))) => Ok(Outcome::Loaded {
            file_id,
            version,
            summary,
            new,
            took,
        }),
        Ok(None) => {
            conn.execute("ROLLBACK", vec![]).await?;
            let file_id = ledger::find(&conn, &file.name, &version)
                .await?
                .map(|e| e.id);
            Ok(Outcome::Skipped {
                skipped: "already loaded",
                file_id,
                version,
            })
        }
        Err(e) => Err(rollback(&conn, e).await),
    }
}

/// Streams the body into staging; the insert of one chunk runs while the next is read
/// and parsed.
async fn stream<S, E>(
    conn: &Connection,
    parser: &mut Parser,
    body: &mut S,
    took: &mut Timings,
) -> Result<(), Stop>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Debug,
{
    let mut queue: VecDeque<Chunk> = VecDeque::new();
    let mut ended = false;
    while !ended || !queue.is_empty() {
        let chunk = queue.pop_front();
        let insert = async {
            let started = Instant::now();
            match chunk {
                Some(c) => stage(conn, c).await.map(|()| ms(started)),
                None => Ok(0),
            }
        };
        let mut parsing = 0;
        let read = async {
            if ended {
                return Ok(None);
            }
            while let Some(piece) = body.next().await {
                let piece = piece.map_err(|e| Stop::Load(LoadError::Body(format!("{e:?}"))))?;
                let started = Instant::now();
                let full = parser.feed(&piece).map_err(Stop::Parse)?;
                parsing += started.elapsed().as_micros() as u64;
                if !full.is_empty() {
                    return Ok(Some(full));
                }
            }
            Ok(None)
        };
        let (inserted, read) = futures::join!(insert, read);
        took.stage_ms += inserted.map_err(Stop::Load)?;
        took.parse_ms += parsing / 1000;
        match read? {
            Some(full) => queue.extend(full),
            None => ended = true,
        }
    }
    Ok(())
}

/// One multi-row insert into staging.
async fn stage(conn: &Connection, chunk: Chunk) -> Result<(), LoadError> {
    conn.execute(sql::STAGE, sql::stage_params(chunk)).await?;
    Ok(())
}

/// The decision and the facts, inside the transaction; `None` when the version is
/// already loaded (the caller rolls back). The days that exist take the `ON CONFLICT`
/// path; the days the file creates are built in bulk, last (their attach locks the fact
/// tables until the commit).
async fn finish(
    config: &Config,
    conn: &Connection,
    file: &FileRef,
    version: &str,
    summary: &Summary,
    took: &mut Timings,
) -> Result<Option<(i64, Facts)>, LoadError> {
    let mut started = Instant::now();
    let Some(file_id) = ledger::claim(conn, file, version, summary).await? else {
        return Ok(None);
    };
    let days: Vec<i32> = summary.days.iter().copied().collect();
    let created = if days.is_empty() {
        Vec::new()
    } else {
        let rows = conn
            .query(sql::LOCK_DAYS, vec![sql::days_param(&days)])
            .await?
            .collect()
            .await?;
        match rows.first().map(|r| &r[0]) {
            Some(DbValue::ArrayInt32(d)) => d.iter().flatten().copied().collect(),
            _ => Vec::new(),
        }
    };
    let existing: Vec<i32> = days.into_iter().filter(|d| !created.contains(d)).collect();
    if !existing.is_empty() {
        // On a connection of its own, committed at once: creating a partition locks its
        // fact table, which must not stay locked for the rest of this load. (This load
        // holds no lock on the fact tables yet.)
        let ddl = Connection::open(&config.postgres_url).await?;
        ddl.query(sql::ENSURE_PARTITIONS, vec![sql::days_param(&existing)])
            .await?
            .collect()
            .await?;
    }
    took.partitions_ms = lap(&mut started);
    let mut new = Facts::default();
    if !existing.is_empty() {
        conn.execute(sql::ANALYZE_STAGING, vec![]).await?;
        let rows = conn
            .query(sql::FACTS, vec![sql::days_param(&created)])
            .await?
            .collect()
            .await?;
        new = Facts::from_row(rows.first());
    }
    took.facts_ms = lap(&mut started);
    if !created.is_empty() {
        let rows = conn
            .query(
                sql::BULK_FACTS,
                vec![
                    sql::days_param(&created),
                    ParameterValue::Boolean(existing.is_empty()),
                ],
            )
            .await?
            .collect()
            .await?;
        let bulk = Facts {
            days: created.len() as i64,
            ..Facts::from_row(rows.first())
        };
        new = new.plus(bulk);
    }
    took.bulk_ms = lap(&mut started);
    conn.execute("COMMIT", vec![]).await?;
    took.commit_ms = lap(&mut started);
    Ok(Some((file_id, new)))
}

/// Milliseconds since `since`, which restarts now.
fn lap(since: &mut Instant) -> u64 {
    let elapsed = ms(*since);
    *since = Instant::now();
    elapsed
}

/// Rolls back after `e` (best effort: a connection left in a transaction is discarded by
/// the host anyway) and returns `e`.
async fn rollback(conn: &Connection, e: LoadError) -> LoadError {
    let _ = conn.execute("ROLLBACK", vec![]).await;
    e
}

/// Records the refusal of `file` and returns the outcome.
async fn reject(
    conn: &Connection,
    file: &FileRef,
    version: &str,
    summary: Option<Summary>,
    reason: String,
) -> Result<Outcome, LoadError> {
    let entry = ledger::fail(conn, file, version, summary.as_ref(), &reason).await?;
    Ok(Outcome::Failed {
        reason,
        file: entry.map(Box::new),
        summary,
    })
}
