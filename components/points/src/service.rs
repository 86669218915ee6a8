//! The operations behind every entry point (HTTP, channel messages, the WIT interface),
//! each one Redis round trip.

use spin_sdk::http::StatusCode;
use tally_common::problem::Problem;

use crate::decompose::decompose;
use crate::input::{Count, Invalid, Write};
use crate::plan::{Plan, UserResult, metric_plan, per_user, users_with_offsets};
use crate::scripts::QueryMode;
use crate::store::Store;
use crate::things::{Atid, Thing, is_counter_name};

/// The most users (or counter ids) one query may name.
pub const MAX_IDS: usize = 10_000;
/// The largest leaderboard.
pub const MAX_LIMIT: u32 = 1_000;

/// What a batch of writes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSummary {
    /// Writes applied.
    pub writes: usize,
    /// Writes whose delta was not 0.
    pub changed: usize,
}

impl From<Invalid> for Problem {
    fn from(e: Invalid) -> Problem {
        Problem::bad_request(e.to_string())
    }
}

/// Applies validated writes (one script call).
pub async fn write(writes: &[Write]) -> Result<WriteSummary, Problem> {
    let store = Store::open().await?;
    let deltas = store.write(writes).await?;
    Ok(WriteSummary {
        writes: deltas.len(),
        changed: deltas.iter().filter(|d| **d != 0).count(),
    })
}

/// Adds validated counts (one script call).
pub async fn count(counts: &[Count]) -> Result<(), Problem> {
    Store::open().await?.count(counts).await?;
    Ok(())
}

/// Checks that `offsets` is empty or has one value per id (422 otherwise, as v2 did).
pub fn check_offsets(ids: usize, offsets: &[i64]) -> Result<(), Problem> {
    if !offsets.is_empty() && offsets.len() != ids {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "parameter `offsets` has {} values for {ids} ids (one per id, or none)",
                offsets.len()
            ),
        ));
    }
    if ids > MAX_IDS {
        return Err(Problem::bad_request(format!(
            "parameter `ids` names {ids} ids, at most {MAX_IDS} are allowed"
        )));
    }
    Ok(())
}

/// Sums of `things` for each uid (once each, in first-seen order) over `[start, end]`
/// shifted per uid by its offset; with `with_atids`, also the atids of the activities seen.
pub async fn query(
    uids: &[i64],
    offsets: &[i64],
    things: &[Thing],
    atid: Atid,
    (start, end): (i64, i64),
    with_atids: bool,
) -> Result<Vec<UserResult>, Problem> {
    check_offsets(uids.len(), offsets)?;
    let store = Store::open().await?;
    let users = users_with_offsets(uids, offsets);
    let plan = metric_plan(&store.layout, &users, things, start, end);
    let mode = if with_atids {
        QueryMode::SumsAndAids
    } else {
        QueryMode::Sums
    };
    let results = store.query(&plan, mode, &atid.script_arg()).await?;
    Ok(per_user(&users, things, &results, atid))
}

/// Counter sums: `names[i]` over `[start, end]` shifted by `offsets[i]`.
pub async fn read_counts(
    names: &[String],
    offsets: &[i64],
    (start, end): (i64, i64),
) -> Result<Vec<i64>, Problem> {
    check_offsets(names.len(), offsets)?;
    if let Some(bad) = names.iter().find(|n| !is_counter_name(n)) {
        return Err(Problem::bad_request(format!(
            "counter name {bad:?} must be 1 to 200 of A-Z a-z 0-9 _ - ."
        )));
    }
    let store = Store::open().await?;
    let mut plan = Plan::default();
    for (i, name) in names.iter().enumerate() {
        let offset = offsets.get(i).copied().unwrap_or(0);
        let set = plan.window(start.saturating_add(offset), end.saturating_add(offset));
        plan.group(store.layout.counter_stem(name), set);
    }
    let results = store.query(&plan, QueryMode::Counters, "").await?;
    Ok(results.into_iter().map(|r| r.sum).collect())
}

/// The top `limit` users by sum of `thing` over `[start, end]`.
pub async fn leaderboard(
    thing: Thing,
    atid: Atid,
    (start, end): (i64, i64),
    limit: u32,
) -> Result<Vec<(i64, i64)>, Problem> {
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Problem::bad_request(format!(
            "parameter `limit` must be in 1..={MAX_LIMIT}, got {limit}"
        )));
    }
    let store = Store::open().await?;
    if !store.layout.leaderboards {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "leaderboards are disabled (variable `leaderboards` is false)",
        ));
    }
    let spans = decompose(start, end);
    Ok(store
        .leaderboard(thing.id(), &atid.script_arg(), limit, &spans)
        .await?)
}
