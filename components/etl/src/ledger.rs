//! The file ledger `etl_files`: one row per file version (a batch name or S3 bucket/key,
//! and its ETag or SHA-256), loaded or failed; how many loads failed; the dead-letter
//! list. Exactly once: a version is marked `loaded` in the transaction that loads it.

use serde::{Deserialize, Serialize};
use spin_sdk::pg::{Connection, DbValue, ParameterValue};
use tally_common::problem::Problem;

use crate::parser::Summary;

/// Failed loads after which an S3 object stays failed (the dead-letter list).
pub const MAX_ATTEMPTS: i32 = 3;

/// The most ledger rows one list returns.
pub const MAX_LIST: i64 = 1000;

/// Where a file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `POST /etl/batches?name=`.
    Batch,
    /// An S3 object.
    S3 {
        /// The bucket.
        bucket: String,
        /// The object key (decoded).
        key: String,
        /// The ETag the event or the server gave, without quotes.
        etag: Option<String>,
    },
}

/// A file to load: its ledger name and origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// The batch name, or `bucket/key`.
    pub name: String,
    /// Where it came from.
    pub origin: Origin,
    /// The ledger version when known before reading (the retried row's, or the S3 ETag's).
    pub version: Option<String>,
}

impl FileRef {
    /// A posted batch.
    pub fn batch(name: &str) -> FileRef {
        FileRef {
            name: name.to_string(),
            origin: Origin::Batch,
            version: None,
        }
    }

    /// An S3 object; its version is its ETag when the event names one.
    pub fn s3(bucket: &str, key: &str, etag: Option<&str>) -> FileRef {
        let etag = etag
            .map(|e| e.trim_matches('"').to_string())
            .filter(|e| !e.is_empty());
        FileRef {
            name: format!("{bucket}/{key}"),
            version: etag.as_ref().map(|e| format!("etag:{e}")),
            origin: Origin::S3 {
                bucket: bucket.to_string(),
                key: key.to_string(),
                etag,
            },
        }
    }

    /// The version: the known one, else the content's SHA-256.
    pub fn version_or(&self, sha256: &str) -> String {
        self.version
            .clone()
            .unwrap_or_else(|| format!("sha256:{sha256}"))
    }

    fn columns(&self) -> (&'static str, Option<String>, Option<String>, Option<String>) {
        match &self.origin {
            Origin::Batch => ("batch", None, None, None),
            Origin::S3 { bucket, key, etag } => {
                ("s3", Some(bucket.clone()), Some(key.clone()), etag.clone())
            }
        }
    }
}

/// A ledger row as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The ledger id (`POST /etl/retry/:id`).
    pub id: i64,
    /// Batch name or `bucket/key`.
    pub name: String,
    /// `etag:<ETag>` or `sha256:<hex>` (`unknown` for an object never read, without ETag).
    pub version: String,
    /// `batch` or `s3`.
    pub source: String,
    /// The S3 bucket.
    pub bucket: Option<String>,
    /// The S3 key.
    pub key: Option<String>,
    /// The S3 ETag.
    pub etag: Option<String>,
    /// SHA-256 of the content, once read.
    pub sha256: Option<String>,
    /// `loaded` or `failed`.
    pub status: String,
    /// Valid rows of the last read.
    pub rows: i64,
    /// Bad rows of the last read.
    pub bad_rows: i64,
    /// The first bad rows, by line.
    pub bad_lines: serde_json::Value,
    /// Why the last load failed.
    pub error: Option<String>,
    /// Failed loads so far.
    pub attempts: i32,
    /// First seen.
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
    /// When it was loaded.
    pub loaded_at: Option<String>,
    /// Whether `POST /etl/retry/:id` may load it again.
    #[serde(default)]
    pub retryable: bool,
}

impl Entry {
    /// Whether a retry is allowed: a failed S3 object with fewer than [`MAX_ATTEMPTS`].
    pub fn may_retry(&self) -> Result<(), String> {
        match (self.status.as_str(), self.source.as_str()) {
            ("loaded", _) => Err(format!("file {} is already loaded", self.id)),
            (_, "batch") => Err(format!(
                "file {} is a posted batch; its body is not kept: POST it to /etl/batches again",
                self.id
            )),
            _ if self.attempts >= MAX_ATTEMPTS => Err(format!(
                "file {} failed {} times; it stays failed (dead-lettered)",
                self.id, self.attempts
            )),
            _ => Ok(()),
        }
    }
}

/// `etl_files` rows as JSON text.
const SELECT: &str = "SELECT to_jsonb(f)::text FROM etl_files f";

fn entries(rows: Vec<spin_sdk::pg::Row>) -> Result<Vec<Entry>, Problem> {
    rows.iter()
        .map(|r| match &r[0] {
            DbValue::Str(json) => serde_json::from_str::<Entry>(json)
                .map(|mut e| {
                    e.retryable = e.may_retry().is_ok();
                    e
                })
                .map_err(|e| Problem::new(http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
            other => Err(Problem::new(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("unexpected ledger value {other:?}"),
            )),
        })
        .collect()
}

async fn select(
    conn: &Connection,
    filter: &str,
    params: Vec<ParameterValue>,
) -> Result<Vec<Entry>, Problem> {
    let rows = conn
        .query(format!("{SELECT} {filter}"), params)
        .await?
        .collect()
        .await?;
    entries(rows)
}

/// The row of `name` at `version`.
pub async fn find(conn: &Connection, name: &str, version: &str) -> Result<Option<Entry>, Problem> {
    let params = vec![
        ParameterValue::Str(name.into()),
        ParameterValue::Str(version.into()),
    ];
    Ok(select(conn, "WHERE name = $1 AND version = $2", params)
        .await?
        .pop())
}

/// The row `id`.
pub async fn get(conn: &Connection, id: i64) -> Result<Option<Entry>, Problem> {
    Ok(
        select(conn, "WHERE id = $1", vec![ParameterValue::Int64(id)])
            .await?
            .pop(),
    )
}

/// The latest rows (of `status` when given), newest first.
pub async fn list(
    conn: &Connection,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<Entry>, Problem> {
    let status = status
        .map(|s| ParameterValue::Str(s.into()))
        .unwrap_or(ParameterValue::DbNull);
    let filter =
        "WHERE ($1::text IS NULL OR status = $1) ORDER BY updated_at DESC, id DESC LIMIT $2";
    select(conn, filter, vec![status, ParameterValue::Int64(limit)]).await
}

fn text(v: Option<String>) -> ParameterValue {
    v.map(ParameterValue::Str).unwrap_or(ParameterValue::DbNull)
}

/// `$1`..`$10` of a ledger row: name, version, source, bucket, key, ETag, SHA-256, rows,
/// bad rows, bad lines.
fn row_params(file: &FileRef, version: &str, summary: Option<&Summary>) -> Vec<ParameterValue> {
    let (source, bucket, key, etag) = file.columns();
    let bad_lines = summary.map(|s| serde_json::to_vec(&s.bad_lines).unwrap_or_default());
    vec![
        ParameterValue::Str(file.name.clone()),
        ParameterValue::Str(version.into()),
        ParameterValue::Str(source.into()),
        text(bucket),
        text(key),
        text(etag),
        text(summary.map(|s| s.sha256.clone())),
        ParameterValue::Int64(summary.map_or(0, |s| s.rows as i64)),
        ParameterValue::Int64(summary.map_or(0, |s| s.bad_rows as i64)),
        ParameterValue::Jsonb(bad_lines.unwrap_or_else(|| b"[]".to_vec())),
    ]
}

/// Inside the load's transaction: marks `file` at `version` loaded, waiting for a
/// concurrent load of the same version to finish. `None` when it is already loaded.
pub async fn claim(
    conn: &Connection,
    file: &FileRef,
    version: &str,
    summary: &Summary,
) -> Result<Option<i64>, Problem> {
    let params = row_params(file, version, Some(summary));
    let sql = "INSERT INTO etl_files AS f (name, version, source, bucket, key, etag, sha256, \
            rows, bad_rows, bad_lines, status, loaded_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'loaded', now()) \
        ON CONFLICT (name, version) DO UPDATE SET status = 'loaded', etag = EXCLUDED.etag, \
            sha256 = EXCLUDED.sha256, rows = EXCLUDED.rows, bad_rows = EXCLUDED.bad_rows, \
            bad_lines = EXCLUDED.bad_lines, error = NULL, updated_at = now(), loaded_at = now() \
        WHERE f.status <> 'loaded' RETURNING id";
    let rows = conn.query(sql, params).await?.collect().await?;
    Ok(rows.first().and_then(|r| match r[0] {
        DbValue::Int64(id) => Some(id),
        _ => None,
    }))
}

/// Records a failed load of `file` at `version` (one more attempt) unless that version
/// is loaded; returns the row.
pub async fn fail(
    conn: &Connection,
    file: &FileRef,
    version: &str,
    summary: Option<&Summary>,
    error: &str,
) -> Result<Option<Entry>, Problem> {
    let mut params = row_params(file, version, summary);
    params.push(ParameterValue::Str(error.into()));
    let sql = "INSERT INTO etl_files AS f (name, version, source, bucket, key, etag, sha256, \
            rows, bad_rows, bad_lines, error, status, attempts) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'failed', 1) \
        ON CONFLICT (name, version) DO UPDATE SET status = 'failed', \
            etag = coalesce(EXCLUDED.etag, f.etag), sha256 = coalesce(EXCLUDED.sha256, f.sha256), \
            rows = EXCLUDED.rows, bad_rows = EXCLUDED.bad_rows, bad_lines = EXCLUDED.bad_lines, \
            error = EXCLUDED.error, attempts = f.attempts + 1, updated_at = now() \
        WHERE f.status <> 'loaded' RETURNING id";
    let rows = conn.query(sql, params).await?.collect().await?;
    match rows.first().map(|r| &r[0]) {
        Some(DbValue::Int64(id)) => get(conn, *id).await,
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: &str, source: &str, attempts: i32) -> Entry {
        serde_json::from_value(serde_json::json!({
            "id": 7, "name": "b/k", "version": "etag:x", "source": source, "bucket": "b",
            "key": "k", "etag": "x", "sha256": null, "status": status, "rows": 0,
            "bad_rows": 0, "bad_lines": [], "error": "boom", "attempts": attempts,
            "created_at": "2019-01-03T00:00:00+00:00", "updated_at": "2019-01-03T00:00:00+00:00",
            "loaded_at": null
        }))
        .unwrap()
    }

    #[test]
    fn versions_come_from_the_etag_or_the_content() {
        let f = FileRef::s3("bucket", "dir/a b.tsv", Some("\"abc\""));
        assert_eq!(f.name, "bucket/dir/a b.tsv");
        assert_eq!(f.version_or("00"), "etag:abc");
        let f = FileRef::s3("bucket", "k", Some(""));
        assert_eq!(f.version_or("00ff"), "sha256:00ff");
        assert_eq!(FileRef::batch("x").version_or("12"), "sha256:12");
    }

    #[test]
    fn only_failed_objects_under_the_limit_are_retried() {
        assert!(entry("failed", "s3", 1).may_retry().is_ok());
        assert!(entry("failed", "s3", 2).may_retry().is_ok());
        assert!(
            entry("failed", "s3", 3)
                .may_retry()
                .unwrap_err()
                .contains("stays failed")
        );
        assert!(
            entry("loaded", "s3", 1)
                .may_retry()
                .unwrap_err()
                .contains("already loaded")
        );
        assert!(
            entry("failed", "batch", 1)
                .may_retry()
                .unwrap_err()
                .contains("POST it")
        );
    }
}
