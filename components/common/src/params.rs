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

    /// Parses a form-encoded body.
    pub fn from_form(body: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
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
}
