//! One cluster: Redis instances sharing the keys by hash. Every operation sends one
//! script call per instance it touches, all of them concurrently.

use futures::future::join_all;
use spin_sdk::redis::{Connection, RedisParameter, RedisResult};

use crate::model::{Ksm, Write};
use crate::query::Query;
use crate::reconcile::State;
use crate::scripts::{self, ReplyError, Sides};
use crate::shard::{group, instance_of, side_key};

/// The most writes sent in one script call (bigger batches are split, sent concurrently).
const WRITES_PER_CALL: usize = 500;

/// A failed call to one instance.
#[derive(Debug, Clone)]
pub struct StoreError {
    /// The instance's address.
    pub url: String,
    /// What went wrong.
    pub kind: StoreErrorKind,
}

/// What went wrong with a call.
#[derive(Debug, Clone)]
pub enum StoreErrorKind {
    /// Redis (or the connection to it) failed.
    Redis(spin_sdk::redis::Error),
    /// A script answered something unexpected.
    Reply(ReplyError),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            StoreErrorKind::Redis(spin_sdk::redis::Error::Other(m)) => {
                write!(f, "{}: {m}", self.url)
            }
            StoreErrorKind::Redis(e) => write!(f, "{}: {e:?}", self.url),
            StoreErrorKind::Reply(e) => write!(f, "{}: {e}", self.url),
        }
    }
}

impl std::error::Error for StoreError {}

/// Where a cluster keeps its keys and how big a side may grow.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Prepended to every Redis key.
    pub prefix: Vec<u8>,
    /// The most members a side keeps (Roshi's `maxSize`).
    pub max_size: u64,
}

/// A cluster: the addresses of its instances.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Redis URLs; a key lives on `instance_of(key, urls.len())`.
    pub urls: Vec<String>,
}

impl Cluster {
    /// Runs one command on instance `i`.
    pub async fn call(
        &self,
        i: usize,
        command: &str,
        args: Vec<RedisParameter>,
    ) -> Result<Vec<RedisResult>, StoreError> {
        let url = &self.urls[i];
        let fail = |e| StoreError {
            url: url.clone(),
            kind: StoreErrorKind::Redis(e),
        };
        let conn = Connection::open(url).await.map_err(fail)?;
        conn.execute(command, args).await.map_err(fail)
    }

    fn reply_error(&self, i: usize, e: ReplyError) -> StoreError {
        StoreError {
            url: self.urls[i].clone(),
            kind: StoreErrorKind::Reply(e),
        }
    }

    /// Applies `writes`; returns how many changed something.
    pub async fn write(&self, layout: &Layout, writes: &[Write]) -> Result<usize, StoreError> {
        let groups = group(writes, self.urls.len(), |w| &w.item.key);
        let calls = groups.iter().enumerate().flat_map(|(i, idx)| {
            idx.chunks(WRITES_PER_CALL).map(move |chunk| {
                let batch: Vec<&Write> = chunk.iter().map(|&j| &writes[j]).collect();
                let args = scripts::write_args(&layout.prefix, layout.max_size, &batch);
                async move {
                    let reply = self.call(i, "EVAL", args).await?;
                    scripts::applied(&reply).map_err(|e| self.reply_error(i, e))
                }
            })
        });
        join_all(calls).await.into_iter().sum()
    }

    /// The candidate elements of `keys` for `query` (see `lua/select.lua`); with `prune`,
    /// only what one merged page can need.
    pub async fn select(
        &self,
        layout: &Layout,
        keys: &[Vec<u8>],
        query: &Query,
        prune: bool,
    ) -> Result<Vec<Ksm>, StoreError> {
        let groups = group(keys, self.urls.len(), |k| k);
        let calls = groups
            .iter()
            .enumerate()
            .filter(|(_, idx)| !idx.is_empty())
            .map(|(i, idx)| {
                let keys: Vec<&[u8]> = idx.iter().map(|&j| &keys[j][..]).collect();
                async move {
                    let args = scripts::select_args(&layout.prefix, &keys, query, prune);
                    let reply = self.call(i, "EVAL", args).await?;
                    scripts::selected(&keys, reply).map_err(|e| self.reply_error(i, e))
                }
            });
        let mut out = Vec::new();
        for part in join_all(calls).await {
            out.extend(part?);
        }
        Ok(out)
    }

    /// Each `(key, member)`'s state here, in the order given.
    pub async fn states(
        &self,
        layout: &Layout,
        pairs: &[(Vec<u8>, Vec<u8>)],
    ) -> Result<Vec<State>, StoreError> {
        self.per_instance(
            pairs,
            |p| &p.0,
            |i, batch| async move {
                let reply = self
                    .call(i, "EVAL", scripts::scores_args(&layout.prefix, &batch))
                    .await?;
                scripts::states(&reply).map_err(|e| self.reply_error(i, e))
            },
        )
        .await
    }

    /// Both sides of each key, whole, in the order given.
    pub async fn dump(&self, layout: &Layout, keys: &[Vec<u8>]) -> Result<Vec<Sides>, StoreError> {
        self.per_instance(
            keys,
            |k| k,
            |i, batch| async move {
                let batch: Vec<&[u8]> = batch.iter().map(|k| &k[..]).collect();
                let reply = self
                    .call(i, "EVAL", scripts::dump_args(&layout.prefix, &batch))
                    .await?;
                scripts::dumped(batch.len(), reply).map_err(|e| self.reply_error(i, e))
            },
        )
        .await
    }

    /// Scatter/gather: one concurrent `call(instance, its items)` per instance holding
    /// some of `items` (by `key_of`), each answering one result per item it was given;
    /// the results come back in the order of `items`.
    async fn per_instance<'a, T, R, F, Fut>(
        &self,
        items: &'a [T],
        key_of: impl Fn(&T) -> &[u8],
        call: F,
    ) -> Result<Vec<R>, StoreError>
    where
        R: Clone + Default,
        F: Fn(usize, Vec<&'a T>) -> Fut,
        Fut: Future<Output = Result<Vec<R>, StoreError>>,
    {
        let groups = group(items, self.urls.len(), key_of);
        let calls = groups
            .iter()
            .enumerate()
            .filter(|(_, idx)| !idx.is_empty())
            .map(|(i, idx)| call(i, idx.iter().map(|&j| &items[j]).collect()));
        let mut out = vec![R::default(); items.len()];
        for (idx, part) in groups
            .iter()
            .filter(|idx| !idx.is_empty())
            .zip(join_all(calls).await)
        {
            for (&j, result) in idx.iter().zip(part?) {
                out[j] = result;
            }
        }
        Ok(out)
    }

    /// How many members the add side of `key` holds.
    pub async fn count(&self, layout: &Layout, key: &[u8]) -> Result<u64, StoreError> {
        let i = instance_of(key, self.urls.len());
        let reply = self
            .call(
                i,
                "ZCARD",
                vec![RedisParameter::Binary(side_key(&layout.prefix, key, b'+'))],
            )
            .await?;
        match reply.as_slice() {
            [RedisResult::Int64(n)] => Ok(*n as u64),
            other => Err(self.reply_error(i, ReplyError(format!("{other:?} from ZCARD")))),
        }
    }

    /// Pings every instance: `(url, error)` per instance.
    pub async fn ping(&self) -> Vec<(String, Option<String>)> {
        let calls = (0..self.urls.len()).map(|i| async move {
            let result = self.call(i, "PING", Vec::new()).await;
            (self.urls[i].clone(), result.err().map(|e| e.to_string()))
        });
        join_all(calls).await
    }

    /// One `SCAN` step on instance `i`: the next cursor and the keys matched.
    pub async fn scan(
        &self,
        i: usize,
        cursor: u64,
        pattern: &[u8],
        count: usize,
    ) -> Result<(u64, Vec<Vec<u8>>), StoreError> {
        let args = vec![
            RedisParameter::Binary(cursor.to_string().into_bytes()),
            RedisParameter::Binary(b"MATCH".to_vec()),
            RedisParameter::Binary(pattern.to_vec()),
            RedisParameter::Binary(b"COUNT".to_vec()),
            RedisParameter::Int64(count as i64),
        ];
        let mut reply = self.call(i, "SCAN", args).await?.into_iter();
        let next = match reply.next() {
            Some(RedisResult::Binary(c)) => {
                std::str::from_utf8(&c).ok().and_then(|c| c.parse().ok())
            }
            _ => None,
        }
        .ok_or_else(|| self.reply_error(i, ReplyError("SCAN without a cursor".into())))?;
        let keys = reply
            .filter_map(|r| match r {
                RedisResult::Binary(k) => Some(k),
                _ => None,
            })
            .collect();
        Ok((next, keys))
    }
}
