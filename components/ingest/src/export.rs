//! `GET /impressions/export?from=&to=`: raw rows of `[from, to)` as CSV, streamed to the
//! client as Postgres returns them (never the whole result in memory).

use chrono::{DateTime, Utc};
use futures::SinkExt;
use spin_sdk::http::{HeaderValue, Response, StatusCode};
use spin_sdk::pg::DbValue;
use tally_common::problem::Problem;

use crate::config::Config;
use crate::maintenance::append_row;
use crate::partitions::COLUMNS;
use crate::{csv, store, time};

/// Bytes buffered before a chunk is sent.
const CHUNK: usize = 64 * 1024;

/// The streaming response.
pub async fn export(
    config: &Config,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<
    Response<impl http_body::Body<Data = bytes::Bytes, Error = anyhow::Error> + use<>>,
    Problem,
> {
    if to <= from {
        return Err(Problem::bad_request("parameter `to` must be after `from`"));
    }
    let conn = store::connect(&config.postgres_url).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM impressions WHERE created_at >= $1 AND created_at < $2 \
          ORDER BY created_at, author_id, post_id"
    );
    let mut result = conn
        .query(sql, vec![time::param(from), time::param(to)])
        .await?;
    let (mut tx, body) = spin_sdk::http::body::stream::<String>();
    spin_sdk::wasip3::spawn(async move {
        let _conn = conn;
        let mut chunk = String::with_capacity(CHUNK + 1024);
        chunk.push_str(csv::HEADER);
        while let Some(row) = result.next().await {
            let values: Vec<&DbValue> = (0..7).map(|i| &row[i]).collect();
            append_row(&mut chunk, &values);
            if chunk.len() >= CHUNK && tx.send(std::mem::take(&mut chunk)).await.is_err() {
                return;
            }
        }
        if let Err(e) = result.result().await {
            eprintln!("ingest: export stopped early: {e}");
            return;
        }
        let _ = tx.send(chunk).await;
    });
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response.headers_mut().insert(
        "content-disposition",
        HeaderValue::from_static("attachment; filename=\"impressions.csv\""),
    );
    Ok(response)
}
