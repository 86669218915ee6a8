//! Validating writes and counts from JSON: every rejected field is named, and a batch
//! with any bad item is rejected whole (nothing is written).

use std::fmt;

use serde_json::{Map, Value};

use crate::calendar::MAX_TS;
use crate::things::{Thing, is_counter_name};

/// The largest magnitude of a value: sums are computed in Redis Lua, whose numbers are
/// doubles, exact up to 2^53.
pub const MAX_VALUE: i64 = 1 << 53;
/// The most writes (or counts) one request or message may carry.
pub const MAX_BATCH: usize = 10_000;

/// How a write adds its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `value` is the activity's running total at `ts2`; only the difference to what is
    /// stored for the activity over `[ts1, ts2]` is added (repeating a write adds nothing).
    Diffadd,
    /// `value` is added at `ts2` as is.
    Increment,
}

/// One validated metric write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// The metric.
    pub thing: Thing,
    /// The user.
    pub uid: i64,
    /// The activity type.
    pub atid: i64,
    /// The activity.
    pub aid: i64,
    /// The running total (diffadd) or the amount (increment).
    pub value: i64,
    /// The activity's start (diffadd reads `[ts1, ts2]`).
    pub ts1: i64,
    /// The second the value is recorded at.
    pub ts2: i64,
    /// How the value is added.
    pub mode: Mode,
    /// The client's write id: a write whose id was applied before changes nothing.
    pub id: Option<String>,
}

/// One validated counter increment (`c:<name>:...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The counter's name.
    pub name: String,
    /// The amount.
    pub value: i64,
    /// The second it is recorded at.
    pub ts: i64,
    /// The client's event id: a count whose id was applied before changes nothing.
    pub id: Option<String>,
}

/// Why input was rejected: one message per bad field, each naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<String>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

impl std::error::Error for Invalid {}

/// Parses a request body: one JSON object, or an array of them (a batch, `true`).
pub fn parse_body<T>(
    body: &[u8],
    item: fn(&Value) -> Result<T, Vec<String>>,
) -> Result<(Vec<T>, bool), Invalid> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Invalid(vec![format!("the body is not valid JSON: {e}")]))?;
    parse_value(&value, item)
}

/// Like [`parse_body`] for an already parsed value.
pub fn parse_value<T>(
    value: &Value,
    item: fn(&Value) -> Result<T, Vec<String>>,
) -> Result<(Vec<T>, bool), Invalid> {
    match value {
        Value::Array(items) => {
            if items.len() > MAX_BATCH {
                return Err(Invalid(vec![format!(
                    "a batch holds at most {MAX_BATCH} items, this one {}",
                    items.len()
                )]));
            }
            let mut out = Vec::with_capacity(items.len());
            let mut errors = Vec::new();
            for (i, v) in items.iter().enumerate() {
                match item(v) {
                    Ok(w) => out.push(w),
                    Err(e) => errors.extend(e.into_iter().map(|m| format!("item {i}: {m}"))),
                }
            }
            if errors.is_empty() {
                Ok((out, true))
            } else {
                Err(Invalid(errors))
            }
        }
        other => item(other).map(|w| (vec![w], false)).map_err(Invalid),
    }
}

/// Validates one write object `{"thing","uid","atid","aid","value","ts1","ts2","mode"}`.
pub fn write_from_json(value: &Value) -> Result<Write, Vec<String>> {
    let obj = object(value)?;
    let mut errors = Vec::new();
    let thing = match string(obj, "thing", &mut errors) {
        Some(name) => name
            .parse::<Thing>()
            .map_err(|e| errors.push(format!("field `thing`: {e}")))
            .ok(),
        None => None,
    };
    let mode = match obj.get("mode") {
        None | Some(Value::Null) => Some(Mode::Diffadd),
        Some(Value::String(m)) if m == "diffadd" => Some(Mode::Diffadd),
        Some(Value::String(m)) if m == "increment" => Some(Mode::Increment),
        Some(other) => {
            errors.push(format!(
                "field `mode` must be \"diffadd\" or \"increment\", got {other}"
            ));
            None
        }
    };
    let uid = int(obj, "uid", true, &mut errors);
    let atid = int(obj, "atid", true, &mut errors);
    let aid = int(obj, "aid", true, &mut errors);
    let value = int(obj, "value", true, &mut errors);
    let ts2 = int(obj, "ts2", true, &mut errors);
    let ts1 = int(obj, "ts1", mode != Some(Mode::Increment), &mut errors);
    if let Some(v) = value
        && v.abs() > MAX_VALUE
    {
        errors.push(format!("field `value` must be within ±2^53, got {v}"));
    }
    let ts2 = match ts2 {
        Some(t) if !(1..=MAX_TS).contains(&t) => {
            errors.push(format!("field `ts2` must be in 1..={MAX_TS}, got {t}"));
            None
        }
        other => other,
    };
    if let Some(t) = ts1 {
        if t < 0 {
            errors.push(format!("field `ts1` must not be negative, got {t}"));
        } else if let Some(t2) = ts2
            && t > t2
        {
            errors.push(format!("field `ts1` ({t}) must not be after `ts2` ({t2})"));
        }
    }
    let id = event_id(obj, &mut errors);
    match (thing, mode, uid, atid, aid, value, ts2) {
        (Some(thing), Some(mode), Some(uid), Some(atid), Some(aid), Some(value), Some(ts2))
            if errors.is_empty() =>
        {
            Ok(Write {
                thing,
                uid,
                atid,
                aid,
                value,
                ts1: ts1.unwrap_or(ts2),
                ts2,
                mode,
                id,
            })
        }
        _ => Err(errors),
    }
}

/// Validates one count object `{"thing","value","ts"}` (`thing` is a counter name).
pub fn count_from_json(value: &Value) -> Result<Count, Vec<String>> {
    let obj = object(value)?;
    let mut errors = Vec::new();
    let name = string(obj, "thing", &mut errors);
    if let Some(n) = name
        && !is_counter_name(n)
    {
        errors.push(format!(
            "field `thing` must be 1 to 200 of A-Z a-z 0-9 _ - ., got {n:?}"
        ));
    }
    let value = int(obj, "value", true, &mut errors);
    if let Some(v) = value
        && v.abs() > MAX_VALUE
    {
        errors.push(format!("field `value` must be within ±2^53, got {v}"));
    }
    let ts = int(obj, "ts", true, &mut errors);
    if let Some(t) = ts
        && !(1..=MAX_TS).contains(&t)
    {
        errors.push(format!("field `ts` must be in 1..={MAX_TS}, got {t}"));
    }
    let id = event_id(obj, &mut errors);
    match (name, value, ts) {
        (Some(name), Some(value), Some(ts)) if errors.is_empty() => Ok(Count {
            name: name.to_string(),
            value,
            ts,
            id,
        }),
        _ => Err(errors),
    }
}

/// Longest accepted client id, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// The optional field `id`: 1 to [`MAX_ID_BYTES`] bytes.
fn event_id(obj: &Map<String, Value>, errors: &mut Vec<String>) -> Option<String> {
    match obj.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_ID_BYTES => Some(s.clone()),
        Some(other) => {
            errors.push(format!(
                "field `id` must be a string of 1 to {MAX_ID_BYTES} bytes, got {other}"
            ));
            None
        }
    }
}

fn object(value: &Value) -> Result<&Map<String, Value>, Vec<String>> {
    value
        .as_object()
        .ok_or_else(|| vec![format!("expected a JSON object, got {value}")])
}

fn string<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    errors: &mut Vec<String>,
) -> Option<&'a str> {
    match obj.get(name) {
        Some(Value::String(s)) => Some(s),
        None | Some(Value::Null) => {
            errors.push(format!("field `{name}` is missing"));
            None
        }
        Some(other) => {
            errors.push(format!("field `{name}` must be a string, got {other}"));
            None
        }
    }
}

fn int(
    obj: &Map<String, Value>,
    name: &str,
    required: bool,
    errors: &mut Vec<String>,
) -> Option<i64> {
    match obj.get(name) {
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
        None | Some(Value::Null) => {
            if required {
                errors.push(format!("field `{name}` is missing"));
            }
            None
        }
        Some(other) => {
            errors.push(format!("field `{name}` must be an integer, got {other}"));
            None
        }
    }
}

#[cfg(test)]
mod tests;
