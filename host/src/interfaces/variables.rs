//! `spin:variables/variables@3.0.0`: the component's resolved variables.

use wasmtime::component::{Accessor, HasSelf};

use crate::bindings::spin::variables::variables::{Error, Host, HostWithStore};
use crate::state::HostState;

impl Host for HostState {}

impl<T> HostWithStore<T> for HasSelf<HostState> {
    async fn get(
        accessor: &Accessor<T, Self>,
        name: String,
    ) -> wasmtime::Result<Result<String, Error>> {
        Ok(accessor.with(|mut access| {
            let env = &access.get().env;
            match env.variables.get(&name) {
                Some(value) => Ok(value.clone()),
                None if is_valid_name(&name) => Err(Error::Undefined(format!(
                    "no variable `{name}` in component `{}`",
                    env.id
                ))),
                None => Err(Error::InvalidName(name)),
            }
        }))
    }
}

/// Spin's rule for variable names: lowercase letters, digits and underscores, starting with a letter.
fn is_valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
