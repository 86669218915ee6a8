//! roshi-server's JSON API: base64 keys and members, insert/delete bodies, select
//! parameters and replies. No I/O here.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::cursor::{Cursor, decode_base64, encode_std};
use crate::model::{Ksm, Op, Write};
use crate::query::{Query, Window};

/// The page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 10;
/// The largest `limit` (and `offset + limit`) accepted.
pub const MAX_LIMIT: usize = 10_000;

/// A request refused with 400, saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

#[derive(Deserialize)]
struct RawKsm {
    key: String,
    score: f64,
    member: String,
}

fn b64(field: &str, i: usize, text: &str) -> Result<Vec<u8>, Invalid> {
    decode_base64(text).ok_or_else(|| Invalid(format!("element {i}: `{field}` is not base64")))
}

/// Parses an insert or delete body `[{"key","score","member"}]` into writes of `op`.
pub fn parse_writes(body: &[u8], op: Op) -> Result<Vec<Write>, Invalid> {
    let raw: Vec<Value> = serde_json::from_slice(body).map_err(|e| {
        Invalid(format!(
            "body must be a JSON array of {{\"key\",\"score\",\"member\"}}: {e}"
        ))
    })?;
    raw.into_iter()
        .enumerate()
        .map(|(i, v)| {
            let r: RawKsm =
                serde_json::from_value(v).map_err(|e| Invalid(format!("element {i}: {e}")))?;
            if !r.score.is_finite() {
                return Err(Invalid(format!("element {i}: `score` must be finite")));
            }
            Ok(Write {
                op,
                item: Ksm::new(
                    b64("key", i, &r.key)?,
                    r.score,
                    b64("member", i, &r.member)?,
                ),
            })
        })
        .collect()
}

/// Parses a select body `["<base64 key>",...]`.
pub fn parse_keys(body: &[u8]) -> Result<Vec<Vec<u8>>, Invalid> {
    let raw: Vec<String> = serde_json::from_slice(body)
        .map_err(|e| Invalid(format!("body must be a JSON array of base64 keys: {e}")))?;
    raw.iter()
        .enumerate()
        .map(|(i, k)| decode_base64(k).ok_or_else(|| Invalid(format!("key {i} is not base64"))))
        .collect()
}

/// A select's parameters: the query and whether to coalesce.
pub fn parse_select(params: &tally_common::params::Params) -> Result<(Query, bool), Invalid> {
    let number = |name: &str, default: usize| -> Result<usize, Invalid> {
        match params.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| Invalid(format!("`{name}` {v:?} is not a non-negative integer"))),
        }
    };
    let limit = number("limit", DEFAULT_LIMIT)?;
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Invalid(format!("`limit` must be 1 to {MAX_LIMIT}")));
    }
    let cursor = |name: &str| {
        params
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| Cursor::parse(v).map_err(|e| Invalid(format!("`{name}`: {e}"))))
            .transpose()
    };
    let (start, stop) = (cursor("start")?, cursor("stop")?);
    let window = match (params.get("offset"), start) {
        (Some(_), Some(_)) => {
            return Err(Invalid(
                "`offset` and `start`/`stop` cannot be combined".into(),
            ));
        }
        (Some(_), None) if stop.is_some() => {
            return Err(Invalid(
                "`offset` and `start`/`stop` cannot be combined".into(),
            ));
        }
        (_, Some(c)) => Window::After(c),
        (_, None) => Window::Top {
            offset: number("offset", 0)?,
        },
    };
    if let Window::Top { offset } = window
        && offset + limit > MAX_LIMIT
    {
        return Err(Invalid(format!(
            "`offset` + `limit` must be at most {MAX_LIMIT}"
        )));
    }
    let coalesce = match params.get("coalesce").map(str::trim) {
        None | Some("false" | "0" | "") => false,
        Some("true" | "1") => true,
        Some(v) => {
            return Err(Invalid(format!(
                "`coalesce` {v:?} is neither true nor false"
            )));
        }
    };
    Ok((
        Query {
            window,
            stop,
            limit,
        },
        coalesce,
    ))
}

/// An element as roshi-server writes it.
pub fn record(ksm: &Ksm) -> Value {
    json!({ "key": encode_std(&ksm.key), "score": ksm.score, "member": encode_std(&ksm.member) })
}

/// A duration the way Go prints one (`"1.234ms"`).
pub fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    let (value, unit) = match nanos {
        0..1_000 => return format!("{nanos}ns"),
        1_000..1_000_000 => (nanos as f64 / 1e3, "µs"),
        1_000_000..1_000_000_000 => (nanos as f64 / 1e6, "ms"),
        _ => (nanos as f64 / 1e9, "s"),
    };
    let text = format!("{value:.6}");
    format!("{}{unit}", text.trim_end_matches('0').trim_end_matches('.'))
}

/// The select reply: records per base64 key, or one coalesced list.
pub fn select_reply(
    keys: &[Vec<u8>],
    pages: Vec<Vec<Ksm>>,
    coalesced: Option<Vec<Ksm>>,
    took: Duration,
) -> Value {
    let records = match coalesced {
        Some(items) => Value::Array(items.iter().map(record).collect()),
        None => {
            let map: BTreeMap<String, Value> = keys
                .iter()
                .zip(pages)
                .map(|(k, page)| {
                    (
                        encode_std(k),
                        Value::Array(page.iter().map(record).collect()),
                    )
                })
                .collect();
            json!(map)
        }
    };
    json!({ "records": records, "duration": go_duration(took) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_common::params::Params;

    #[test]
    fn writes_decode_base64_in_either_alphabet() {
        let body =
            br#"[{"key":"Zm9v","score":1.5,"member":"+/8="},{"key":"","score":-2,"member":""}]"#;
        let w = parse_writes(body, Op::Delete).unwrap();
        assert_eq!(w[0].item, Ksm::new("foo", 1.5, b"\xfb\xff".to_vec()));
        assert_eq!(w[1].item, Ksm::new("", -2.0, ""));
        assert!(w.iter().all(|w| w.op == Op::Delete));
        for bad in [
            &b"{}"[..],
            br#"[{"key":"!","score":1,"member":""}]"#,
            br#"[{"key":"","score":"1","member":""}]"#,
            br#"[{"key":"","member":""}]"#,
        ] {
            assert!(
                parse_writes(bad, Op::Insert).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            parse_keys(br#"["Zm9v",""]"#).unwrap(),
            [b"foo".to_vec(), vec![]]
        );
        assert!(parse_keys(br#"[1]"#).is_err());
    }

    #[test]
    fn select_parameters() {
        let p = |q: &str| parse_select(&Params::from_query(Some(q)));
        assert_eq!(p("").unwrap(), (Query::top(10), false));
        let (q, c) = p("offset=5&limit=3&coalesce=true").unwrap();
        assert_eq!((q.window, q.limit, c), (Window::Top { offset: 5 }, 3, true));
        let (q, _) = p("start=0A&stop=4607182418800017408A").unwrap();
        assert_eq!(q.window, Window::After(Cursor::new(0.0, vec![])));
        assert_eq!(q.stop, Some(Cursor::new(1.0, vec![])));
        for bad in [
            "offset=1&start=0A",
            "offset=1&stop=0A",
            "limit=x",
            "limit=0",
            "start=x",
            "coalesce=maybe",
            "offset=-1",
        ] {
            let e = p(bad).unwrap_err();
            assert!(e.0.contains('`'), "{bad}: {e:?}");
        }
    }

    #[test]
    fn replies_look_like_roshi_servers() {
        let reply = select_reply(
            &[b"k".to_vec()],
            vec![vec![Ksm::new("k", 2.0, "m")]],
            None,
            Duration::from_micros(1500),
        );
        assert_eq!(
            reply,
            json!({"records": {"aw==": [{"key": "aw==", "score": 2.0, "member": "bQ=="}]}, "duration": "1.5ms"})
        );
        assert_eq!(go_duration(Duration::from_nanos(12)), "12ns");
        assert_eq!(go_duration(Duration::from_micros(250)), "250µs");
        assert_eq!(go_duration(Duration::from_secs(2)), "2s");
    }
}
