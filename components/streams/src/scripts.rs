//! The Lua scripts and their calling conventions: arguments built from typed requests,
//! flat Spin replies decoded back. No I/O here.

use spin_sdk::redis::{RedisParameter, RedisResult};

use crate::model::{Ksm, Op, Write};
use crate::query::{Query, Window};
use crate::reconcile::State;
use crate::shard::side_key;

/// Applies writes by the LWW rules (see `lua/write.lua`).
pub const WRITE: &str = include_str!("lua/write.lua");
/// Reads pages of many keys (see `lua/select.lua`).
pub const SELECT: &str = include_str!("lua/select.lua");
/// Looks members up on both sides (see `lua/scores.lua`).
pub const SCORES: &str = include_str!("lua/scores.lua");
/// Reads both sides of whole keys (see `lua/dump.lua`).
pub const DUMP: &str = include_str!("lua/dump.lua");

/// A reply that is not what a script returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyError(pub String);

impl std::fmt::Display for ReplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected script reply: {}", self.0)
    }
}

impl std::error::Error for ReplyError {}

/// An `EVAL` call: the arguments after the command name.
pub fn eval(script: &str, keys: Vec<Vec<u8>>, args: Vec<RedisParameter>) -> Vec<RedisParameter> {
    let mut out = Vec::with_capacity(2 + keys.len() + args.len());
    out.push(RedisParameter::Binary(script.as_bytes().to_vec()));
    out.push(RedisParameter::Int64(keys.len() as i64));
    out.extend(keys.into_iter().map(RedisParameter::Binary));
    out.extend(args);
    out
}

fn bin(bytes: impl Into<Vec<u8>>) -> RedisParameter {
    RedisParameter::Binary(bytes.into())
}

/// A score as Redis and Lua both read it back exactly (shortest round-trip decimal).
pub fn score_arg(score: f64) -> Vec<u8> {
    format!("{score}").into_bytes()
}

/// The `EVAL` arguments applying `writes` (all on one instance).
pub fn write_args(prefix: &[u8], max_size: u64, writes: &[&Write]) -> Vec<RedisParameter> {
    let mut keys = Vec::with_capacity(writes.len() * 2);
    let mut args = Vec::with_capacity(1 + writes.len() * 3);
    args.push(RedisParameter::Int64(max_size as i64));
    for w in writes {
        let (own, other, op) = match w.op {
            Op::Insert => (b'+', b'-', "+"),
            Op::Delete => (b'-', b'+', "-"),
        };
        keys.push(side_key(prefix, &w.item.key, own));
        keys.push(side_key(prefix, &w.item.key, other));
        args.push(bin(op));
        args.push(bin(score_arg(w.item.score)));
        args.push(bin(w.item.member.clone()));
    }
    eval(WRITE, keys, args)
}

/// How many writes a reply of the write script says were applied.
pub fn applied(reply: &[RedisResult]) -> Result<usize, ReplyError> {
    reply.iter().try_fold(0, |n, r| match r {
        RedisResult::Int64(v) => Ok(n + *v as usize),
        other => Err(ReplyError(format!("{other:?} from the write script"))),
    })
}

/// The `EVAL` arguments reading `query` from `keys` (all on one instance); with `prune`
/// only the candidates for one merged page are returned.
pub fn select_args(
    prefix: &[u8],
    keys: &[&[u8]],
    query: &Query,
    prune: bool,
) -> Vec<RedisParameter> {
    let (mode, cursor) = match &query.window {
        Window::Top { .. } => ("top", None),
        Window::After(c) => ("after", Some(c)),
        Window::Before(c) => ("before", Some(c)),
    };
    let redis_keys = keys.iter().map(|k| side_key(prefix, k, b'+')).collect();
    let args = vec![
        bin(mode),
        RedisParameter::Int64(query.per_key().max(1) as i64),
        bin(cursor
            .map(|c| score_arg(c.score))
            .unwrap_or_else(|| b"0".to_vec())),
        bin(cursor.map(|c| c.member.clone()).unwrap_or_default()),
        bin(if prune { "1" } else { "0" }),
    ];
    eval(SELECT, redis_keys, args)
}

/// Decodes a Redis score.
pub fn parse_score(bytes: &[u8]) -> Result<f64, ReplyError> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ReplyError(format!("score {:?}", String::from_utf8_lossy(bytes))))
}

/// Decodes the select script's triples into elements of `keys`.
pub fn selected(keys: &[&[u8]], reply: Vec<RedisResult>) -> Result<Vec<Ksm>, ReplyError> {
    if !reply.len().is_multiple_of(3) {
        return Err(ReplyError(format!(
            "{} values from the select script",
            reply.len()
        )));
    }
    let mut out = Vec::with_capacity(reply.len() / 3);
    let mut it = reply.into_iter();
    while let (Some(i), Some(m), Some(s)) = (it.next(), it.next(), it.next()) {
        match (i, m, s) {
            (RedisResult::Int64(i), RedisResult::Binary(member), RedisResult::Binary(score)) => {
                let key = keys
                    .get(i as usize)
                    .ok_or_else(|| ReplyError(format!("key index {i}")))?;
                out.push(Ksm::new(key.to_vec(), parse_score(&score)?, member));
            }
            other => return Err(ReplyError(format!("{other:?} from the select script"))),
        }
    }
    Ok(out)
}

/// The `EVAL` arguments looking up `(key, member)` pairs on both sides.
pub fn scores_args(prefix: &[u8], pairs: &[&(Vec<u8>, Vec<u8>)]) -> Vec<RedisParameter> {
    let mut keys = Vec::with_capacity(pairs.len() * 2);
    let mut args = Vec::with_capacity(pairs.len());
    for (key, member) in pairs {
        keys.push(side_key(prefix, key, b'+'));
        keys.push(side_key(prefix, key, b'-'));
        args.push(bin(member.clone()));
    }
    eval(SCORES, keys, args)
}

fn optional_score(r: &RedisResult) -> Result<Option<f64>, ReplyError> {
    match r {
        RedisResult::Nil => Ok(None),
        RedisResult::Binary(b) => parse_score(b).map(Some),
        other => Err(ReplyError(format!("{other:?} from the scores script"))),
    }
}

/// Decodes the scores script's reply into one state per pair.
pub fn states(reply: &[RedisResult]) -> Result<Vec<State>, ReplyError> {
    reply
        .chunks(2)
        .map(|pair| {
            let [plus, minus] = pair else {
                return Err(ReplyError("odd reply from the scores script".into()));
            };
            Ok(state(optional_score(plus)?, optional_score(minus)?))
        })
        .collect()
}

/// A member's state from its scores on both sides (a member should be on one side only;
/// if both, the higher wins, the remove side on a tie).
pub fn state(plus: Option<f64>, minus: Option<f64>) -> State {
    match (plus, minus) {
        (Some(p), Some(m)) if p > m => Some((p, Op::Insert)),
        (_, Some(m)) => Some((m, Op::Delete)),
        (Some(p), None) => Some((p, Op::Insert)),
        (None, None) => None,
    }
}

/// The `EVAL` arguments reading both sides of `keys` whole.
pub fn dump_args(prefix: &[u8], keys: &[&[u8]]) -> Vec<RedisParameter> {
    let redis_keys = keys
        .iter()
        .flat_map(|k| [side_key(prefix, k, b'+'), side_key(prefix, k, b'-')])
        .collect();
    eval(DUMP, redis_keys, Vec::new())
}

/// Decodes the dump script's reply: per key, the add side and the remove side as
/// `(member, score)` lists.
pub type Sides = (Vec<(Vec<u8>, f64)>, Vec<(Vec<u8>, f64)>);

/// Decodes a dump reply for `n` keys.
pub fn dumped(n: usize, reply: Vec<RedisResult>) -> Result<Vec<Sides>, ReplyError> {
    let mut it = reply.into_iter();
    let mut side = || -> Result<Vec<(Vec<u8>, f64)>, ReplyError> {
        let Some(RedisResult::Int64(len)) = it.next() else {
            return Err(ReplyError("dump without a side length".into()));
        };
        (0..len)
            .map(|_| match (it.next(), it.next()) {
                (Some(RedisResult::Binary(m)), Some(RedisResult::Binary(s))) => {
                    Ok((m, parse_score(&s)?))
                }
                other => Err(ReplyError(format!("{other:?} in a dump"))),
            })
            .collect()
    };
    (0..n).map(|_| Ok((side()?, side()?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;

    fn text(p: &RedisParameter) -> String {
        match p {
            RedisParameter::Binary(b) => String::from_utf8_lossy(b).into_owned(),
            RedisParameter::Int64(i) => i.to_string(),
        }
    }

    #[test]
    fn write_args_swap_sides_for_deletes() {
        let ins = Write {
            op: Op::Insert,
            item: Ksm::new("k", 1.5, "m"),
        };
        let del = Write {
            op: Op::Delete,
            item: Ksm::new("j", 2.0, ""),
        };
        let args: Vec<String> = write_args(b"p:", 10, &[&ins, &del])
            .iter()
            .map(text)
            .collect();
        assert_eq!(args[0], WRITE);
        assert_eq!(
            args[1..],
            [
                "4", "p:k+", "p:k-", "p:j-", "p:j+", "10", "+", "1.5", "m", "-", "2", ""
            ]
        );
    }

    #[test]
    fn scores_survive_the_round_trip_through_text() {
        for s in [
            1.445e18,
            0.1,
            -3.0,
            1e-300,
            1.7976931348623157e308,
            1445000000123456789.0,
        ] {
            assert_eq!(parse_score(&score_arg(s)).unwrap(), s);
        }
        // Redis's own formats.
        assert_eq!(parse_score(b"1.445e+18").unwrap(), 1.445e18);
        assert_eq!(parse_score(b"17").unwrap(), 17.0);
        assert!(parse_score(b"x").is_err());
    }

    #[test]
    fn select_args_name_mode_count_and_cursor() {
        let q = Query {
            window: Window::Top { offset: 5 },
            stop: None,
            limit: 10,
        };
        let args: Vec<String> = select_args(b"p", &[b"a", b"b"], &q, true)
            .iter()
            .map(text)
            .collect();
        assert_eq!(args[1..], ["2", "pa+", "pb+", "top", "15", "0", "", "1"]);
        let q = Query {
            window: Window::Before(Cursor::new(2.5, b"m".to_vec())),
            stop: None,
            limit: 3,
        };
        let args: Vec<String> = select_args(b"", &[b"a"], &q, false)
            .iter()
            .map(text)
            .collect();
        assert_eq!(args[1..], ["1", "a+", "before", "3", "2.5", "m", "0"]);
    }

    #[test]
    fn replies_decode() {
        use RedisResult::*;
        let keys: [&[u8]; 2] = [b"a", b"b"];
        let reply = vec![
            Int64(1),
            Binary(b"m".to_vec()),
            Binary(b"2".to_vec()),
            Int64(0),
            Binary(vec![]),
            Binary(b"1.5".to_vec()),
        ];
        assert_eq!(
            selected(&keys, reply).unwrap(),
            [Ksm::new("b", 2.0, "m"), Ksm::new("a", 1.5, "")]
        );
        assert!(selected(&keys, vec![Int64(2), Binary(vec![]), Binary(b"1".to_vec())]).is_err());
        assert_eq!(applied(&[Int64(1), Int64(0), Int64(1)]).unwrap(), 2);
        let st = states(&[
            Binary(b"3".to_vec()),
            Nil,
            Nil,
            Binary(b"4".to_vec()),
            Nil,
            Nil,
        ])
        .unwrap();
        assert_eq!(st, [Some((3.0, Op::Insert)), Some((4.0, Op::Delete)), None]);
        let dump = vec![
            Int64(1),
            Binary(b"x".to_vec()),
            Binary(b"1".to_vec()),
            Int64(0),
            Int64(0),
            Int64(0),
        ];
        assert_eq!(
            dumped(2, dump).unwrap(),
            [(vec![(b"x".to_vec(), 1.0)], vec![]), (vec![], vec![])]
        );
    }
}
