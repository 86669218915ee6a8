//! Asynchronous input from a Redis channel (the original read an NSQ topic):
//! `{"command":"metric","metric":{...}}` and `{"command":"count","count":{...}}`, where the
//! payload may also be an array (a batch). A bad message is logged and counted; it never
//! fails the subscription.

use serde_json::Value;

use crate::input::{Count, Invalid, Write, count_from_json, parse_value, write_from_json};

/// What a valid message asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Metric writes (diffadd unless a write says `"mode":"increment"`).
    Metrics(Vec<Write>),
    /// Counter increments.
    Counts(Vec<Count>),
}

/// Parses a channel message.
pub fn parse(message: &[u8]) -> Result<Job, Invalid> {
    let value: Value = serde_json::from_slice(message)
        .map_err(|e| Invalid(vec![format!("the message is not valid JSON: {e}")]))?;
    let command = value.get("command").and_then(Value::as_str);
    let payload = |name: &str| {
        value
            .get(name)
            .ok_or_else(|| Invalid(vec![format!("field `{name}` is missing")]))
    };
    match command {
        Some("metric") => Ok(Job::Metrics(
            parse_value(payload("metric")?, write_from_json)?.0,
        )),
        Some("count") => Ok(Job::Counts(
            parse_value(payload("count")?, count_from_json)?.0,
        )),
        Some(other) => Err(Invalid(vec![format!(
            "field `command` must be \"metric\" or \"count\", got {other:?}"
        )])),
        None => Err(Invalid(vec![
            "field `command` is missing or not a string".to_string(),
        ])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Mode;

    #[test]
    fn metric_and_count_messages() {
        let m = br#"{"command":"metric","metric":{"thing":"steps","uid":1,"atid":2,"aid":3,"value":10,"ts1":1496539746,"ts2":1496539747}}"#;
        match parse(m).unwrap() {
            Job::Metrics(w) => assert_eq!((w.len(), w[0].mode, w[0].value), (1, Mode::Diffadd, 10)),
            other => panic!("{other:?}"),
        }
        let c = br#"{"command":"count","count":[{"thing":"x","value":1,"ts":5},{"thing":"y","value":2,"ts":6}]}"#;
        assert!(matches!(parse(c).unwrap(), Job::Counts(c) if c.len() == 2));
    }

    #[test]
    fn malformed_messages_say_why() {
        for (msg, why) in [
            (&b"nope"[..], "not valid JSON"),
            (br#"{"metric":{}}"#, "`command`"),
            (br#"{"command":"dance"}"#, "`command`"),
            (br#"{"command":"metric"}"#, "`metric` is missing"),
            (br#"{"command":"count","count":{"thing":"x","value":1}}"#, "`ts`"),
            (br#"{"command":"metric","metric":{"thing":"nope","uid":1,"atid":2,"aid":3,"value":1,"ts1":1,"ts2":2}}"#, "`thing`"),
        ] {
            let e = parse(msg).unwrap_err().to_string();
            assert!(e.contains(why), "{e} lacks {why}");
        }
    }
}
