//! The Lua scripts and their arguments. Each write batch, count batch, query and
//! leaderboard is one script call (one Redis round trip). Building the arguments is pure,
//! so the native benchmark calls exactly what the component calls.

use std::sync::OnceLock;

use crate::calendar::{Stamp, days_in_month};
use crate::decompose::{Span, decompose};
use crate::fenwick::{Terms, span_terms};
use crate::input::{Count, Mode, Write};

/// One script argument (Spin's `redis-parameter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// An integer.
    Int(i64),
    /// A string.
    Text(String),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}

/// A Lua script and its SHA-1 (for `EVALSHA`).
#[derive(Debug)]
pub struct Script {
    /// The script's source.
    pub source: String,
    /// Lower-case hex SHA-1 of `source`.
    pub sha: String,
}

impl Script {
    fn new(source: String) -> Script {
        let sha = sha1_smol::Sha1::from(source.as_bytes())
            .digest()
            .to_string();
        Script { source, sha }
    }
}

const LIB: &str = include_str!("lua/lib.lua");

fn cached(cell: &'static OnceLock<Script>, body: &str, with_lib: bool) -> &'static Script {
    cell.get_or_init(|| {
        let source = if with_lib {
            format!("{LIB}\n{body}")
        } else {
            body.to_string()
        };
        Script::new(source)
    })
}

/// The write script (`lua/write.lua`).
pub fn write_script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    cached(&S, include_str!("lua/write.lua"), true)
}

/// The query script (`lua/query.lua`).
pub fn query_script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    cached(&S, include_str!("lua/query.lua"), true)
}

/// The count script (`lua/count.lua`).
pub fn count_script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    cached(&S, include_str!("lua/count.lua"), false)
}

/// The leaderboard script (`lua/leaderboard.lua`).
pub fn leaderboard_script() -> &'static Script {
    static S: OnceLock<Script> = OnceLock::new();
    cached(&S, include_str!("lua/leaderboard.lua"), false)
}

/// Storage settings the scripts need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Prepended to every key (empty: the original's key layout).
    pub prefix: String,
    /// TTL of the metric and leaderboard keys, refreshed on write.
    pub expire_seconds: i64,
    /// TTL of the counter keys.
    pub count_expire_seconds: i64,
    /// Whether writes maintain the leaderboard sorted sets.
    pub leaderboards: bool,
}

impl Layout {
    /// The stem of user `uid`'s keys for thing id `thing` (`<prefix>hz:<thing>:<uid>:`).
    pub fn metric_stem(&self, thing: u8, uid: i64) -> String {
        format!("{}hz:{thing}:{uid}:", self.prefix)
    }

    /// The stem of counter `name`'s keys (`<prefix>c:<name>:`).
    pub fn counter_stem(&self, name: &str) -> String {
        format!("{}c:{name}:", self.prefix)
    }

    /// The stem of the leaderboard sets (`<prefix>lb:<thing>:<atid or all>:`).
    pub fn leaderboard_stem(&self, thing: u8, atid: &str) -> String {
        let atid = if atid.is_empty() { "all" } else { atid };
        format!("{}lb:{thing}:{atid}:", self.prefix)
    }
}

fn push_spans(args: &mut Vec<Arg>, spans: &[Span]) {
    for s in spans {
        args.push(Arg::Text(s.parent.clone()));
        args.push(Arg::Int(s.lo.into()));
        args.push(Arg::Int(s.hi.into()));
    }
}

/// Arguments of the write script for `writes` (applied in order).
pub fn write_args(layout: &Layout, writes: &[Write]) -> Vec<Arg> {
    let mut args = vec![
        Arg::Text(layout.prefix.clone()),
        Arg::Int(layout.expire_seconds),
        Arg::Text(if layout.leaderboards { "1" } else { "0" }.into()),
    ];
    for w in writes {
        let spans = match w.mode {
            Mode::Diffadd => decompose(w.ts1, w.ts2),
            Mode::Increment => Vec::new(),
        };
        let mode = if w.mode == Mode::Diffadd { "d" } else { "i" };
        let at = Stamp::from_ts(w.ts2);
        args.extend([
            Arg::from(mode),
            Arg::Int(w.thing.id().into()),
            Arg::Int(w.uid),
            Arg::Int(w.atid),
            Arg::Int(w.aid),
            Arg::Int(w.value),
            Arg::Text(at.second_bucket()),
            Arg::Int(days_in_month(at.year, at.month).into()),
            Arg::Text(w.id.clone().unwrap_or_default()),
            Arg::Int(spans.len() as i64),
        ]);
        push_spans(&mut args, &spans);
    }
    args
}

/// Arguments of the count script for `counts`.
pub fn count_args(layout: &Layout, counts: &[Count]) -> Vec<Arg> {
    let mut args = vec![
        Arg::Text(layout.prefix.clone()),
        Arg::Int(layout.count_expire_seconds),
    ];
    for c in counts {
        args.push(Arg::Text(c.name.clone()));
        args.push(Arg::Int(c.value));
        args.push(Arg::Text(Stamp::from_ts(c.ts).second_bucket()));
        args.push(Arg::Text(c.id.clone().unwrap_or_default()));
    }
    args
}

/// What the query script reads and returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryMode {
    /// Sums from the sums hashes (a few fields per span, whatever the number of
    /// activities and the span's length).
    Sums,
    /// Sums, and the activities listed in each child of the window.
    SumsAndAids,
    /// Sums of counters.
    Counters,
}

/// Arguments of the query script: `sets` are the distinct windows' spans, `groups` the
/// (key stem, index into `sets`) whose sums are wanted, in reply order. Each span carries
/// the sums-hash fields to add and subtract ([`span_terms`]; none for counters).
pub fn query_args(
    mode: QueryMode,
    atid: &str,
    sets: &[Vec<Span>],
    groups: &[(String, usize)],
) -> Vec<Arg> {
    let name = match mode {
        QueryMode::Sums => "s",
        QueryMode::SumsAndAids => "d",
        QueryMode::Counters => "c",
    };
    let mut args = vec![
        Arg::from(name),
        Arg::from(atid),
        Arg::Int(sets.len() as i64),
    ];
    for set in sets {
        args.push(Arg::Int(set.len() as i64));
        for span in set {
            // counters keep one field per child: no sums hash
            let terms = match mode {
                QueryMode::Counters => Terms::default(),
                _ => span_terms(span),
            };
            push_spans(&mut args, std::slice::from_ref(span));
            args.push(Arg::Int(terms.plus.len() as i64));
            args.push(Arg::Int(terms.minus.len() as i64));
            args.extend(terms.plus.into_iter().chain(terms.minus).map(Arg::Text));
        }
    }
    for (stem, set) in groups {
        args.push(Arg::Text(stem.clone()));
        args.push(Arg::Int(*set as i64 + 1));
    }
    args
}

/// Arguments of the leaderboard script.
pub fn leaderboard_args(
    layout: &Layout,
    thing: u8,
    atid: &str,
    limit: u32,
    spans: &[Span],
) -> Vec<Arg> {
    let stem = layout.leaderboard_stem(thing, atid);
    let mut args = vec![
        Arg::Text(stem.clone()),
        Arg::Text(format!("{stem}scratch")),
        Arg::Int(limit.into()),
    ];
    push_spans(&mut args, spans);
    args
}

#[cfg(test)]
mod tests;
