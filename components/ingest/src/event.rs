//! One `post_was_viewed` event: validation of the JSON shape into an [`Impression`].
//!
//! ```json
//! {"uuid": "..", "post": {"id": "1", "artist_invite_id": "7"}, "author": {"id": "2"},
//!  "viewer": {"id": "3"}, "viewed_at": 1483228800.5, "stream_kind": "category",
//!  "stream_id": "12"}
//! ```
//!
//! `viewer` may be missing or `null` (a logged-out view); `stream_kind`, `stream_id` and
//! `post.artist_invite_id` are optional; extra fields are ignored. An event whose `event`
//! (or `event_name`) field names another kind is ignored rather than rejected.

use serde_json::{Map, Value};

use crate::time::Micros;

/// The event kind this component stores.
pub const KIND: &str = "post_was_viewed";

/// The longest accepted id or stream name, in bytes.
pub const MAX_FIELD_LEN: usize = 255;

/// A validated impression, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impression {
    /// The viewer's user id; `None` for a logged-out view.
    pub viewer_id: Option<String>,
    /// The viewed post.
    pub post_id: String,
    /// The post's author.
    pub author_id: String,
    /// When it was viewed, microseconds since the epoch.
    pub created_at: Micros,
    /// Where it was viewed (`following`, `category`, `email`, ...).
    pub stream_kind: Option<String>,
    /// Which stream of that kind (a category id, ...).
    pub stream_id: Option<String>,
    /// The artist invite the post was submitted to.
    pub artist_invite_id: Option<String>,
}

impl Impression {
    /// The dedup key of the original: `(created_at, author_id, post_id)`.
    pub fn key(&self) -> (Micros, &str, &str) {
        (self.created_at, &self.author_id, &self.post_id)
    }
}

/// What one event turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A valid impression.
    Impression(Impression),
    /// An event of another kind.
    Ignored,
}

/// The accepted time window of `viewed_at`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The latest accepted instant (now plus the allowed clock skew).
    pub latest: Micros,
}

/// Validates one event; `Err` says which field is wrong and how.
pub fn validate(value: &Value, window: Window) -> Result<Outcome, String> {
    let Value::Object(event) = value else {
        return Err("an event must be a JSON object".into());
    };
    for name in ["event", "event_name"] {
        match event.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(kind)) if kind == KIND => {}
            Some(Value::String(_)) => return Ok(Outcome::Ignored),
            Some(_) => return Err(format!("field `{name}` must be a string")),
        }
    }
    let post = object(event, "post")?.ok_or("field `post` is missing")?;
    let post_id = id(post, "post.id", "id")?.ok_or("field `post.id` is missing")?;
    let author = object(event, "author")?.ok_or("field `author` is missing")?;
    let author_id = id(author, "author.id", "id")?.ok_or("field `author.id` is missing")?;
    let viewer_id = match object(event, "viewer")? {
        None => None,
        Some(viewer) => Some(id(viewer, "viewer.id", "id")?.ok_or("field `viewer.id` is missing")?),
    };
    Ok(Outcome::Impression(Impression {
        viewer_id,
        post_id,
        author_id,
        created_at: viewed_at(event, window)?,
        stream_kind: id(event, "stream_kind", "stream_kind")?,
        stream_id: id(event, "stream_id", "stream_id")?,
        artist_invite_id: id(post, "post.artist_invite_id", "artist_invite_id")?,
    }))
}

/// The object in `field` (`None` when missing or `null`).
fn object<'a>(
    event: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match event.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(format!("field `{field}` must be an object")),
    }
}

/// An id or name: a non-empty string or an integer (`None` when missing or `null`).
fn id(object: &Map<String, Value>, path: &str, field: &str) -> Result<Option<String>, String> {
    let text = match object.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        Some(_) => return Err(format!("field `{path}` must be a string")),
    };
    check_id(path, Some(text))
}

/// The checks of an id or name once its type is right: not empty, not too long.
pub fn check_id(path: &str, value: Option<String>) -> Result<Option<String>, String> {
    match value {
        Some(text) if text.is_empty() => Err(format!("field `{path}` is empty")),
        Some(text) if text.contains('\0') => {
            Err(format!("field `{path}` contains a NUL character"))
        }
        Some(text) if text.len() > MAX_FIELD_LEN => Err(format!(
            "field `{path}` is longer than {MAX_FIELD_LEN} bytes"
        )),
        other => Ok(other),
    }
}

/// `viewed_at` in epoch seconds (fractions kept to the microsecond).
fn viewed_at(event: &Map<String, Value>, window: Window) -> Result<Micros, String> {
    match event.get("viewed_at") {
        None | Some(Value::Null) => Err("field `viewed_at` is missing".into()),
        Some(Value::Number(n)) => check_time(n.as_f64().unwrap_or(f64::NAN), window),
        Some(_) => Err("field `viewed_at` must be a number of epoch seconds".into()),
    }
}

/// Epoch seconds to microseconds, within years 1970..=9999 and not past `window`.
pub fn check_time(secs: f64, window: Window) -> Result<Micros, String> {
    let micros = (secs * 1e6).round();
    if !(0.0..=253_402_300_799e6).contains(&micros) {
        return Err(format!("field `viewed_at` is out of range: {secs}"));
    }
    let micros = micros as Micros;
    if micros > window.latest {
        return Err(format!("field `viewed_at` is in the future: {secs}"));
    }
    Ok(micros)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OPEN: Window = Window { latest: i64::MAX };

    fn ok(v: Value) -> Impression {
        match validate(&v, OPEN) {
            Ok(Outcome::Impression(i)) => i,
            other => panic!("{other:?}"),
        }
    }

    fn err(v: Value) -> String {
        validate(&v, OPEN).unwrap_err()
    }

    #[test]
    fn every_field() {
        let i = ok(
            json!({"uuid": "u", "post": {"id": "1", "artist_invite_id": 7},
            "author": {"id": 2}, "viewer": {"id": "3"}, "viewed_at": 1483228800.123456,
            "stream_kind": "category", "stream_id": "12", "extra": [1]}),
        );
        assert_eq!(
            i,
            Impression {
                viewer_id: Some("3".into()),
                post_id: "1".into(),
                author_id: "2".into(),
                created_at: 1_483_228_800_123_456,
                stream_kind: Some("category".into()),
                stream_id: Some("12".into()),
                artist_invite_id: Some("7".into()),
            }
        );
    }

    #[test]
    fn optional_fields_may_be_missing_or_null() {
        let i = ok(
            json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewer": null,
            "viewed_at": 1483228800}),
        );
        assert_eq!(i.viewer_id, None);
        assert_eq!(
            (i.stream_kind, i.stream_id, i.artist_invite_id),
            (None, None, None)
        );
        let i = ok(json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewed_at": 1}));
        assert_eq!(i.viewer_id, None);
    }

    #[test]
    fn errors_name_the_field() {
        let base = json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewed_at": 1});
        let with = |k: &str, v: Value| {
            let mut e = base.clone();
            e[k] = v;
            e
        };
        assert!(err(json!([1])).contains("object"));
        assert!(err(with("post", Value::Null)).contains("`post` is missing"));
        assert!(err(with("post", json!({}))).contains("`post.id` is missing"));
        assert!(err(with("post", json!({"id": ""}))).contains("`post.id` is empty"));
        assert!(err(with("author", json!({"id": true}))).contains("`author.id` must be"));
        assert!(err(with("viewer", json!({}))).contains("`viewer.id` is missing"));
        assert!(err(with("viewer", json!("x"))).contains("`viewer` must be an object"));
        assert!(err(with("viewed_at", json!("1"))).contains("`viewed_at` must be a number"));
        assert!(err(with("viewed_at", json!(-5))).contains("out of range"));
        assert!(err(with("stream_kind", json!({}))).contains("`stream_kind`"));
        assert!(err(with("stream_id", json!("x".repeat(300)))).contains("longer"));
        assert!(
            err(with("stream_kind", json!("a\u{0}b"))).contains("`stream_kind` contains a NUL")
        );
        let mut no_time = base.clone();
        no_time.as_object_mut().unwrap().remove("viewed_at");
        assert!(err(no_time).contains("`viewed_at` is missing"));
    }

    #[test]
    fn future_events_are_rejected() {
        let e = json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewed_at": 100});
        let w = Window { latest: 99_000_000 };
        assert!(validate(&e, w).unwrap_err().contains("future"));
        assert!(
            validate(
                &e,
                Window {
                    latest: 100_000_000
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn other_kinds_are_ignored() {
        let e = json!({"event": "post_was_loved", "post": {"id": "1"}});
        assert_eq!(validate(&e, OPEN), Ok(Outcome::Ignored));
        let e = json!({"event_name": "post_was_viewed", "post": {"id": "1"},
            "author": {"id": "2"}, "viewed_at": 1});
        assert!(matches!(validate(&e, OPEN), Ok(Outcome::Impression(_))));
    }
}
