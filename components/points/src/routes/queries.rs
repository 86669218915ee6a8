//! The multi-user query routes.

use serde_json::{Map, Value, json};
use spin_sdk::http::Response;
use tally_common::problem::Problem;

use super::{Call, atid_of, drop_empty, ids, json_ok, offsets, rename, thing_of, window};
use crate::service;

/// `query_ids` (sums) and `mu_query` (`mu`: sums and atids) for one thing.
pub async fn sums(
    call: &Call,
    mu: bool,
    thing: &str,
    atid: &str,
    (start, end): (&str, &str),
) -> Result<Response<String>, Problem> {
    let p = call.params()?;
    let (ids, offsets) = (ids(&p)?, offsets(&p)?);
    let thing = thing_of(thing)?;
    let users = service::query(
        &ids,
        &offsets,
        &[thing],
        atid_of(atid)?,
        window(start, end)?,
        mu,
    )
    .await?;
    let drop = drop_empty(&p);
    let (mut values, mut atids) = (Map::new(), Map::new());
    for u in users {
        let sum = u.sums[0].1;
        if drop && (if mu { u.is_empty() } else { sum == 0 }) {
            continue;
        }
        values.insert(u.uid.to_string(), sum.into());
        atids.insert(u.uid.to_string(), json!(u.atids));
    }
    Ok(json_ok(if mu {
        json!({"values": values, "atids": atids})
    } else {
        Value::Object(values)
    }))
}

/// `mumt_query` (v1 and v2): sums of several things and atids, per user.
pub async fn mumt(
    call: &Call,
    atid: &str,
    (start, end): (&str, &str),
) -> Result<Response<String>, Problem> {
    let p = call.params()?;
    let (ids, offsets) = (ids(&p)?, offsets(&p)?);
    let things = p
        .list("things")
        .iter()
        .map(|t| thing_of(t).map_err(|e| rename(e, "things")))
        .collect::<Result<Vec<_>, _>>()?;
    if things.is_empty() {
        return Err(Problem::bad_request("parameter `things` is missing"));
    }
    let users = service::query(
        &ids,
        &offsets,
        &things,
        atid_of(atid)?,
        window(start, end)?,
        true,
    )
    .await?;
    let drop = drop_empty(&p);
    let mut data = Map::new();
    for u in users.into_iter().filter(|u| !(drop && u.is_empty())) {
        let mut entry = Map::new();
        entry.insert("_atids".into(), json!(u.atids));
        for (thing, sum) in &u.sums {
            entry.insert(thing.name().into(), (*sum).into());
        }
        data.insert(u.uid.to_string(), Value::Object(entry));
    }
    Ok(json_ok(json!({ "data": data })))
}

/// `readcount_with_ids`: counter `<prefix>_<id>` per id.
pub async fn counters(
    call: &Call,
    prefix: &str,
    (start, end): (&str, &str),
) -> Result<Response<String>, Problem> {
    let p = call.params()?;
    let ids = p.list("ids");
    if !p.has("ids") {
        return Err(Problem::bad_request("parameter `ids` is missing"));
    }
    let offsets = offsets(&p)?;
    let names: Vec<String> = ids.iter().map(|id| format!("{prefix}_{id}")).collect();
    let sums = service::read_counts(&names, &offsets, window(start, end)?).await?;
    let drop = drop_empty(&p);
    let out: Map<String, Value> = ids
        .into_iter()
        .zip(sums)
        .filter(|(_, s)| !(drop && *s == 0))
        .map(|(id, s)| (id, s.into()))
        .collect();
    Ok(json_ok(Value::Object(out)))
}
