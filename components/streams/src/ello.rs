//! The Ello Streams API's data: stream items in and out, coalesce bodies, page
//! parameters and `Link` headers. No I/O here.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cursor::Cursor;
use crate::model::{Ksm, Op, Write};
use crate::query::{Query, Window};
use crate::shard::stream_key;

/// The page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 10;
/// The largest page; a bigger `limit` is lowered to it.
pub const MAX_LIMIT: usize = 1000;

/// A stream item as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The content id.
    pub id: String,
    /// When it was posted, RFC 3339 in UTC.
    pub ts: String,
    /// 0 post, 1 repost.
    #[serde(rename = "type")]
    pub kind: i64,
    /// The stream it is in.
    pub stream_id: String,
}

/// The member stored for an item: exactly these fields in this order, so a delete
/// rebuilds the bytes of the insert.
#[derive(Serialize, Deserialize)]
struct Member {
    content_id: String,
    stream_id: String,
    #[serde(rename = "type")]
    kind: i64,
}

/// A request the API refuses with 422, saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

fn string_field(item: &Value, i: usize, name: &str) -> Result<String, Invalid> {
    match item.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Invalid(format!("item {i}: `{name}` must be a string"))),
        None => Err(Invalid(format!("item {i}: `{name}` is missing"))),
    }
}

/// Parses a `PUT`/`DELETE /streams` body into writes of `op`.
pub fn parse_items(body: &[u8], op: Op) -> Result<Vec<Write>, Invalid> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| Invalid(format!("body is not JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(Invalid("body must be a JSON array of items".into()));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if !item.is_object() {
                return Err(Invalid(format!("item {i} is not an object")));
            }
            let id = string_field(item, i, "id")?;
            let stream_id = string_field(item, i, "stream_id")?;
            let ts = string_field(item, i, "ts")?;
            let nanos = DateTime::parse_from_rfc3339(&ts)
                .ok()
                .and_then(|t| t.timestamp_nanos_opt())
                .ok_or_else(|| {
                    Invalid(format!(
                        "item {i}: `ts` {ts:?} is not an RFC 3339 time (1677..2262)"
                    ))
                })?;
            let kind = match item.get("type") {
                Some(t) => t
                    .as_i64()
                    .ok_or_else(|| Invalid(format!("item {i}: `type` {t} is not an integer")))?,
                None => return Err(Invalid(format!("item {i}: `type` is missing"))),
            };
            let member = serde_json::to_vec(&Member {
                content_id: id,
                stream_id: stream_id.clone(),
                kind,
            })
            .expect("a member serializes");
            Ok(Write {
                op,
                item: Ksm::new(stream_key(&stream_id), nanos as f64, member),
            })
        })
        .collect()
}

/// Parses a coalesce body `{"streams":["id",...]}` into stream ids.
pub fn parse_streams(body: &[u8]) -> Result<Vec<String>, Invalid> {
    #[derive(Deserialize)]
    struct Body {
        streams: Vec<String>,
    }
    serde_json::from_slice::<Body>(body)
        .map(|b| b.streams)
        .map_err(|e| {
            Invalid(format!(
                "body must be {{\"streams\":[\"<stream id>\",...]}}: {e}"
            ))
        })
}

/// The item an element shows as, if its member is an Ello member.
pub fn item(ksm: &Ksm) -> Option<Item> {
    let m: Member = serde_json::from_slice(&ksm.member).ok()?;
    let ts = DateTime::<Utc>::from_timestamp_nanos(ksm.score as i64);
    Some(Item {
        id: m.content_id,
        ts: ts.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        kind: m.kind,
        stream_id: m.stream_id,
    })
}

/// Reads `limit`, `from` and `before` into a query.
pub fn parse_query(params: &tally_common::params::Params) -> Result<Query, Invalid> {
    let limit = match params.get("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => n.min(MAX_LIMIT),
            _ => return Err(Invalid(format!("`limit` {v:?} is not a positive integer"))),
        },
    };
    let cursor = |name: &str| {
        params
            .get(name)
            .map(|v| Cursor::parse(v).map_err(|e| Invalid(format!("`{name}`: {e}"))))
            .transpose()
    };
    let window = match (cursor("from")?, cursor("before")?) {
        (Some(_), Some(_)) => return Err(Invalid("`from` and `before` cannot be combined".into())),
        (Some(c), None) => Window::After(c),
        (None, Some(c)) => Window::Before(c),
        (None, None) => Window::Top { offset: 0 },
    };
    Ok(Query {
        window,
        stop: None,
        limit,
    })
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `Link` header of a page at `path`, if any: `rel="next"` from the last element
/// when a forward page is full, `rel="prev"` from the first when a backward page is.
pub fn link(path: &str, query: &Query, page: &[Ksm]) -> Option<String> {
    if page.len() < query.limit {
        return None;
    }
    let (param, rel, at) = match query.window {
        Window::Before(_) => ("before", "prev", page.first()?),
        _ => ("from", "next", page.last()?),
    };
    let cursor = Cursor::new(at.score, at.member.clone()).to_string();
    Some(format!(
        "<{path}?limit={}&{param}={}>; rel=\"{rel}\"",
        query.limit,
        escape(&cursor)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_common::params::Params;

    #[test]
    fn items_become_writes_and_come_back_in_utc() {
        let body =
            br#"[{"id":"42","ts":"2015-10-28T19:08:12.123456789+02:00","type":1,"stream_id":"7"}]"#;
        let writes = parse_items(body, Op::Insert).unwrap();
        assert_eq!(writes.len(), 1);
        let w = &writes[0];
        assert_eq!(w.op, Op::Insert);
        assert_eq!(w.item.key, stream_key("7"));
        assert_eq!(
            w.item.member,
            br#"{"content_id":"42","stream_id":"7","type":1}"#
        );
        let back = item(&w.item).unwrap();
        assert_eq!(back.id, "42");
        assert_eq!(back.stream_id, "7");
        assert_eq!(back.kind, 1);
        // float64 nanoseconds keep about 256 ns of precision at this date
        assert!(
            back.ts.starts_with("2015-10-28T17:08:12.1234567"),
            "{}",
            back.ts
        );
        assert!(back.ts.ends_with('Z'));
        // the delete of the same item hits the same key, member and score
        let del = parse_items(body, Op::Delete).unwrap();
        assert_eq!(del[0].item, w.item);
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        for (body, why) in [
            (&b"{}"[..], "array"),
            (b"nope", "not JSON"),
            (b"[1]", "item 0 is not an object"),
            (
                br#"[{"ts":"2015-10-28T17:08:12Z","type":0,"stream_id":"1"}]"#,
                "`id` is missing",
            ),
            (
                br#"[{"id":5,"ts":"2015-10-28T17:08:12Z","type":0,"stream_id":"1"}]"#,
                "`id` must be a string",
            ),
            (
                br#"[{"id":"5","ts":"yesterday","type":0,"stream_id":"1"}]"#,
                "`ts`",
            ),
            (
                br#"[{"id":"5","ts":"2015-10-28T17:08:12Z","type":"post","stream_id":"1"}]"#,
                "`type`",
            ),
            (
                br#"[{"id":"5","ts":"2015-10-28T17:08:12Z","type":1.5,"stream_id":"1"}]"#,
                "`type`",
            ),
        ] {
            let e = parse_items(body, Op::Insert).unwrap_err();
            assert!(
                e.0.contains(why),
                "{}: {e:?}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(parse_streams(br#"{"streams":"1"}"#).is_err());
        assert_eq!(
            parse_streams(br#"{"streams":["1","2"]}"#).unwrap(),
            ["1", "2"]
        );
    }

    #[test]
    fn page_parameters() {
        let q = parse_query(&Params::from_query(None)).unwrap();
        assert_eq!(q, Query::top(10));
        let q = parse_query(&Params::from_query(Some("limit=5000"))).unwrap();
        assert_eq!(q.limit, 1000);
        for bad in [
            "limit=x",
            "limit=0",
            "limit=-1",
            "from=zz",
            "before=1",
            "from=0A&before=0A",
        ] {
            assert!(
                parse_query(&Params::from_query(Some(bad))).is_err(),
                "{bad}"
            );
        }
        let e = parse_query(&Params::from_query(Some("from=12"))).unwrap_err();
        assert!(e.0.contains("`from`") && e.0.contains("cursor"), "{e:?}");
        let c = Cursor::new(1.0, b"\xfb\xff".to_vec());
        let q = parse_query(&Params::from_query(Some(&format!(
            "from={}",
            escape(&c.to_string())
        ))))
        .unwrap();
        assert_eq!(q.window, Window::After(c));
    }

    #[test]
    fn link_headers() {
        let page = vec![Ksm::new("k", 2.0, "b"), Ksm::new("k", 1.0, "\u{fb}")];
        let q = Query::top(2);
        let link = link("/streams/coalesce", &q, &page).unwrap();
        let cursor = Cursor::new(1.0, "\u{fb}".as_bytes().to_vec()).to_string();
        assert_eq!(
            link,
            format!(
                "</streams/coalesce?limit=2&from={}>; rel=\"next\"",
                escape(&cursor)
            )
        );
        assert!(link.contains("%3D"), "the padding is escaped: {link}");
        assert_eq!(super::link("/s", &Query::top(3), &page), None);
        let back = Query {
            window: Window::Before(Cursor::new(0.0, vec![])),
            stop: None,
            limit: 2,
        };
        assert!(
            super::link("/s", &back, &page)
                .unwrap()
                .ends_with("rel=\"prev\"")
        );
    }
}
