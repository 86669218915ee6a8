//! The direct side: the component's own INSERT statement and counter script from native
//! clients (`postgres`, `redis` crates), and `COPY` of the same rows.

use std::io::Write;
use std::time::{Duration, Instant};

use tally_ingest::counters;
use tally_ingest::event::Impression;
use tally_ingest::store::{Columns, INSERT_SQL};

use crate::data::Env;

/// Native clients on one schema.
pub struct Direct<'a> {
    env: &'a Env,
    schema: String,
}

impl<'a> Direct<'a> {
    /// Clients for `schema`.
    pub fn new(env: &'a Env, schema: &str) -> Direct<'a> {
        Direct {
            env,
            schema: schema.to_string(),
        }
    }

    fn run(
        &self,
        batches: &[Vec<Impression>],
        threads: usize,
        f: impl Fn(&mut postgres::Client, &mut redis::Connection, &[Impression]) + Sync,
    ) -> f64 {
        let clients: Vec<std::sync::Mutex<(postgres::Client, redis::Connection)>> = (0..threads)
            .map(|_| std::sync::Mutex::new((self.env.client(&self.schema), self.env.redis_conn())))
            .collect();
        let slot = std::sync::atomic::AtomicUsize::new(0);
        thread_local! { static MINE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) }; }
        crate::parallel(batches.len(), threads, |i| {
            let me = MINE.with(|m| {
                m.get().unwrap_or_else(|| {
                    let n = slot.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    m.set(Some(n));
                    n
                })
            });
            let mut guard = clients[me % clients.len()].lock().unwrap();
            let (pg, r) = &mut *guard;
            f(pg, r, &batches[i]);
        })
    }

    /// The component's statement and script: INSERT .. unnest .. RETURNING, then one EVAL.
    pub fn insert_and_count(&self, batches: &[Vec<Impression>], threads: usize) -> f64 {
        let prefix = self.env.prefix("direct");
        self.run(batches, threads, |pg, r, batch| {
            let (stored, outbox_id) = insert(pg, batch);
            let incs = counters::increments(
                &prefix,
                stored.iter().map(|(p, a)| (p.as_str(), a.as_str())),
            );
            let mut cmd = redis::cmd("EVAL");
            cmd.arg(counters::INCRBY_SCRIPT).arg(incs.len() + 1);
            cmd.arg(counters::counted_key(&prefix, outbox_id));
            for (k, _) in &incs {
                cmd.arg(k);
            }
            cmd.arg(counters::MARKER_TTL_SECONDS);
            for (_, n) in &incs {
                cmd.arg(*n);
            }
            let _: i64 = cmd.query(r).unwrap();
        })
    }

    /// The INSERT alone.
    pub fn insert_only(&self, batches: &[Vec<Impression>], threads: usize) -> f64 {
        self.run(batches, threads, |pg, _, batch| {
            insert(pg, batch);
        })
    }

    /// `COPY impressions FROM STDIN` (text format): no dedup, no RETURNING, no counters.
    pub fn copy(&self, batches: &[Vec<Impression>], threads: usize) -> f64 {
        self.run(batches, threads, |pg, _, batch| {
            let mut w = pg
                .copy_in("COPY impressions (viewer_id, post_id, author_id, created_at, stream_kind, stream_id, artist_invite_id) FROM STDIN")
                .unwrap();
            let mut buf = String::with_capacity(batch.len() * 100);
            let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "\\N".into());
            for i in batch {
                let t = chrono::DateTime::from_timestamp_micros(i.created_at).unwrap();
                buf.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    opt(&i.viewer_id),
                    i.post_id,
                    i.author_id,
                    t.format("%Y-%m-%d %H:%M:%S%.6f+00"),
                    opt(&i.stream_kind),
                    opt(&i.stream_id),
                    opt(&i.artist_invite_id)
                ));
            }
            w.write_all(buf.as_bytes()).unwrap();
            w.finish().unwrap();
        })
    }

    /// Latencies of `calls` sequential `MGET`s of the post counters of `posts`.
    pub fn mget(&self, prefix: &str, posts: &[String], calls: usize) -> Vec<Duration> {
        let keys: Vec<String> = posts
            .iter()
            .map(|p| counters::post_key(prefix, p))
            .collect();
        let mut r = self.env.redis_conn();
        (0..calls + 50)
            .map(|_| {
                let t = Instant::now();
                let _: Vec<Option<i64>> = redis::cmd("MGET").arg(&keys).query(&mut r).unwrap();
                t.elapsed()
            })
            .skip(50)
            .collect()
    }
}

/// The component's insert with the same array parameters; returns the stored pairs and
/// their counter-outbox row (0 when none).
fn insert(pg: &mut postgres::Client, batch: &[Impression]) -> (Vec<(String, String)>, i64) {
    let c = Columns::of(batch);
    let row = pg
        .query_one(
            INSERT_SQL,
            &[
                &c.viewer_ids,
                &c.post_ids,
                &c.author_ids,
                &c.created_at,
                &c.stream_kinds,
                &c.stream_ids,
                &c.artist_invite_ids,
            ],
        )
        .unwrap();
    let posts: Option<Vec<String>> = row.get(0);
    let authors: Option<Vec<String>> = row.get(1);
    let outbox_id: Option<i64> = row.get(2);
    let pairs = posts
        .unwrap_or_default()
        .into_iter()
        .zip(authors.unwrap_or_default())
        .collect();
    (pairs, outbox_id.unwrap_or(0))
}
