//! `spin:redis/redis@3.0.0`: every function, over the shared multiplexed connections.

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Value};
use wasmtime::component::{Accessor, HasSelf, Resource};

use crate::backends::BackendError;
use crate::bindings::spin::redis::redis::{
    Error, Host, HostConnection, HostConnectionWithStore, Payload, RedisParameter, RedisResult,
};
use crate::state::HostState;

/// A guest's open Redis connection: a handle on the shared connection for its address.
pub struct RedisConnection {
    conn: ConnectionManager,
}

type Reply<T> = wasmtime::Result<Result<T, Error>>;

/// Clones the connection behind `this` out of the store, so no store borrow is held
/// across the `.await` of the command.
fn connection<T>(
    accessor: &Accessor<T, HasSelf<HostState>>,
    this: &Resource<RedisConnection>,
) -> wasmtime::Result<ConnectionManager> {
    accessor.with(|mut access| Ok(access.get().table.get(this)?.conn.clone()))
}

fn other(e: redis::RedisError) -> Error {
    if e.kind() == redis::ErrorKind::UnexpectedReturnType {
        Error::TypeError
    } else {
        Error::Other(e.to_string())
    }
}

impl Host for HostState {}

impl HostConnection for HostState {
    async fn drop(&mut self, this: Resource<RedisConnection>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        Ok(())
    }
}

impl<T> HostConnectionWithStore<T> for HasSelf<HostState> {
    async fn open(
        accessor: &Accessor<T, Self>,
        address: String,
    ) -> Reply<Resource<RedisConnection>> {
        let env = accessor.with(|mut access| access.get().env.clone());
        if !env.allowed_hosts.allows(&address) {
            tracing::warn!(component = %env.id, %address, "Redis address not in allowed_outbound_hosts");
            return Ok(Err(Error::InvalidAddress));
        }
        let conn = match env.backends.redis(&address).await {
            Ok(conn) => conn,
            Err(BackendError::InvalidAddress(_)) => return Ok(Err(Error::InvalidAddress)),
            Err(e) => return Ok(Err(Error::Other(e.to_string()))),
        };
        let resource =
            accessor.with(|mut access| access.get().table.push(RedisConnection { conn }))?;
        Ok(Ok(resource))
    }

    async fn publish(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        channel: String,
        payload: Payload,
    ) -> Reply<()> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn
            .publish::<_, _, i64>(channel, payload)
            .await
            .map(|_| ())
            .map_err(other))
    }

    async fn get(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        key: String,
    ) -> Reply<Option<Payload>> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn.get(key).await.map_err(other))
    }

    async fn set(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        key: String,
        value: Payload,
    ) -> Reply<()> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn.set(key, value).await.map_err(other))
    }

    async fn incr(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        key: String,
    ) -> Reply<i64> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn.incr(key, 1).await.map_err(other))
    }

    async fn del(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        keys: Vec<String>,
    ) -> Reply<u32> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn.del(keys).await.map_err(other))
    }

    async fn sadd(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        key: String,
        values: Vec<String>,
    ) -> Reply<u32> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn.sadd(key, values).await.map_err(other))
    }

    async fn smembers(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        key: String,
    ) -> Reply<Vec<String>> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn.smembers(key).await.map_err(other))
    }

    async fn srem(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        key: String,
        values: Vec<String>,
    ) -> Reply<u32> {
        let mut conn = connection(accessor, &this)?;
        Ok(conn.srem(key, values).await.map_err(other))
    }

    async fn execute(
        accessor: &Accessor<T, Self>,
        this: Resource<RedisConnection>,
        command: String,
        arguments: Vec<RedisParameter>,
    ) -> Reply<Vec<RedisResult>> {
        let mut conn = connection(accessor, &this)?;
        let mut cmd = redis::cmd(&command);
        for argument in arguments {
            match argument {
                RedisParameter::Int64(v) => cmd.arg(v),
                RedisParameter::Binary(v) => cmd.arg(v),
            };
        }
        let value: Result<Value, _> = cmd.query_async(&mut conn).await;
        Ok(value.map_err(other).and_then(|v| {
            let mut results = Vec::new();
            flatten(v, &mut results)?;
            Ok(results)
        }))
    }
}

/// Spin's mapping of a Redis reply to `list<redis-result>`: arrays (and sets, maps) are
/// flattened, scalars become one element.
fn flatten(value: Value, out: &mut Vec<RedisResult>) -> Result<(), Error> {
    match value {
        Value::Nil => out.push(RedisResult::Nil),
        Value::Int(v) => out.push(RedisResult::Int64(v)),
        Value::BulkString(bytes) => out.push(RedisResult::Binary(bytes)),
        Value::SimpleString(s) => out.push(RedisResult::Status(s)),
        Value::Okay => out.push(RedisResult::Status("OK".to_string())),
        Value::Double(v) => out.push(RedisResult::Binary(v.to_string().into_bytes())),
        Value::Boolean(v) => out.push(RedisResult::Int64(v as i64)),
        Value::VerbatimString { text, .. } => out.push(RedisResult::Binary(text.into_bytes())),
        Value::Array(items) | Value::Set(items) => {
            for item in items {
                flatten(item, out)?;
            }
        }
        Value::Map(pairs) => {
            for (k, v) in pairs {
                flatten(k, out)?;
                flatten(v, out)?;
            }
        }
        Value::Attribute { data, .. } => flatten(*data, out)?,
        Value::ServerError(e) => return Err(Error::Other(format!("{e:?}"))),
        other => return Err(Error::Other(format!("unsupported Redis reply: {other:?}"))),
    }
    Ok(())
}
