//! The fast path of event parsing: a batch whose events all have the right JSON types is
//! deserialized straight into typed structs (no JSON tree), then checked by the same rules
//! as [`event::validate`]. Any type mismatch sends the batch (or the NDJSON line) to the
//! tree-based path, whose errors name the field.

use std::fmt;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, MapAccess, Visitor};

use crate::event::{self, Impression, KIND, Outcome, Window};

/// An id or name: a string, or an integer kept as its decimal text.
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Id, E> {
                Ok(Id(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A `T` read only from a JSON object: derived struct deserializers also accept an array
/// of the fields in order, which the tree path refuses ("must be an object").
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Object<T>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Object)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Holder {
    #[serde(default)]
    id: Option<Id>,
}

#[derive(Deserialize)]
struct Post {
    #[serde(default)]
    id: Option<Id>,
    #[serde(default)]
    artist_invite_id: Option<Id>,
}

/// One event with every field of the right type.
#[derive(Deserialize)]
pub struct RawEvent {
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    event_name: Option<String>,
    #[serde(default)]
    post: Option<Object<Post>>,
    #[serde(default)]
    author: Option<Object<Holder>>,
    #[serde(default)]
    viewer: Option<Object<Holder>>,
    #[serde(default)]
    viewed_at: Option<f64>,
    #[serde(default)]
    stream_kind: Option<Id>,
    #[serde(default)]
    stream_id: Option<Id>,
}

fn text(id: Option<Id>) -> Option<String> {
    id.map(|i| i.0)
}

impl RawEvent {
    /// Checks the event as [`event::validate`] does (same rules, same order, same errors).
    pub fn check(self, window: Window) -> Result<Outcome, String> {
        if [&self.event, &self.event_name]
            .into_iter()
            .flatten()
            .any(|k| k != KIND)
        {
            return Ok(Outcome::Ignored);
        }
        let Object(post) = self.post.ok_or("field `post` is missing")?;
        let post_id =
            event::check_id("post.id", text(post.id))?.ok_or("field `post.id` is missing")?;
        let Object(author) = self.author.ok_or("field `author` is missing")?;
        let author_id =
            event::check_id("author.id", text(author.id))?.ok_or("field `author.id` is missing")?;
        let viewer_id = match self.viewer {
            None => None,
            Some(Object(v)) => Some(
                event::check_id("viewer.id", text(v.id))?.ok_or("field `viewer.id` is missing")?,
            ),
        };
        let secs = self.viewed_at.ok_or("field `viewed_at` is missing")?;
        Ok(Outcome::Impression(Impression {
            viewer_id,
            post_id,
            author_id,
            created_at: event::check_time(secs, window)?,
            stream_kind: event::check_id("stream_kind", text(self.stream_kind))?,
            stream_id: event::check_id("stream_id", text(self.stream_id))?,
            artist_invite_id: event::check_id(
                "post.artist_invite_id",
                text(post.artist_invite_id),
            )?,
        }))
    }
}

/// The events of a JSON array body, if every one has the right types.
pub fn array(body: &[u8]) -> Option<Vec<RawEvent>> {
    let events: Vec<Object<RawEvent>> = serde_json::from_slice(body).ok()?;
    Some(events.into_iter().map(|Object(e)| e).collect())
}

/// One NDJSON line, if it has the right types.
pub fn one(line: &[u8]) -> Option<RawEvent> {
    serde_json::from_slice(line).ok().map(|Object(e)| e)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    const OPEN: Window = Window { latest: i64::MAX };

    /// Both paths agree on every event the fast path accepts.
    #[test]
    fn the_fast_path_agrees_with_the_tree_path() {
        let events = [
            json!({"post": {"id": "1", "artist_invite_id": 7}, "author": {"id": 2},
                   "viewer": {"id": "3"}, "viewed_at": 1483228800.123456,
                   "stream_kind": "category", "stream_id": "12", "extra": [1, {"a": null}]}),
            json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewer": null, "viewed_at": 1}),
            json!({"post": {"id": ""}, "author": {"id": "2"}, "viewed_at": 1}),
            json!({"post": {}, "author": {"id": "2"}, "viewed_at": 1}),
            json!({"author": {"id": "2"}, "viewed_at": 1}),
            json!({"post": {"id": "1"}, "author": {}, "viewed_at": 1}),
            json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewer": {}, "viewed_at": 1}),
            json!({"post": {"id": "1"}, "author": {"id": "2"}}),
            json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewed_at": -1}),
            json!({"post": {"id": "1"}, "author": {"id": "2"}, "viewed_at": 1, "stream_id": ""}),
            json!({"event": "post_was_loved"}),
            json!({"event_name": "post_was_viewed", "post": {"id": "1"}, "author": {"id": "2"}, "viewed_at": 1}),
        ];
        for e in events {
            let fast = one(e.to_string().as_bytes())
                .expect("right types")
                .check(OPEN);
            assert_eq!(fast, event::validate(&e, OPEN), "{e}");
        }
    }

    #[test]
    fn wrong_types_leave_the_fast_path() {
        for e in [
            json!({"post": {"id": true}}),
            json!({"post": "x"}),
            json!({"viewed_at": "1"}),
            json!({"post": {"id": 1.5}}),
            json!([1]),
        ] {
            assert!(one(e.to_string().as_bytes()).is_none(), "{e}");
        }
        assert!(array(b"[{}, {\"post\": 1}]").is_none());
        // Arrays are not events, at any level (serde would read a struct from a sequence).
        for e in [
            json!([]),
            json!([null, null, {"id": "p"}, {"id": "a"}, null, 1]),
            json!({"post": ["p"], "author": {"id": "a"}, "viewed_at": 1}),
            json!({"post": {"id": "p"}, "author": ["a"], "viewed_at": 1}),
            json!({"post": {"id": "p"}, "author": {"id": "a"}, "viewer": [], "viewed_at": 1}),
        ] {
            assert!(one(e.to_string().as_bytes()).is_none(), "{e}");
            assert!(array(json!([e]).to_string().as_bytes()).is_none(), "{e}");
        }
        let v: Value = json!([{}, {"post": {"id": "1"}}]);
        assert_eq!(array(v.to_string().as_bytes()).map(|a| a.len()), Some(2));
    }
}
