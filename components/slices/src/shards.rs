//! Connections to the shards, kept for the instance's later requests.
//!
//! A `spin:redis` connection is a handle on the host's shared, self-reconnecting
//! connection to an address, so one handle per address serves every request an instance
//! handles (and every concurrent one): opening it is a host call saved per request.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use spin_sdk::redis::Connection;

use crate::config::Config;
use crate::error::Error;

thread_local! {
    static OPEN: RefCell<HashMap<String, Rc<Connection>>> = RefCell::new(HashMap::new());
}

/// A connection to `address` (as configured, credentials included).
pub async fn connect(address: &str) -> Result<Rc<Connection>, Error> {
    if let Some(conn) = OPEN.with(|o| o.borrow().get(address).cloned()) {
        return Ok(conn);
    }
    let conn = Rc::new(Connection::open(address).await?);
    OPEN.with(|o| o.borrow_mut().insert(address.to_string(), conn.clone()));
    Ok(conn)
}

/// A connection to the configured shard with credential-free address `public`.
pub async fn open(config: &Config, public: &str) -> Result<Rc<Connection>, Error> {
    let (_, shard) = config.shard(public).ok_or_else(|| {
        Error::Internal(format!(
            "data is recorded on shard {public}, which is no longer in slices_shards"
        ))
    })?;
    connect(&shard.address).await
}

/// A connection to the shard keeping the placement registry (the first one).
pub async fn open_home(config: &Config) -> Result<Rc<Connection>, Error> {
    connect(&config.home().address).await
}
