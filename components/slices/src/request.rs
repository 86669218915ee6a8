//! Request parameters of every route, checked, with errors naming the parameter.

use tally_common::params::Params;

use crate::error::Error;
use crate::model::Kind;
use crate::slicing::to_millis;

/// Longest accepted user name, in bytes.
pub const MAX_USER_BYTES: usize = 1024;

/// Longest accepted client event id, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// The response format chosen by `format=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The original's `name,value` lines (the default).
    Text,
    /// JSON.
    Json,
}

/// `format=text|json` (text when absent).
pub fn format(p: &Params) -> Result<Format, Error> {
    match p.get("format") {
        None | Some("text") | Some("csv") => Ok(Format::Text),
        Some("json") => Ok(Format::Json),
        Some(other) => Err(Error::BadRequest(format!(
            "parameter `format` has an invalid value {other:?}: use text or json"
        ))),
    }
}

/// The required timestamp parameter `name` (epoch seconds, or milliseconds above 10^11),
/// in milliseconds.
pub fn timestamp(p: &Params, name: &str) -> Result<i64, Error> {
    let value: i64 = p.required_parse(name)?;
    to_millis(value)
        .ok_or_else(|| Error::BadRequest(format!("parameter `{name}` is out of range: {value}")))
}

/// An optional count parameter `name` between 1 and `max`.
pub fn count(p: &Params, name: &str, default: usize, max: usize) -> Result<usize, Error> {
    match p.parse::<usize>(name)? {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(Error::BadRequest(format!(
            "parameter `{name}` must be between 1 and {max}, not {n}"
        ))),
    }
}

/// One event as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When it happened, epoch milliseconds.
    pub ts_ms: i64,
    /// The user's name (hashed before it is stored).
    pub user: String,
    /// Click or impression.
    pub kind: Kind,
    /// The client's event id, if it gave one: a repeated delivery is counted once.
    pub id: Option<String>,
}

/// `timestamp`, `user` and exactly one of the flags `click` / `impression`, in any order.
pub fn event(p: &Params) -> Result<Event, Error> {
    let ts_ms = timestamp(p, "timestamp")?;
    let user = p.required("user")?;
    if user.is_empty() {
        return Err(Error::BadRequest("parameter `user` is empty".into()));
    }
    if user.len() > MAX_USER_BYTES {
        return Err(Error::BadRequest(format!(
            "parameter `user` is longer than {MAX_USER_BYTES} bytes"
        )));
    }
    let kind = match (p.has("click"), p.has("impression")) {
        (true, false) => Kind::Click,
        (false, true) => Kind::Impression,
        (false, false) => {
            return Err(Error::BadRequest(
                "parameter `click` or `impression` is missing: give one".into(),
            ));
        }
        (true, true) => {
            return Err(Error::BadRequest(
                "parameters `click` and `impression` exclude each other: give one".into(),
            ));
        }
    };
    let id = match p.get("id") {
        None => None,
        Some("") => return Err(Error::BadRequest("parameter `id` is empty".into())),
        Some(id) if id.len() > MAX_ID_BYTES => {
            return Err(Error::BadRequest(format!(
                "parameter `id` is longer than {MAX_ID_BYTES} bytes"
            )));
        }
        Some(id) => Some(id.to_string()),
    };
    Ok(Event {
        ts_ms,
        user: user.to_string(),
        kind,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(query: &str) -> Params {
        Params::from_query(Some(query))
    }

    fn bad(r: Result<impl std::fmt::Debug, Error>, needle: &str) {
        match r {
            Err(Error::BadRequest(d)) => assert!(d.contains(needle), "{d:?} should name {needle}"),
            other => panic!("expected a bad request naming {needle}, got {other:?}"),
        }
    }

    #[test]
    fn events_in_any_order() {
        let a = event(&q("timestamp=1500000000&user=ann&click")).unwrap();
        let b = event(&q("click&user=ann&timestamp=1500000000000")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.ts_ms, 1_500_000_000_000);
        assert_eq!(a.kind, Kind::Click);
        let i = event(&q("impression=&user=b%20c&timestamp=5")).unwrap();
        assert_eq!(
            (i.kind, i.user.as_str(), i.ts_ms),
            (Kind::Impression, "b c", 5000)
        );
    }

    #[test]
    fn bad_events_name_the_parameter() {
        bad(event(&q("user=a&click")), "`timestamp`");
        bad(event(&q("timestamp=x&user=a&click")), "`timestamp`");
        bad(event(&q("timestamp=1.5&user=a&click")), "`timestamp`");
        bad(
            event(&q("timestamp=-99999999999999999&user=a&click")),
            "`timestamp`",
        );
        bad(event(&q("timestamp=1&click")), "`user`");
        bad(event(&q("timestamp=1&user=&click")), "`user`");
        bad(
            event(&q(&format!("timestamp=1&click&user={}", "x".repeat(1025)))),
            "`user`",
        );
        bad(event(&q("timestamp=1&user=a")), "`click`");
        bad(
            event(&q("timestamp=1&user=a&click&impression")),
            "`impression`",
        );
    }

    #[test]
    fn formats_and_counts() {
        assert_eq!(format(&q("")).unwrap(), Format::Text);
        assert_eq!(format(&q("format=json")).unwrap(), Format::Json);
        bad(format(&q("format=xml")), "`format`");
        assert_eq!(count(&q(""), "limit", 10, 20).unwrap(), 10);
        assert_eq!(count(&q("limit=20"), "limit", 10, 20).unwrap(), 20);
        bad(count(&q("limit=0"), "limit", 10, 20), "`limit`");
        bad(count(&q("limit=21"), "limit", 10, 20), "`limit`");
        bad(count(&q("limit=x"), "limit", 10, 20), "`limit`");
    }
}
