//! The Redis calls, each one round trip to one shard.

use spin_sdk::redis::{Connection, Error as RedisError, RedisParameter, RedisResult};

use crate::error::Error;
use crate::keys::Keys;
use crate::model::{Counts, Kind};
use crate::routing::Placement;
use crate::scripts::{self, Script};

fn bin(s: impl Into<Vec<u8>>) -> RedisParameter {
    RedisParameter::Binary(s.into())
}

fn is_noscript(e: &RedisError) -> bool {
    matches!(e, RedisError::Other(msg) if {
        let m = msg.to_ascii_lowercase();
        m.contains("noscript") || m.contains("no matching script")
    })
}

/// Runs `script` by its SHA-1, sending the source (`EVAL`) only when Redis does not know it.
pub async fn eval(
    conn: &Connection,
    script: &Script,
    keys: &[String],
    args: &[RedisParameter],
) -> Result<Vec<RedisResult>, RedisError> {
    let call = |name: &str| {
        let head = if name == "EVAL" {
            script.source
        } else {
            script.sha()
        };
        let mut params = Vec::with_capacity(2 + keys.len() + args.len());
        params.push(bin(head));
        params.push(RedisParameter::Int64(keys.len() as i64));
        params.extend(keys.iter().map(|k| bin(k.as_str())));
        params.extend(args.iter().cloned());
        conn.execute(name.to_string(), params)
    };
    match call("EVALSHA").await {
        Err(e) if is_noscript(&e) => call("EVAL").await,
        other => other,
    }
}

fn unexpected(what: &str, got: &[RedisResult]) -> Error {
    Error::Internal(format!("unexpected Redis reply to {what}: {got:?}"))
}

fn number(r: &RedisResult) -> Option<Option<u64>> {
    match r {
        RedisResult::Nil => Some(None),
        RedisResult::Int64(n) => u64::try_from(*n).ok().map(Some),
        RedisResult::Binary(b) => std::str::from_utf8(b).ok()?.parse().ok().map(Some),
        RedisResult::Status(s) => s.parse().ok().map(Some),
    }
}

fn text(r: &RedisResult) -> Option<String> {
    match r {
        RedisResult::Binary(b) => String::from_utf8(b.clone()).ok(),
        RedisResult::Status(s) => Some(s.clone()),
        _ => None,
    }
}

/// What one event adds to one shard.
pub struct EventWrite<'a> {
    /// The slice.
    pub slice: u64,
    /// The user's keyed hash.
    pub user_hash: &'a [u8; 16],
    /// Click or impression.
    pub kind: Kind,
    /// Whether the slice had ended when the event arrived.
    pub late: bool,
    /// Epoch seconds at which the slice's keys expire (`None`: keep).
    pub expire_at: Option<i64>,
    /// The HyperLogLog element (`None`: no HyperLogLog).
    pub hll_element: Option<&'a [u8; 16]>,
    /// The keyed hash of the client's event id (`None`: the event carries no id).
    pub id_hash: Option<&'a [u8; 16]>,
}

/// What recording an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Counted; `true` when the user was new in the slice.
    Counted(bool),
    /// Its event id was counted before: nothing changed.
    Repeat,
}

/// Counts one event with one atomic script call.
pub async fn record(
    conn: &Connection,
    keys: Keys<'_>,
    w: &EventWrite<'_>,
) -> Result<Recorded, Error> {
    let k = [
        keys.users(w.slice),
        keys.counts(w.slice),
        keys.hll(w.slice),
        keys.ids(w.slice),
    ];
    let args = [
        bin(&w.user_hash[..]),
        bin(w.kind.counter()),
        bin(if w.late { "1" } else { "0" }),
        RedisParameter::Int64(w.expire_at.unwrap_or(0)),
        bin(w.hll_element.map(|e| e.to_vec()).unwrap_or_default()),
        bin(w.id_hash.map(|e| e.to_vec()).unwrap_or_default()),
    ];
    let got = eval(conn, &scripts::EVENT, &k, &args).await?;
    match got.as_slice() {
        [RedisResult::Int64(-1)] => Ok(Recorded::Repeat),
        [RedisResult::Int64(n)] => Ok(Recorded::Counted(*n == 1)),
        other => Err(unexpected("the event script", other)),
    }
}

/// The counters of `slices` on one shard (zeros where a slice has none).
pub async fn counts(
    conn: &Connection,
    keys: Keys<'_>,
    slices: &[u64],
) -> Result<Vec<Counts>, Error> {
    let hashes: Vec<String> = slices.iter().map(|&s| keys.counts(s)).collect();
    let got = if let [one] = hashes.as_slice() {
        let fields = ["unique_users", "clicks", "impressions", "late"];
        let args = std::iter::once(bin(one.as_str())).chain(fields.iter().map(|f| bin(*f)));
        conn.execute("HMGET", args).await?
    } else {
        eval(conn, &scripts::READ, &hashes, &[]).await?
    };
    if got.len() != 4 * slices.len() {
        return Err(unexpected("reading counters", &got));
    }
    got.chunks(4)
        .map(|c| {
            let f = |i: usize| number(&c[i]).ok_or_else(|| unexpected("reading counters", c));
            Ok(Counts::from_fields([f(0)?, f(1)?, f(2)?, f(3)?]))
        })
        .collect()
}

/// Records `placement` for `slice` in the registry unless one is recorded; returns the
/// recorded one.
pub async fn register(
    home: &Connection,
    keys: Keys<'_>,
    slice: u64,
    placement: &Placement,
) -> Result<Placement, Error> {
    let args = [bin(slice.to_string()), bin(placement.fingerprint())];
    let got = eval(home, &scripts::REGISTER, &[keys.placements()], &args).await?;
    got.first()
        .and_then(text)
        .and_then(|t| Placement::from_fingerprint(&t))
        .ok_or_else(|| unexpected("recording a placement", &got))
}

/// The recorded placements of `slices` (`None` where a slice has none).
pub async fn recorded(
    home: &Connection,
    keys: Keys<'_>,
    slices: &[u64],
) -> Result<Vec<Option<Placement>>, Error> {
    let args =
        std::iter::once(bin(keys.placements())).chain(slices.iter().map(|s| bin(s.to_string())));
    let got = home.execute("HMGET", args).await?;
    if got.len() != slices.len() {
        return Err(unexpected("reading placements", &got));
    }
    Ok(got
        .iter()
        .map(|r| text(r).and_then(|t| Placement::from_fingerprint(&t)))
        .collect())
}

/// Every recorded placement, by slice.
pub async fn all_recorded(
    home: &Connection,
    keys: Keys<'_>,
) -> Result<Vec<(u64, Placement)>, Error> {
    let got = home.execute("HGETALL", [bin(keys.placements())]).await?;
    let mut out: Vec<(u64, Placement)> = got
        .chunks(2)
        .filter_map(|pair| {
            let slice = text(pair.first()?)?.parse().ok()?;
            Some((slice, Placement::from_fingerprint(&text(pair.get(1)?)?)?))
        })
        .collect();
    out.sort_by_key(|(s, _)| *s);
    Ok(out)
}

/// The union of `slices`' HyperLogLogs on one shard, as a HyperLogLog image.
pub async fn hll_union(
    conn: &Connection,
    keys: Keys<'_>,
    slices: &[u64],
) -> Result<Vec<u8>, Error> {
    let k: Vec<String> = std::iter::once(keys.scratch(0))
        .chain(slices.iter().map(|&s| keys.hll(s)))
        .collect();
    let got = eval(conn, &scripts::HLL_UNION, &k, &[]).await?;
    match got.as_slice() {
        [RedisResult::Binary(b)] => Ok(b.clone()),
        other => Err(unexpected("merging HyperLogLogs", other)),
    }
}

/// The estimated cardinality of the union of HyperLogLog `images`.
pub async fn hll_count(
    home: &Connection,
    keys: Keys<'_>,
    images: Vec<Vec<u8>>,
) -> Result<u64, Error> {
    if images.is_empty() {
        return Ok(0);
    }
    let k: Vec<String> = (1..=images.len()).map(|i| keys.scratch(i)).collect();
    let args: Vec<RedisParameter> = images.into_iter().map(RedisParameter::Binary).collect();
    let got = eval(home, &scripts::HLL_COUNT, &k, &args).await?;
    match got.as_slice() {
        [RedisResult::Int64(n)] if *n >= 0 => Ok(*n as u64),
        other => Err(unexpected("counting HyperLogLogs", other)),
    }
}

/// `PING`.
pub async fn ping(conn: &Connection) -> Result<(), Error> {
    conn.execute("PING", []).await?;
    Ok(())
}
