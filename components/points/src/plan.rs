//! Query planning and result assembly, without I/O: which windows and key stems one
//! query script call covers, and what its flat reply means.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::decompose::{Span, decompose};
use crate::scripts::{Arg, Layout, QueryMode, query_args};
use crate::things::{Atid, Thing};

/// One element of a script's (flattened) reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An integer reply.
    Int(i64),
    /// A bulk or status string.
    Bytes(Vec<u8>),
    /// A nil reply.
    Nil,
}

/// A malformed script reply (a bug or a foreign script under our SHA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadReply(pub String);

impl std::fmt::Display for BadReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected script reply: {}", self.0)
    }
}

impl std::error::Error for BadReply {}

/// The windows and groups of one query script call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    windows: Vec<(i64, i64)>,
    /// The spans of each distinct window.
    pub sets: Vec<Vec<Span>>,
    /// (key stem, window index) per group, in reply order.
    pub groups: Vec<(String, usize)>,
}

impl Plan {
    /// The index of window `[start, end]`, decomposed once however many groups use it.
    pub fn window(&mut self, start: i64, end: i64) -> usize {
        if let Some(i) = self.windows.iter().position(|w| *w == (start, end)) {
            return i;
        }
        self.windows.push((start, end));
        self.sets.push(decompose(start, end));
        self.sets.len() - 1
    }

    /// Adds a group: the sum of the keys under `stem` over window `set`.
    pub fn group(&mut self, stem: String, set: usize) {
        self.groups.push((stem, set));
    }

    /// Whether the call would read nothing (every window empty): its sums are all 0.
    pub fn reads_nothing(&self) -> bool {
        self.sets.iter().all(Vec::is_empty)
    }

    /// The script arguments.
    pub fn args(&self, mode: QueryMode, atid: &str) -> Vec<Arg> {
        query_args(mode, atid, &self.sets, &self.groups)
    }
}

/// The users of a query, once each in first-seen order, with their offsets (seconds the
/// window is shifted by; `offsets` empty means 0 for everyone).
pub fn users_with_offsets(uids: &[i64], offsets: &[i64]) -> Vec<(i64, i64)> {
    let mut seen = HashSet::new();
    uids.iter()
        .enumerate()
        .filter(|(_, uid)| seen.insert(**uid))
        .map(|(i, uid)| (*uid, offsets.get(i).copied().unwrap_or(0)))
        .collect()
}

/// The plan of a metric query: one group per (user, thing), user-major.
pub fn metric_plan(
    layout: &Layout,
    users: &[(i64, i64)],
    things: &[Thing],
    start: i64,
    end: i64,
) -> Plan {
    let mut plan = Plan::default();
    for (uid, offset) in users {
        let set = plan.window(start.saturating_add(*offset), end.saturating_add(*offset));
        for thing in things {
            plan.group(layout.metric_stem(thing.id(), *uid), set);
        }
    }
    plan
}

/// What the script returned for one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupResult {
    /// The window sum.
    pub sum: i64,
    /// `aid:atid` of each activity seen, comma-separated, first-seen order, possibly
    /// repeated (mode `SumsAndAids` only).
    pub aids: String,
}

/// Splits a query script reply into `groups` results.
pub fn parse_groups(
    reply: &[Reply],
    groups: usize,
    with_aids: bool,
) -> Result<Vec<GroupResult>, BadReply> {
    let width = if with_aids { 2 } else { 1 };
    if reply.len() != groups * width {
        return Err(BadReply(format!(
            "{} elements for {groups} groups",
            reply.len()
        )));
    }
    reply
        .chunks(width)
        .map(|chunk| {
            let sum = match chunk[0] {
                Reply::Int(v) => v,
                ref other => return Err(BadReply(format!("sum {other:?}"))),
            };
            let aids = match chunk.get(1) {
                Some(Reply::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                Some(other) => return Err(BadReply(format!("aids {other:?}"))),
                None => String::new(),
            };
            Ok(GroupResult { sum, aids })
        })
        .collect()
}

/// The (aid, atid) pairs of an activity list; an aid or atid that is not an integer is
/// left out, as the original did.
pub fn aids(text: &str) -> impl Iterator<Item = (i64, i64)> + '_ {
    text.split(',').filter_map(|pair| {
        let (aid, atid) = pair.split_once(':')?;
        Some((aid.parse().ok()?, atid.parse().ok()?))
    })
}

/// A multiplicative hasher for the aid sets (tens of thousands of integer inserts per
/// query; SipHash's DoS resistance is not needed for ids read back from our own store).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
}

/// One user's answer: a sum per thing, and the atid of each first-seen aid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserResult {
    /// The user.
    pub uid: i64,
    /// (thing, sum) in the order asked.
    pub sums: Vec<(Thing, i64)>,
    /// The atid of each aid first seen in the window, in encounter order.
    pub atids: Vec<i64>,
}

impl UserResult {
    /// No field counted in the window, or (the original's rule) a points sum of 0.
    pub fn is_empty(&self) -> bool {
        self.atids.is_empty()
            || self
                .sums
                .iter()
                .any(|(t, s)| *t == Thing::Points && *s == 0)
    }
}

/// Regroups user-major group results of [`metric_plan`] per user; only activities of
/// `atid` are listed (the activity lists of the totals hashes hold every atid).
pub fn per_user(
    users: &[(i64, i64)],
    things: &[Thing],
    results: &[GroupResult],
    atid: Atid,
) -> Vec<UserResult> {
    users
        .iter()
        .enumerate()
        .map(|(u, (uid, _))| {
            let mine = results.iter().skip(u * things.len()).take(things.len());
            let mut seen: HashSet<i64, BuildHasherDefault<IdHasher>> = HashSet::default();
            let mut user = UserResult {
                uid: *uid,
                sums: Vec::with_capacity(things.len()),
                atids: Vec::new(),
            };
            for (thing, r) in things.iter().zip(mine) {
                user.sums.push((*thing, r.sum));
                for (aid, a) in aids(&r.aids) {
                    if atid.admits(a) && seen.insert(aid) {
                        user.atids.push(a);
                    }
                }
            }
            user
        })
        .collect()
}

/// Parses the leaderboard reply `uid, score, ...` into (uid, value) pairs.
pub fn parse_leaders(reply: &[Reply]) -> Result<Vec<(i64, i64)>, BadReply> {
    let text = |r: &Reply| match r {
        Reply::Bytes(b) => Ok(String::from_utf8_lossy(b).into_owned()),
        Reply::Int(v) => Ok(v.to_string()),
        Reply::Nil => Err(BadReply("nil in leaderboard".into())),
    };
    if !reply.len().is_multiple_of(2) {
        return Err(BadReply(format!("{} leaderboard elements", reply.len())));
    }
    reply
        .chunks(2)
        .map(|pair| {
            let uid = text(&pair[0])?;
            let score = text(&pair[1])?;
            let uid = uid
                .parse()
                .map_err(|_| BadReply(format!("member {uid:?}")))?;
            let score: f64 = score
                .parse()
                .map_err(|_| BadReply(format!("score {score:?}")))?;
            Ok((uid, score.round() as i64))
        })
        .collect()
}

#[cfg(test)]
mod tests;
