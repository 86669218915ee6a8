//! The ingestion path and the counters: validate a batch, store it (and its counter-outbox
//! row) in one statement, bump the counters of the new impressions in one Redis round
//! trip; read and rebuild counters.

use serde_json::{Map, Value};
use spin_sdk::redis::{Connection as Redis, RedisParameter};
use tally_common::problem::Problem;

use crate::batch::{self, Batch, BodyError, Format, Summary};
use crate::config::Config;
use crate::event::Window;
use crate::{counters, outbox, store, time};

/// The most posts one `view_counts` call may ask for.
pub const MAX_VIEW_COUNT_IDS: usize = 1000;

/// The accepted `viewed_at` window now.
pub fn window(config: &Config) -> Window {
    Window {
        latest: time::now().timestamp_micros() + config.max_future_seconds * 1_000_000,
    }
}

/// Parses a body in `format`.
pub fn parse(config: &Config, body: &[u8], format: Format) -> Result<Batch, BodyError> {
    batch::parse(body, format, window(config))
}

/// What storing a batch did.
#[derive(Debug)]
pub struct Stored {
    /// The response counts.
    pub summary: Summary,
    /// Whether the counters of the new impressions were incremented now (when Redis failed
    /// after the rows were committed, the outbox drain of the next jobs tick does it).
    pub counters_updated: bool,
}

/// Stores a parsed batch and counts its new impressions.
pub async fn ingest(config: &Config, mut batch: Batch) -> Result<Stored, Problem> {
    let impressions = std::mem::take(&mut batch.impressions);
    let distinct = impressions.len();
    let stored = if impressions.is_empty() {
        store::NewRows::default()
    } else {
        let conn = store::connect(&config.postgres_url).await?;
        store::insert(&conn, impressions).await?
    };
    let counters_updated = match bump(config, &stored).await {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "ingest: {} impressions stored; their counters wait in the outbox for the next drain: {e:?}",
                stored.pairs.len()
            );
            false
        }
    };
    Ok(Stored {
        summary: batch.summary(distinct, stored.pairs.len()),
        counters_updated,
    })
}

/// One `EVAL` applying the batch's outbox row: the post and author counters of `stored`.
async fn bump(config: &Config, stored: &store::NewRows) -> Result<(), spin_sdk::redis::Error> {
    let Some(id) = stored.outbox_id else {
        return Ok(());
    };
    let redis = Redis::open(&config.redis_url).await?;
    let pairs = stored.pairs.iter().map(|(p, a)| (p.as_str(), a.as_str()));
    outbox::apply(&redis, &config.prefix, id, pairs).await
}

/// `{"<post_id>": n, ...}` for `ids`, one `MGET`.
pub async fn view_counts(config: &Config, ids: &[String]) -> Result<Map<String, Value>, Problem> {
    if ids.len() > MAX_VIEW_COUNT_IDS {
        return Err(Problem::bad_request(format!(
            "parameter `ids` names {} posts; at most {MAX_VIEW_COUNT_IDS} are accepted",
            ids.len()
        )));
    }
    let mut out = Map::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let keys = ids
        .iter()
        .map(|id| RedisParameter::Binary(counters::post_key(&config.prefix, id).into_bytes()));
    let redis = Redis::open(&config.redis_url).await?;
    let values = redis.execute("MGET", keys).await?;
    for (i, id) in ids.iter().enumerate() {
        let n = values.get(i).map(counters::count).unwrap_or(0);
        out.insert(id.clone(), n.into());
    }
    Ok(out)
}

/// Which counter to rebuild.
#[derive(Debug, Clone)]
pub enum Counter {
    /// `post:<id>:view_counter`.
    Post(String),
    /// `user:<id>:total_post_views_counter`.
    Author(String),
}

/// Recomputes a counter from the stored impressions; returns its key and value.
pub async fn rebuild(config: &Config, counter: &Counter) -> Result<(String, i64), Problem> {
    let (sql, id, key) = match counter {
        Counter::Post(id) => (
            "SELECT count(*) FROM impressions WHERE post_id = $1",
            id,
            counters::post_key(&config.prefix, id),
        ),
        Counter::Author(id) => (
            "SELECT count(*) FROM impressions WHERE author_id = $1",
            id,
            counters::author_key(&config.prefix, id),
        ),
    };
    let conn = store::connect(&config.postgres_url).await?;
    let rows = conn
        .query(sql, vec![spin_sdk::pg::ParameterValue::Str(id.clone())])
        .await?
        .collect()
        .await?;
    let n = rows.first().and_then(|r| store::int(&r[0])).unwrap_or(0);
    let redis = Redis::open(&config.redis_url).await?;
    redis.set(&key, n.to_string().as_bytes()).await?;
    Ok((key, n))
}

/// Whether Postgres and Redis answer: `(postgres, redis)` errors, `None` when fine.
pub async fn health(config: &Config) -> (Option<String>, Option<String>) {
    let pg = async {
        let conn = store::connect(&config.postgres_url)
            .await
            .map_err(|p| p.detail)?;
        conn.query("SELECT 1", vec![])
            .await
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    };
    let redis = async {
        let r = Redis::open(&config.redis_url)
            .await
            .map_err(|e| format!("{e:?}"))?;
        r.execute("PING", []).await.map_err(|e| format!("{e:?}"))?;
        Ok::<(), String>(())
    };
    let (pg, redis) = futures::join!(pg, redis);
    (pg.err(), redis.err())
}
