//! Redis I/O: each operation is one script call (`EVALSHA`, falling back to `EVAL` once
//! when Redis does not know the script yet).

use spin_sdk::http::StatusCode;
use spin_sdk::redis::{Connection, Error as RedisError, RedisParameter, RedisResult};
use tally_common::problem::Problem;

use crate::config;
use crate::input::{Count, Write};
use crate::plan::{BadReply, GroupResult, Plan, Reply, parse_groups, parse_leaders};
use crate::scripts::{
    Arg, Layout, QueryMode, Script, count_args, count_script, leaderboard_args, leaderboard_script,
    query_script, write_args, write_script,
};

/// Why a store operation failed.
#[derive(Debug)]
pub enum StoreError {
    /// Redis refused or could not be reached.
    Redis(RedisError),
    /// A script answered in an unexpected shape.
    Reply(BadReply),
}

impl From<RedisError> for StoreError {
    fn from(e: RedisError) -> Self {
        StoreError::Redis(e)
    }
}

impl From<BadReply> for StoreError {
    fn from(e: BadReply) -> Self {
        StoreError::Reply(e)
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        match e {
            StoreError::Redis(e) => Problem::from(e),
            StoreError::Reply(e) => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Redis(e) => write!(f, "Redis error: {e:?}"),
            StoreError::Reply(e) => write!(f, "{e}"),
        }
    }
}

/// A connection and the key layout.
pub struct Store {
    conn: Connection,
    /// Key prefix, expiries, leaderboards.
    pub layout: Layout,
}

impl Store {
    /// Opens the configured Redis.
    pub async fn open() -> Result<Store, Problem> {
        let config = config::get().await?;
        let conn = Connection::open(&config.redis_url).await?;
        Ok(Store {
            conn,
            layout: config.layout.clone(),
        })
    }

    /// Runs `script` with `args` in one round trip (two the first time after a Redis
    /// restart or `SCRIPT FLUSH`).
    async fn eval(&self, script: &Script, args: Vec<Arg>) -> Result<Vec<Reply>, RedisError> {
        let params: Vec<RedisParameter> = args
            .into_iter()
            .map(|a| match a {
                Arg::Int(v) => RedisParameter::Int64(v),
                Arg::Text(s) => RedisParameter::Binary(s.into_bytes()),
            })
            .collect();
        let call = |head: &str| {
            let mut all = Vec::with_capacity(params.len() + 2);
            all.push(RedisParameter::Binary(head.as_bytes().to_vec()));
            all.push(RedisParameter::Int64(0));
            all.extend(params.iter().cloned());
            all
        };
        let result = match self.conn.execute("EVALSHA", call(&script.sha)).await {
            Err(RedisError::Other(msg)) if msg.to_ascii_uppercase().contains("NOSCRIPT") => {
                self.conn.execute("EVAL", call(&script.source)).await
            }
            other => other,
        }?;
        Ok(result
            .into_iter()
            .map(|r| match r {
                RedisResult::Int64(v) => Reply::Int(v),
                RedisResult::Binary(b) => Reply::Bytes(b),
                RedisResult::Status(s) => Reply::Bytes(s.into_bytes()),
                RedisResult::Nil => Reply::Nil,
            })
            .collect())
    }

    /// Applies `writes` in order, atomically each; returns the delta each added.
    pub async fn write(&self, writes: &[Write]) -> Result<Vec<i64>, StoreError> {
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        let reply = self
            .eval(write_script(), write_args(&self.layout, writes))
            .await?;
        reply
            .iter()
            .map(|r| match r {
                Reply::Int(v) => Ok(*v),
                other => Err(BadReply(format!("write delta {other:?}")).into()),
            })
            .collect()
    }

    /// Adds `counts` to the counter keyspace.
    pub async fn count(&self, counts: &[Count]) -> Result<(), StoreError> {
        if !counts.is_empty() {
            self.eval(count_script(), count_args(&self.layout, counts))
                .await?;
        }
        Ok(())
    }

    /// Runs a query plan: one result per group, in order.
    pub async fn query(
        &self,
        plan: &Plan,
        mode: QueryMode,
        atid: &str,
    ) -> Result<Vec<GroupResult>, StoreError> {
        let with_aids = mode == QueryMode::SumsAndAids;
        if plan.reads_nothing() {
            return Ok(vec![GroupResult::default(); plan.groups.len()]);
        }
        let reply = self.eval(query_script(), plan.args(mode, atid)).await?;
        Ok(parse_groups(&reply, plan.groups.len(), with_aids)?)
    }

    /// The top `limit` (uid, value) of thing id `thing` over the window's spans.
    pub async fn leaderboard(
        &self,
        thing: u8,
        atid: &str,
        limit: u32,
        spans: &[crate::decompose::Span],
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        if spans.is_empty() {
            return Ok(Vec::new());
        }
        let args = leaderboard_args(&self.layout, thing, atid, limit, spans);
        let reply = self.eval(leaderboard_script(), args).await?;
        Ok(parse_leaders(&reply)?)
    }

    /// `PING`.
    pub async fn ping(&self) -> Result<(), RedisError> {
        self.conn.execute("PING", []).await.map(|_| ())
    }

    /// Counts a rejected channel message (`<prefix>psd:errors`) and keeps the last reason
    /// (`<prefix>psd:last_error`), in one call.
    pub async fn record_bad_message(&self, reason: &str) -> Result<(), RedisError> {
        const SCRIPT: &str =
            "redis.call('SET', ARGV[2], ARGV[3]); return redis.call('INCR', ARGV[1])";
        let p = &self.layout.prefix;
        let args = [
            RedisParameter::Binary(SCRIPT.as_bytes().to_vec()),
            RedisParameter::Int64(0),
            RedisParameter::Binary(format!("{p}psd:errors").into_bytes()),
            RedisParameter::Binary(format!("{p}psd:last_error").into_bytes()),
            RedisParameter::Binary(reason.as_bytes().to_vec()),
        ];
        self.conn.execute("EVAL", args).await.map(|_| ())
    }
}
