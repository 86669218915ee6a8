//! The typed WIT interface `tally:bundle/streams` over the same store as the HTTP routes.

use crate::config::Config;
use crate::cursor::Cursor;
use crate::farm::FarmError;
use crate::model::{Ksm, Op, Write};
use crate::query::{Query, Window};

#[allow(missing_docs)]
mod bindings {
    spin_sdk::wit_bindgen::generate!({
        path: "../../wit",
        world: "tally:bundle/streams-component",
        runtime_path: "::spin_sdk::wit_bindgen::rt",
    });
}

use bindings::exports::tally::bundle::streams::{self as wit, Element, Error, Guest};

/// The exported implementation.
pub struct Typed;

bindings::export!(Typed with_types_in bindings);

fn farm_error(e: FarmError) -> Error {
    let p = crate::api::farm_problem(e);
    if p.status == 503 {
        Error::Unavailable(p.detail)
    } else {
        Error::Other(p.detail)
    }
}

async fn config() -> Result<Config, Error> {
    Config::load()
        .await
        .map_err(|e| Error::Other(format!("configuration error: {e}")))
}

fn cursor(c: wit::Cursor) -> Result<Cursor, Error> {
    if c.score.is_finite() {
        Ok(Cursor::new(c.score, c.member))
    } else {
        Err(Error::Invalid("a cursor's score must be finite".into()))
    }
}

fn query(q: wit::Query) -> Result<Query, Error> {
    if q.limit == 0 || q.limit as usize > crate::roshi::MAX_LIMIT {
        return Err(Error::Invalid(format!(
            "limit must be 1 to {}",
            crate::roshi::MAX_LIMIT
        )));
    }
    let window = match q.window {
        wit::Window::Top(offset) => Window::Top {
            offset: offset as usize,
        },
        wit::Window::After(c) => Window::After(cursor(c)?),
        wit::Window::Before(c) => Window::Before(cursor(c)?),
    };
    Ok(Query {
        window,
        stop: q.stop.map(cursor).transpose()?,
        limit: q.limit as usize,
    })
}

fn element(k: Ksm) -> Element {
    Element {
        key: k.key,
        score: k.score,
        member: k.member,
    }
}

async fn write(elements: Vec<Element>, op: Op) -> Result<u32, Error> {
    let writes = elements
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            if e.score.is_finite() {
                Ok(Write {
                    op,
                    item: Ksm::new(e.key, e.score, e.member),
                })
            } else {
                Err(Error::Invalid(format!("element {i}: score must be finite")))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if writes.is_empty() {
        return Ok(0);
    }
    let n = config()
        .await?
        .farm
        .write(&writes)
        .await
        .map_err(farm_error)?;
    Ok(n as u32)
}

async fn read(keys: &[Vec<u8>], q: &Query, prune: bool) -> Result<Vec<Ksm>, Error> {
    let mut unique = keys.to_vec();
    unique.sort();
    unique.dedup();
    config()
        .await?
        .farm
        .read(&unique, q, prune)
        .await
        .map_err(farm_error)
}

impl Guest for Typed {
    async fn insert(elements: Vec<Element>) -> Result<u32, Error> {
        write(elements, Op::Insert).await
    }

    async fn delete(elements: Vec<Element>) -> Result<u32, Error> {
        write(elements, Op::Delete).await
    }

    async fn select(keys: Vec<Vec<u8>>, q: wit::Query) -> Result<Vec<Vec<Element>>, Error> {
        let q = query(q)?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let candidates = read(&keys, &q, false).await?;
        Ok(q.pages(&keys, candidates)
            .into_iter()
            .map(|p| p.into_iter().map(element).collect())
            .collect())
    }

    async fn coalesce(keys: Vec<Vec<u8>>, q: wit::Query) -> Result<Vec<Element>, Error> {
        let q = query(q)?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let candidates = read(&keys, &q, true).await?;
        Ok(q.page(candidates).into_iter().map(element).collect())
    }
}
