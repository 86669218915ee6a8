//! `spin:postgres/postgres@4.2.0`: connections from the shared pools, prepared-statement
//! caching, and rows streamed to the guest as Postgres sends them.

mod convert;
mod stream;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use deadpool_postgres::Object;
use tokio_postgres::Statement;
use tokio_postgres::types::ToSql;
use wasmtime::component::{Accessor, FutureReader, HasSelf, Resource, StreamReader};

use crate::bindings::spin::postgres::postgres::{
    Column, DbError, DbValue, Error, Host, HostConnection, HostConnectionBuilder,
    HostConnectionBuilderWithStore, HostConnectionWithStore, ParameterValue, QueryError, RowSet,
};
use crate::state::{ComponentEnv, HostState};

/// Prepared statements kept per connection before the cache is emptied.
const STATEMENT_CACHE_LIMIT: usize = 512;

/// A guest's open Postgres connection: one pooled client, held until the guest drops it.
pub struct PgConnection(Arc<Client>);

/// The pooled client behind a [`PgConnection`].
struct Client {
    object: Option<Object>,
    /// Set while the guest has a transaction open on this client.
    in_transaction: AtomicBool,
}

impl Client {
    fn get(&self) -> &Object {
        self.object.as_ref().expect("client present until drop")
    }

    /// Tracks `BEGIN`/`COMMIT`/`ROLLBACK` so a client left mid-transaction never goes
    /// back to the pool.
    fn note(&self, statement: &str) {
        let words: Vec<String> = statement
            .split_whitespace()
            .take(2)
            .map(str::to_ascii_uppercase)
            .collect();
        match words.first().map(|w| w.trim_end_matches(';')) {
            Some("BEGIN" | "START") => self.in_transaction.store(true, Ordering::Relaxed),
            Some("COMMIT" | "END" | "ABORT") => self.in_transaction.store(false, Ordering::Relaxed),
            Some("ROLLBACK") if words.get(1).map(String::as_str) != Some("TO") => {
                self.in_transaction.store(false, Ordering::Relaxed)
            }
            _ => {}
        }
    }

    /// Prepares `statement`, reusing this client's cached statement when there is one.
    async fn prepare(&self, statement: &str) -> Result<Statement, Error> {
        let client = self.get();
        if client.statement_cache.size() > STATEMENT_CACHE_LIMIT {
            client.statement_cache.clear();
        }
        client.prepare_cached(statement).await.map_err(query_failed)
    }

    /// Runs `f` with a prepared statement; a cached plan made stale by a schema change
    /// is dropped and the statement prepared once more.
    async fn with_statement<R, F, Fut>(&self, statement: &str, f: F) -> Result<R, Error>
    where
        F: Fn(Statement) -> Fut,
        Fut: Future<Output = Result<R, tokio_postgres::Error>>,
    {
        self.note(statement);
        let prepared = self.prepare(statement).await?;
        match f(prepared).await {
            Err(e) if is_stale_plan(&e) => {
                self.get().statement_cache.remove(statement, &[]);
                let prepared = self.prepare(statement).await?;
                f(prepared).await.map_err(query_failed)
            }
            other => other.map_err(query_failed),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.in_transaction.load(Ordering::Relaxed)
            && let Some(object) = self.object.take()
        {
            // Detach from the pool: the connection closes instead of being reused.
            drop(Object::take(object));
        }
    }
}

/// A connection builder: an address waiting for `build`.
pub struct PgConnectionBuilder {
    address: String,
}

fn is_stale_plan(e: &tokio_postgres::Error) -> bool {
    e.code()
        .is_some_and(|c| c.code() == "0A000" || c.code() == "26000")
}

/// Maps a tokio-postgres error to the WIT error the guest sees.
fn query_failed(e: tokio_postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        let mut extras = Vec::new();
        let mut push = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                extras.push((k.to_string(), v.to_string()));
            }
        };
        push("hint", db.hint());
        push("table", db.table());
        push("column", db.column());
        push("constraint", db.constraint());
        push("schema", db.schema());
        return Error::QueryFailed(QueryError::DbError(DbError {
            as_text: e.to_string(),
            severity: db.severity().to_string(),
            code: db.code().code().to_string(),
            message: db.message().to_string(),
            detail: db.detail().map(str::to_string),
            extras,
        }));
    }
    if e.is_closed() {
        return Error::ConnectionFailed(e.to_string());
    }
    let text = e.to_string();
    if text.contains("error serializing parameter") {
        Error::BadParameter(text)
    } else {
        Error::QueryFailed(QueryError::Text(text))
    }
}

/// Opens a pooled connection to `address` if the component may reach it.
async fn open(env: &ComponentEnv, address: &str) -> Result<PgConnection, Error> {
    if !env.allowed_hosts.allows(address) {
        tracing::warn!(component = %env.id, "Postgres address not in allowed_outbound_hosts");
        return Err(Error::ConnectionFailed(format!(
            "address {address} is not permitted: add it to the component's allowed_outbound_hosts"
        )));
    }
    let pool = env
        .backends
        .postgres(address)
        .map_err(|e| Error::ConnectionFailed(e.to_string()))?;
    let object = pool
        .get()
        .await
        .map_err(|e| Error::ConnectionFailed(e.to_string()))?;
    Ok(PgConnection(Arc::new(Client {
        object: Some(object),
        in_transaction: AtomicBool::new(false),
    })))
}

fn columns(statement: &Statement) -> Vec<Column> {
    statement
        .columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_string(),
            data_type: convert::data_type(c.type_()),
        })
        .collect()
}

fn refs(params: &[convert::Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

async fn execute(
    client: &Client,
    statement: &str,
    params: Vec<ParameterValue>,
) -> Result<u64, Error> {
    let params = convert::params(params).map_err(Error::BadParameter)?;
    let params = &params;
    client
        .with_statement(statement, |s| async move {
            client.get().execute(&s, &refs(params)).await
        })
        .await
}

async fn query_all(
    client: &Client,
    statement: &str,
    params: Vec<ParameterValue>,
) -> Result<RowSet, Error> {
    let params = convert::params(params).map_err(Error::BadParameter)?;
    let (columns, rows) = client
        .with_statement(statement, |s| {
            let params = &params;
            async move { Ok((columns(&s), client.get().query(&s, &refs(params)).await?)) }
        })
        .await?;
    let rows = rows
        .iter()
        .map(convert::row)
        .collect::<Result<Vec<Vec<DbValue>>, _>>()
        .map_err(Error::ValueConversionFailed)?;
    Ok(RowSet { columns, rows })
}

fn connection<T>(
    accessor: &Accessor<T, HasSelf<HostState>>,
    this: &Resource<PgConnection>,
) -> wasmtime::Result<Arc<Client>> {
    accessor.with(|mut access| Ok(access.get().table.get(this)?.0.clone()))
}

type Reply<T> = wasmtime::Result<Result<T, Error>>;

impl Host for HostState {}

impl HostConnection for HostState {
    async fn open(&mut self, address: String) -> Reply<Resource<PgConnection>> {
        match open(&self.env.clone(), &address).await {
            Ok(conn) => Ok(Ok(self.table.push(conn)?)),
            Err(e) => Ok(Err(e)),
        }
    }

    async fn query(
        &mut self,
        this: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Reply<RowSet> {
        let client = self.table.get(&this)?.0.clone();
        Ok(query_all(&client, &statement, params).await)
    }

    async fn execute(
        &mut self,
        this: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Reply<u64> {
        let client = self.table.get(&this)?.0.clone();
        Ok(execute(&client, &statement, params).await)
    }

    async fn drop(&mut self, this: Resource<PgConnection>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        Ok(())
    }
}

impl<T> HostConnectionWithStore<T> for HasSelf<HostState> {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        address: String,
    ) -> Reply<Resource<PgConnection>> {
        let env = accessor.with(|mut access| access.get().env.clone());
        match open(&env, &address).await {
            Ok(conn) => Ok(Ok(
                accessor.with(|mut access| access.get().table.push(conn))?
            )),
            Err(e) => Ok(Err(e)),
        }
    }

    async fn query_async(
        accessor: &Accessor<T, Self>,
        this: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Reply<(
        Vec<Column>,
        StreamReader<Vec<DbValue>>,
        FutureReader<Result<(), Error>>,
    )> {
        let client = connection(accessor, &this)?;
        let params = match convert::params(params) {
            Ok(p) => p,
            Err(e) => return Ok(Err(Error::BadParameter(e))),
        };
        let started = client
            .with_statement(&statement, |s| {
                let params = &params;
                let client = &client;
                async move {
                    let rows = client.get().query_raw(&s, refs(params)).await?;
                    Ok((columns(&s), rows))
                }
            })
            .await;
        let (columns, rows) = match started {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        let (producer, done) = stream::RowProducer::new(rows, client);
        let (rows, result) = accessor.with(|mut access| -> wasmtime::Result<_> {
            let rows = StreamReader::new(&mut access, producer)?;
            let result = FutureReader::new(&mut access, done)?;
            Ok((rows, result))
        })?;
        Ok(Ok((columns, rows, result)))
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        this: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Reply<u64> {
        let client = connection(accessor, &this)?;
        Ok(execute(&client, &statement, params).await)
    }
}

impl HostConnectionBuilder for HostState {
    async fn new(&mut self, address: String) -> wasmtime::Result<Resource<PgConnectionBuilder>> {
        Ok(self.table.push(PgConnectionBuilder { address })?)
    }

    async fn set_ca_root(
        &mut self,
        _this: Resource<PgConnectionBuilder>,
        _certificate: String,
    ) -> Reply<()> {
        Ok(Err(Error::Other(
            "TLS connections are not supported by the Tally host; connect over a private network"
                .into(),
        )))
    }

    async fn build(
        &mut self,
        this: Resource<PgConnectionBuilder>,
    ) -> Reply<Resource<PgConnection>> {
        let address = self.table.get(&this)?.address.clone();
        HostConnection::open(self, address).await
    }

    async fn drop(&mut self, this: Resource<PgConnectionBuilder>) -> wasmtime::Result<()> {
        self.table.delete(this)?;
        Ok(())
    }
}

impl<T> HostConnectionBuilderWithStore<T> for HasSelf<HostState> {
    async fn build_async(
        accessor: &Accessor<T, Self>,
        this: Resource<PgConnectionBuilder>,
    ) -> Reply<Resource<PgConnection>> {
        let address = accessor.with(|mut access| {
            Ok::<_, wasmtime::Error>(access.get().table.get(&this)?.address.clone())
        })?;
        <Self as HostConnectionWithStore<T>>::open_async(accessor, address).await
    }
}
