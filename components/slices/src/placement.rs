//! Where each slice's data lives, and the refusal of routing changes that would move it.
//!
//! The first write to a slice records the placement it used (its shards' addresses, in
//! routing order) in the registry on the first shard (`HSET` only if absent, atomically).
//! Every later write compares the configured placement with the recorded one and is
//! refused with a conflict when they differ; reads use the recorded placement, so counts
//! stay right whatever the routing table says now. Recorded placements never change, so an
//! instance keeps those it has seen and asks the registry once per slice.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::config::Config;
use crate::error::Error;
use crate::keys::Keys;
use crate::routing::Placement;
use crate::shards::open_home;
use crate::store;

/// Most placements an instance remembers before it starts over.
const CACHE_LIMIT: usize = 10_000;

thread_local! {
    static SEEN: RefCell<HashMap<u64, Placement>> = RefCell::new(HashMap::new());
}

fn seen(slice: u64) -> Option<Placement> {
    SEEN.with(|s| s.borrow().get(&slice).cloned())
}

fn remember(slice: u64, placement: &Placement) {
    SEEN.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() >= CACHE_LIMIT {
            s.clear();
        }
        s.insert(slice, placement.clone());
    });
}

/// The conflict error for a slice whose recorded placement differs from the routing's.
pub fn conflict(slice: u64, recorded: &Placement, configured: &Placement) -> Error {
    Error::Conflict(format!(
        "slice {slice} already has data on {:?}, but slices_routing now sends it to {:?}; \
         change the routing only for slices that have no data yet",
        recorded.addresses, configured.addresses
    ))
}

/// The placement a write to `slice` must use: the configured one, recorded on first use;
/// a conflict when the slice already has data placed differently.
pub async fn for_write(config: &Config, slice: u64) -> Result<Placement, Error> {
    let configured = config.placement(slice);
    let recorded = match seen(slice) {
        Some(p) => p,
        None => {
            let home = open_home(config).await?;
            let p = store::register(&home, Keys::new(&config.prefix), slice, &configured).await?;
            remember(slice, &p);
            p
        }
    };
    if recorded != configured {
        return Err(conflict(slice, &recorded, &configured));
    }
    Ok(configured)
}

/// The placements to read `slices` from: the recorded ones, the configured ones for slices
/// without data. One registry round trip for the slices this instance has not seen.
pub async fn for_read(config: &Config, slices: &[u64]) -> Result<Vec<Placement>, Error> {
    let mut out: Vec<Option<Placement>> = slices.iter().map(|&s| seen(s)).collect();
    let missing: Vec<u64> = slices
        .iter()
        .zip(&out)
        .filter(|(_, p)| p.is_none())
        .map(|(&s, _)| s)
        .collect();
    if !missing.is_empty() {
        let home = open_home(config).await?;
        let mut found = store::recorded(&home, Keys::new(&config.prefix), &missing)
            .await?
            .into_iter();
        for (slot, &slice) in out.iter_mut().zip(slices).filter(|(p, _)| p.is_none()) {
            *slot = Some(match found.next().flatten() {
                Some(p) => {
                    remember(slice, &p);
                    p
                }
                None => config.placement(slice),
            });
        }
    }
    Ok(out
        .into_iter()
        .map(|p| p.expect("every slot is filled"))
        .collect())
}
