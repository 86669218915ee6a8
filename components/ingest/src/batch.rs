//! A batch of events: the body formats (JSON array or NDJSON), the batch limits, per-event
//! rejections by index, and dedup inside the batch.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use crate::event::{self, Impression, Outcome, Window};
use crate::fast::{self, RawEvent};

/// The most events one batch may hold (413 beyond).
pub const MAX_EVENTS: usize = 10_000;

/// The largest body one batch may have, in bytes (413 beyond).
pub const MAX_BYTES: usize = 10 << 20;

/// How the body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array of events (or one event object).
    Json,
    /// One JSON event per line.
    Ndjson,
}

impl Format {
    /// The format a `content-type` names: NDJSON for `application/x-ndjson`,
    /// `application/jsonl` and friends; JSON for `application/json`, `*/*+json` or no
    /// header; anything else is refused with a message naming the header (415).
    pub fn from_content_type(content_type: Option<&str>) -> Result<Format, String> {
        let media = tally_common::body::media_type(content_type);
        let ndjson = ["ndjson", "jsonl", "json-seq", "jsonlines"];
        if ndjson
            .iter()
            .any(|s| media.ends_with(&format!("/{s}")) || media.ends_with(&format!("/x-{s}")))
        {
            Ok(Format::Ndjson)
        } else if media.is_empty()
            || media == "application/json"
            || media == "text/json"
            || media.ends_with("+json")
        {
            Ok(Format::Json)
        } else {
            Err(format!(
                "header `content-type` must be application/json or application/x-ndjson, not {media:?}"
            ))
        }
    }
}

/// Why a whole body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Over [`MAX_EVENTS`] or [`MAX_BYTES`] (413).
    TooLarge(String),
    /// Not JSON of the expected shape (400).
    Malformed(String),
}

/// One event refused, by its index in the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The event's position in the batch, from 0.
    pub index: usize,
    /// What is wrong with it.
    pub error: String,
}

/// A parsed batch: the distinct valid impressions and what happened to the others.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Valid impressions, each dedup key once, in batch order.
    pub impressions: Vec<Impression>,
    /// Valid events repeating the dedup key of an earlier one in the same batch.
    pub duplicates: usize,
    /// Events of another kind.
    pub ignored: usize,
    /// Invalid events.
    pub rejected: Vec<Rejection>,
}

/// The response to a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Impressions stored now.
    pub accepted: usize,
    /// Valid events already stored (in an earlier batch or earlier in this one).
    pub duplicates: usize,
    /// Events of another kind, skipped.
    pub ignored: usize,
    /// Invalid events, by index.
    pub rejected: Vec<Rejection>,
}

impl Batch {
    /// The summary once `stored` of the `distinct` [`Batch::impressions`] were new to the
    /// warehouse (the impressions may have been moved out by then).
    pub fn summary(self, distinct: usize, stored: usize) -> Summary {
        Summary {
            accepted: stored,
            duplicates: self.duplicates + distinct.saturating_sub(stored),
            ignored: self.ignored,
            rejected: self.rejected,
        }
    }
}

/// Parses and validates a body.
pub fn parse(body: &[u8], format: Format, window: Window) -> Result<Batch, BodyError> {
    if body.len() > MAX_BYTES {
        return Err(too_large_bytes(body.len()));
    }
    let items: Vec<Item> = match format {
        Format::Json => {
            if let Some(events) = fast::array(body) {
                events.into_iter().map(Item::Typed).collect()
            } else {
                match serde_json::from_slice::<Value>(body) {
                    Ok(Value::Array(items)) => {
                        items.into_iter().map(|v| Item::Tree(Ok(v))).collect()
                    }
                    Ok(one @ Value::Object(_)) => vec![Item::Tree(Ok(one))],
                    Ok(_) => {
                        return Err(BodyError::Malformed(
                            "the body must be a JSON array of events".into(),
                        ));
                    }
                    Err(e) => {
                        return Err(BodyError::Malformed(format!("the body is not JSON: {e}")));
                    }
                }
            }
        }
        Format::Ndjson => body
            .split(|b| *b == b'\n')
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
            .map(|line| match fast::one(line) {
                Some(e) => Item::Typed(e),
                None => {
                    Item::Tree(serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}")))
                }
            })
            .collect(),
    };
    if items.len() > MAX_EVENTS {
        return Err(BodyError::TooLarge(format!(
            "the batch has {} events; at most {MAX_EVENTS} are accepted",
            items.len()
        )));
    }
    Ok(validate(items, window))
}

/// One event as parsed: typed (the fast path) or a JSON tree (or why it is not JSON).
pub enum Item {
    /// Every field had the right type.
    Typed(RawEvent),
    /// Anything else.
    Tree(Result<Value, String>),
}

/// The 413 for a body of `len` bytes.
pub fn too_large_bytes(len: usize) -> BodyError {
    BodyError::TooLarge(format!(
        "the body has {len} bytes; at most {MAX_BYTES} are accepted"
    ))
}

impl Batch {
    /// A batch of already validated impressions (repeated dedup keys dropped and counted).
    pub fn from_valid(valid: Vec<Impression>) -> Batch {
        let mut batch = Batch::default();
        dedup(&mut batch, valid);
        batch
    }
}

/// Keeps the first impression of each dedup key in `batch`, counting the others.
fn dedup(batch: &mut Batch, valid: Vec<Impression>) {
    let keep: Vec<bool> = {
        let mut seen = HashSet::with_capacity(valid.len());
        valid.iter().map(|i| seen.insert(i.key())).collect()
    };
    let total = valid.len();
    batch.impressions = valid
        .into_iter()
        .zip(keep)
        .filter_map(|(i, keep)| keep.then_some(i))
        .collect();
    batch.duplicates = total - batch.impressions.len();
}

/// Validates parsed items and drops repeated dedup keys.
pub fn validate(items: Vec<Item>, window: Window) -> Batch {
    let mut batch = Batch::default();
    let mut valid = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let outcome = match item {
            Item::Typed(raw) => raw.check(window),
            Item::Tree(v) => v.and_then(|v| event::validate(&v, window)),
        };
        match outcome {
            Ok(Outcome::Impression(i)) => valid.push(i),
            Ok(Outcome::Ignored) => batch.ignored += 1,
            Err(error) => batch.rejected.push(Rejection { index, error }),
        }
    }
    dedup(&mut batch, valid);
    batch
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Window = Window { latest: i64::MAX };

    fn ev(post: &str, at: f64) -> String {
        format!(r#"{{"post":{{"id":"{post}"}},"author":{{"id":"a"}},"viewed_at":{at}}}"#)
    }

    #[test]
    fn json_array_with_rejections_and_duplicates() {
        let body = format!(
            "[{},{},{{\"post\":{{}}}},{},{{\"event\":\"other\"}}]",
            ev("1", 10.0),
            ev("2", 10.0),
            ev("1", 10.0)
        );
        let b = parse(body.as_bytes(), Format::Json, OPEN).unwrap();
        assert_eq!(b.impressions.len(), 2);
        assert_eq!((b.duplicates, b.ignored), (1, 1));
        assert_eq!(b.rejected.len(), 1);
        assert_eq!(b.rejected[0].index, 2);
        assert!(b.rejected[0].error.contains("post.id"));
        let s = b.summary(2, 1);
        assert_eq!((s.accepted, s.duplicates), (1, 2));
    }

    #[test]
    fn ndjson_lines_are_indexed_and_bad_lines_rejected() {
        let body = format!("{}\n\n{{not json\n{}\n", ev("1", 1.0), ev("2", 2.0));
        let b = parse(body.as_bytes(), Format::Ndjson, OPEN).unwrap();
        assert_eq!(b.impressions.len(), 2);
        assert_eq!(b.rejected.len(), 1);
        assert_eq!(b.rejected[0].index, 1);
        assert!(b.rejected[0].error.contains("not JSON"));
    }

    #[test]
    fn limits_and_malformed_bodies() {
        let many = format!("[{}]", vec!["{}"; MAX_EVENTS + 1].join(","));
        assert!(matches!(
            parse(many.as_bytes(), Format::Json, OPEN),
            Err(BodyError::TooLarge(_))
        ));
        let exactly = format!("[{}]", vec!["{}"; MAX_EVENTS].join(","));
        assert_eq!(
            parse(exactly.as_bytes(), Format::Json, OPEN)
                .unwrap()
                .rejected
                .len(),
            MAX_EVENTS
        );
        let huge = vec![b' '; MAX_BYTES + 1];
        assert!(matches!(
            parse(&huge, Format::Json, OPEN),
            Err(BodyError::TooLarge(_))
        ));
        assert!(matches!(
            parse(b"[1,", Format::Json, OPEN),
            Err(BodyError::Malformed(_))
        ));
        assert!(matches!(
            parse(b"42", Format::Json, OPEN),
            Err(BodyError::Malformed(_))
        ));
        let one = parse(ev("1", 1.0).as_bytes(), Format::Json, OPEN).unwrap();
        assert_eq!(one.impressions.len(), 1);
    }

    /// Found by `fuzz/` (json_bodies): an array in place of an event (or of its `post`,
    /// `author`, `viewer`) was read positionally by the fast path and could be stored.
    #[test]
    fn arrays_are_not_events() {
        let positional = r#"[null,null,{"id":"p"},{"id":"a"},null,1546300800]"#;
        let nested = r#"{"post":["p"],"author":{"id":"a"},"viewed_at":1546300800}"#;
        for (format, body) in [
            (Format::Json, format!("[{positional}]")),
            (Format::Ndjson, positional.to_string()),
            (Format::Json, format!("[{nested}]")),
            (Format::Ndjson, nested.to_string()),
            (Format::Ndjson, "[]".to_string()),
        ] {
            let b = parse(body.as_bytes(), format, OPEN).unwrap();
            assert!(b.impressions.is_empty(), "{body} was stored");
            assert_eq!(b.rejected.len(), 1, "{body}");
            let error = &b.rejected[0].error;
            assert!(error.contains("object"), "{body}: {error}");
        }
    }

    #[test]
    fn content_types() {
        let f = Format::from_content_type;
        assert_eq!(f(Some("application/x-ndjson")), Ok(Format::Ndjson));
        assert_eq!(
            f(Some("application/jsonl; charset=utf-8")),
            Ok(Format::Ndjson)
        );
        assert_eq!(f(Some("application/json")), Ok(Format::Json));
        assert_eq!(f(Some("Application/JSON; charset=UTF-8")), Ok(Format::Json));
        assert_eq!(f(Some("application/vnd.api+json")), Ok(Format::Json));
        assert_eq!(f(None), Ok(Format::Json));
        for wrong in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "text/csv",
            "application/jsonx",
        ] {
            assert!(
                f(Some(wrong)).unwrap_err().contains("`content-type`"),
                "{wrong}"
            );
        }
    }
}
