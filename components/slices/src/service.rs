//! The operations behind the routes and the WIT export: count an event, report slices,
//! estimate a range's distinct users, check the shards. Shards are read concurrently.

use std::collections::HashMap;

use futures::future::join_all;
use serde_json::{Value, json};

use crate::admission;
use crate::config::Config;
use crate::error::Error;
use crate::keys::Keys;
use crate::model::{Counts, ShardCounts, SliceReport};
use crate::placement;
use crate::privacy;
use crate::request::Event;
use crate::shards::{open, open_home};
use crate::slicing::rfc3339;
use crate::store::{self, EventWrite, Recorded};

/// Most slices one range or allslices request may cover.
pub const MAX_SLICES: usize = 1000;

/// Now, epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The slice holding `ts_ms` of parameter `name`; a 400 before the first slice.
pub fn slice_at(config: &Config, ts_ms: i64, name: &str) -> Result<u64, Error> {
    config.slicing.slice_of(ts_ms).ok_or_else(|| {
        Error::BadRequest(format!(
            "parameter `{name}` ({}) is before the first slice ({})",
            rfc3339(ts_ms),
            rfc3339(config.slicing.first_ms)
        ))
    })
}

/// Counts one event: hash the user, route it, one atomic script call on its shard. An
/// event whose id was counted before changes nothing.
pub async fn record(config: &Config, event: &Event, now: i64) -> Result<Recorded, Error> {
    let slice = slice_at(config, event.ts_ms, "timestamp")?;
    let admission = admission::admit(config, slice, event.ts_ms, now)?;
    let placement = placement::for_write(config, slice).await?;
    let user_hash = privacy::user_hash(&config.salt, slice, &event.user);
    let element = config
        .hll
        .then(|| privacy::range_element(&config.salt, &event.user));
    let id_hash = event
        .id
        .as_ref()
        .map(|id| privacy::event_hash(&config.salt, slice, id));
    let conn = open(config, placement.shard_for(&user_hash)).await?;
    let write = EventWrite {
        slice,
        user_hash: &user_hash,
        kind: event.kind,
        late: admission.late,
        expire_at: admission.expire_at,
        hll_element: element.as_ref(),
        id_hash: id_hash.as_ref(),
    };
    store::record(&conn, Keys::new(&config.prefix), &write).await
}

/// The label of a shard in reports: its index in `slices_shards`, else its address.
fn worker(config: &Config, public: &str) -> String {
    config
        .shard(public)
        .map_or_else(|| public.to_string(), |(i, _)| i.to_string())
}

/// Groups `(slice index, address)` pairs by address, in first-seen order.
fn by_address<'a>(
    placements: impl Iterator<Item = (usize, &'a str)>,
) -> Vec<(&'a str, Vec<usize>)> {
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, address) in placements {
        match groups.iter_mut().find(|(a, _)| *a == address) {
            Some((_, list)) => list.push(i),
            None => groups.push((address, vec![i])),
        }
    }
    groups
}

/// Every shard's counters for each of `slices`: one read per shard, all shards at once.
pub async fn reports(config: &Config, slices: &[u64]) -> Result<Vec<SliceReport>, Error> {
    let placements = placement::for_read(config, slices).await?;
    let pairs = placements
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.addresses.iter().map(move |a| (i, a.as_str())));
    let groups = by_address(pairs);
    let keys = Keys::new(&config.prefix);
    let reads = groups.iter().map(|(address, idx)| async move {
        let conn = open(config, address).await?;
        let wanted: Vec<u64> = idx.iter().map(|&i| slices[i]).collect();
        store::counts(&conn, keys, &wanted).await
    });
    let results = join_all(reads).await;
    let mut found: HashMap<(&str, usize), Counts> = HashMap::new();
    for ((address, idx), counts) in groups.iter().zip(results) {
        found.extend(idx.iter().map(|&i| (*address, i)).zip(counts?));
    }
    Ok(slices
        .iter()
        .zip(&placements)
        .enumerate()
        .map(|(i, (&slice, p))| SliceReport {
            slice,
            shards: p
                .addresses
                .iter()
                .map(|a| ShardCounts {
                    worker: worker(config, a),
                    counts: found.get(&(a.as_str(), i)).copied().unwrap_or_default(),
                })
                .collect(),
        })
        .collect())
}

/// The estimated number of distinct users over `slices` (`None` unless `slices_hll`):
/// each shard unions its HyperLogLogs, the first shard unions those images.
pub async fn approx_unique_users(config: &Config, slices: &[u64]) -> Result<Option<u64>, Error> {
    if !config.hll {
        return Ok(None);
    }
    let placements = placement::for_read(config, slices).await?;
    let pairs = placements
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.addresses.iter().map(move |a| (i, a.as_str())));
    let keys = Keys::new(&config.prefix);
    let unions = by_address(pairs)
        .into_iter()
        .map(|(address, idx)| async move {
            let conn = open(config, address).await?;
            let wanted: Vec<u64> = idx.iter().map(|&i| slices[i]).collect();
            store::hll_union(&conn, keys, &wanted).await
        });
    let images = join_all(unions)
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let home = open_home(config).await?;
    Ok(Some(store::hll_count(&home, keys, images).await?))
}

/// The lowest slice with recorded data (`None` when there is none).
pub async fn first_recorded(config: &Config) -> Result<Option<u64>, Error> {
    let home = open_home(config).await?;
    let all = store::all_recorded(&home, Keys::new(&config.prefix)).await?;
    Ok(all.first().map(|(s, _)| *s))
}

/// Reachability of every shard (pinged at once) and the recorded placements that the
/// routing table now contradicts. The flag is false when a shard is unreachable.
pub async fn health(config: &Config) -> (bool, Value) {
    let pings = config.shards.iter().map(|shard| async move {
        match crate::shards::connect(&shard.address).await {
            Ok(conn) => store::ping(&conn).await.err(),
            Err(e) => Some(e),
        }
    });
    let pings = join_all(pings).await;
    let reachable = pings.iter().all(Option::is_none);
    let shards: Vec<Value> = config
        .shards
        .iter()
        .zip(&pings)
        .enumerate()
        .map(|(i, (s, err))| {
            json!({"worker": i, "address": s.public, "reachable": err.is_none(),
                   "error": err.as_ref().map(Error::to_string)})
        })
        .collect();
    let conflicts = match pings[0] {
        Some(_) => Value::Null,
        None => placement_conflicts(config).await.unwrap_or(Value::Null),
    };
    let now = now_ms();
    let body = json!({
        "status": if reachable { "ok" } else { "unavailable" },
        "shards": shards,
        "placement_conflicts": conflicts,
        "slice_length_seconds": config.slicing.length_ms / 1000,
        "first_slice": rfc3339(config.slicing.first_ms),
        "current_slice": config.slicing.slice_of(now),
    });
    (reachable, body)
}

async fn placement_conflicts(config: &Config) -> Result<Value, Error> {
    let home = open_home(config).await?;
    let all = store::all_recorded(&home, Keys::new(&config.prefix)).await?;
    Ok(all
        .into_iter()
        .filter(|(slice, p)| *p != config.placement(*slice))
        .take(100)
        .map(|(slice, p)| {
            json!({"slice": slice, "recorded": p.addresses,
                   "configured": config.placement(slice).addresses})
        })
        .collect())
}
