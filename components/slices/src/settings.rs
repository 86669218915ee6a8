//! Reading the configuration from Spin variables, once per instance.
//!
//! Variables cannot change while an instance lives (a new value needs a restart or a
//! redeploy), so the parsed [`Config`] is kept for the instance's later requests.

use std::cell::RefCell;
use std::rc::Rc;

use crate::config::{Config, RawConfig};
use crate::error::Error;

thread_local! {
    static CONFIG: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

/// The variable `name`, `None` when the component does not define it.
async fn variable(name: &str) -> Result<Option<String>, Error> {
    match spin_sdk::variables::get(name).await {
        Ok(v) => Ok(Some(v)),
        Err(spin_sdk::variables::Error::Undefined(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The parsed configuration (a 500 naming the variable when one is invalid).
pub async fn config() -> Result<Rc<Config>, Error> {
    if let Some(c) = CONFIG.with(|c| c.borrow().clone()) {
        return Ok(c);
    }
    let mut raw = RawConfig::default();
    let values = futures::future::join_all(RawConfig::NAMES.iter().map(|n| variable(n))).await;
    for (name, value) in RawConfig::NAMES.iter().zip(values) {
        raw.set(name, value?);
    }
    let config = Rc::new(Config::parse(&raw).map_err(|e| Error::Internal(e.to_string()))?);
    CONFIG.with(|c| *c.borrow_mut() = Some(config.clone()));
    Ok(config)
}
