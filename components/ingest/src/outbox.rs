//! The counter outbox: how the Redis view counters stay exact when Redis fails.
//!
//! A batch's insert statement records the posts and authors of its new impressions in
//! `counter_outbox` (same statement, so same transaction). The request then applies that
//! row to Redis with [`counters::INCRBY_SCRIPT`], which sets the row's `counted:<id>`
//! marker atomically with the increments. When Redis is down, or its reply is lost, the
//! row stays unapplied; the scheduled [`drain`] (part of every jobs tick) reads the rows,
//! asks Redis in one `MGET` which markers exist, applies the rows without one and deletes
//! them all. Applying a row twice is a no-op, so the request and the drain may race.

use futures::future::try_join_all;
use serde::Serialize;
use spin_sdk::pg::{Connection, ParameterValue};
use spin_sdk::redis::{Connection as Redis, RedisParameter, RedisResult};
use tally_common::problem::Problem;

use crate::config::Config;
use crate::counters;
use crate::store;

/// Rows one drain handles (the rest wait for the next one).
pub const DRAIN_LIMIT: i64 = 1000;

/// Applies outbox row `id` holding `pairs` (`(post_id, author_id)`): one `EVAL`.
pub async fn apply<'a>(
    redis: &Redis,
    prefix: &str,
    id: i64,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), spin_sdk::redis::Error> {
    let incs = counters::increments(prefix, pairs);
    let marker = counters::counted_key(prefix, id);
    redis
        .execute("EVAL", counters::eval_args(&marker, &incs))
        .await?;
    Ok(())
}

/// What a drain did.
#[derive(Debug, Default, Serialize)]
pub struct Drained {
    /// Rows whose increments had not reached Redis and were applied now.
    pub applied: usize,
    /// Rows already applied (by their request), deleted.
    pub already_applied: usize,
}

/// Applies every pending outbox row (up to [`DRAIN_LIMIT`]) and deletes them.
pub async fn drain(config: &Config) -> Result<Drained, Problem> {
    let conn = store::connect(&config.postgres_url).await?;
    let rows = conn
        .query(
            "SELECT id, post_ids, author_ids FROM counter_outbox ORDER BY id LIMIT $1",
            vec![ParameterValue::Int64(DRAIN_LIMIT)],
        )
        .await?
        .collect()
        .await?;
    if rows.is_empty() {
        return Ok(Drained::default());
    }
    let rows: Vec<(i64, Vec<String>, Vec<String>)> = rows
        .iter()
        .filter_map(|r| {
            Some((
                store::int(&r[0])?,
                store::strings(&r[1]),
                store::strings(&r[2]),
            ))
        })
        .collect();
    let redis = Redis::open(&config.redis_url).await?;
    let markers = rows.iter().map(|(id, _, _)| {
        RedisParameter::Binary(counters::counted_key(&config.prefix, *id).into_bytes())
    });
    let seen = redis.execute("MGET", markers).await?;
    let pending: Vec<&(i64, Vec<String>, Vec<String>)> = rows
        .iter()
        .zip(seen.iter().map(Some).chain(std::iter::repeat(None)))
        .filter(|(_, marker)| matches!(marker, None | Some(RedisResult::Nil)))
        .map(|(row, _)| row)
        .collect();
    try_join_all(pending.iter().map(|(id, posts, authors)| {
        let pairs = posts
            .iter()
            .map(String::as_str)
            .zip(authors.iter().map(String::as_str));
        apply(&redis, &config.prefix, *id, pairs)
    }))
    .await?;
    delete(&conn, rows.iter().map(|(id, _, _)| *id).collect()).await?;
    Ok(Drained {
        applied: pending.len(),
        already_applied: rows.len() - pending.len(),
    })
}

async fn delete(conn: &Connection, ids: Vec<i64>) -> Result<(), Problem> {
    let ids = ids.into_iter().map(Some).collect();
    conn.execute(
        "DELETE FROM counter_outbox WHERE id = ANY($1)",
        vec![ParameterValue::ArrayInt64(ids)],
    )
    .await?;
    Ok(())
}
