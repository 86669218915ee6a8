//! Query-string and form parameters, with errors that name the bad parameter.

use std::str::FromStr;

use crate::problem::Problem;

/// Parameters from a query string or an `application/x-www-form-urlencoded` body, in order.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses a URI's query string (`None` when there is none).
    pub fn from_query(query: Option<&str>) -> Self {
        Self::from_form(query.unwrap_or("").as_bytes())
    }

    /// Parses a form-encoded body. Bytes that are not UTF-8 become U+FFFD; use
    /// [`Params::strict_form`] where that must be refused.
    pub fn from_form(body: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// Like [`Params::from_query`], but a name or value whose percent-decoded bytes are not
    /// UTF-8 is a 400 naming the parameter (lossy decoding would make `%FF` and `%FE` the
    /// same value).
    pub fn strict_query(query: Option<&str>) -> Result<Self, Problem> {
        Self::strict_form(query.unwrap_or("").as_bytes())
    }

    /// Like [`Params::from_form`], but refusing invalid UTF-8 as
    /// [`Params::strict_query`] does.
    pub fn strict_form(body: &[u8]) -> Result<Self, Problem> {
        for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &[][..]),
            };
            let name = String::from_utf8(decode(name)).map_err(|e| {
                Problem::bad_request(format!(
                    "a parameter name is not valid UTF-8: {:?}",
                    String::from_utf8_lossy(e.as_bytes())
                ))
            })?;
            if std::str::from_utf8(&decode(value)).is_err() {
                return Err(Problem::bad_request(format!(
                    "parameter `{name}` is not valid UTF-8"
                )));
            }
        }
        Ok(Self::from_form(body))
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` appears at all (a flag such as `&click`).
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }

    /// The value of `name`, or a 400 naming it.
    pub fn required(&self, name: &str) -> Result<&str, Problem> {
        self.get(name)
            .ok_or_else(|| Problem::bad_request(format!("parameter `{name}` is missing")))
    }

    /// `name` parsed as `T` if present; a value that does not parse is a 400 naming it.
    pub fn parse<T: FromStr>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.get(name).map(|v| parse_value(name, v)).transpose()
    }

    /// `name` parsed as `T`; missing or unparsable is a 400 naming it.
    pub fn required_parse<T: FromStr>(&self, name: &str) -> Result<T, Problem> {
        parse_value(name, self.required(name)?)
    }

    /// A 400 naming the first parameter whose value holds a NUL character: components
    /// that bind parameters into SQL call it, as Postgres `text` cannot hold NUL.
    pub fn refuse_nul(&self) -> Result<(), Problem> {
        match self.pairs.iter().find(|(_, v)| v.contains('\0')) {
            Some((name, _)) => Err(Problem::bad_request(format!(
                "parameter `{name}` contains a NUL character"
            ))),
            None => Ok(()),
        }
    }

    /// The comma-separated list in `name` (empty items dropped; empty when absent).
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A percent-encoded path segment `raw` as text (`+` stays a plus); a segment whose bytes
/// are not UTF-8 is a 400 naming `name`.
pub fn path_segment(name: &str, raw: &str) -> Result<String, Problem> {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Problem::bad_request(format!("path segment `{name}` is not valid UTF-8")))
}

/// The bytes a form-encoded name or value stands for (`+` is a space).
fn decode(raw: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_encoding::percent_decode(&spaced).collect()
}

/// Parses `value` of parameter or path segment `name`, or a 400 naming it.
pub fn parse_value<T: FromStr>(name: &str, value: &str) -> Result<T, Problem> {
    value.parse().map_err(|_| {
        Problem::bad_request(format!("parameter `{name}` has an invalid value {value:?}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_flags() {
        let p = Params::from_query(Some("user=ann%20b&click&timestamp=12"));
        assert_eq!(p.get("user"), Some("ann b"));
        assert!(p.has("click"));
        assert!(!p.has("impression"));
        assert_eq!(p.required_parse::<i64>("timestamp").unwrap(), 12);
        assert_eq!(p.parse::<i64>("absent").unwrap(), None);
    }

    #[test]
    fn errors_name_the_parameter() {
        let p = Params::from_query(Some("timestamp=abc"));
        let e = p.required_parse::<i64>("timestamp").unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.detail.contains("`timestamp`"));
        let e = p.required("user").unwrap_err();
        assert!(e.detail.contains("`user`") && e.detail.contains("missing"));
    }

    #[test]
    fn lists() {
        let p = Params::from_form(b"ids=1,2,,3&things=steps");
        assert_eq!(p.list("ids"), ["1", "2", "3"]);
        assert_eq!(p.list("none"), Vec::<String>::new());
    }

    #[test]
    fn strict_parsing_refuses_invalid_utf8_naming_the_parameter() {
        let p = Params::strict_query(Some("user=%C3%A9+x&click")).unwrap();
        assert_eq!(p.get("user"), Some("é x"));
        assert!(p.has("click"));
        let e = Params::strict_query(Some("a=1&user=%FF")).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.detail.contains("`user`") && e.detail.contains("UTF-8"));
        let e = Params::strict_form(b"ids=1&%FEx=2").unwrap_err();
        assert!(e.detail.contains("name"), "{}", e.detail);
        assert!(Params::strict_form(b"v=\xff").is_err());
        // Percent signs that do not start an escape are kept literally, as browsers send them.
        assert_eq!(
            Params::strict_query(Some("q=100%&r=%2")).unwrap().get("q"),
            Some("100%")
        );
        assert!(Params::strict_query(None).unwrap().get("x").is_none());
    }

    #[test]
    fn nul_characters_are_named() {
        assert!(Params::from_query(Some("a=1&b=x")).refuse_nul().is_ok());
        let e = Params::from_query(Some("a=1&b=x%00y"))
            .refuse_nul()
            .unwrap_err();
        assert!(e.detail.contains("`b`"));
    }

    #[test]
    fn path_segments_are_decoded() {
        assert_eq!(path_segment("id", "a%20b+c%27").unwrap(), "a b+c'");
        let e = path_segment("id", "x%C3").unwrap_err();
        assert!(e.detail.contains("`id`"));
    }
}

#[cfg(test)]
mod properties;
