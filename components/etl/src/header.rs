//! The header line: which field of a row holds which column, found by name (unknown
//! columns are ignored; a missing required column rejects the file, naming it).

use std::fmt;

/// The columns a file must have, in the documented order.
pub const REQUIRED: [&str; 6] = [
    "ad_id",
    "timestamp",
    "event",
    "impression_id",
    "user_id",
    "ip",
];

/// Columns of the documented format that the model does not use (accepted, ignored).
pub const OPTIONAL: [&str; 1] = ["user_agent_string"];

/// Field positions of the required columns in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// `ad_id`
    pub ad_id: usize,
    /// `timestamp`
    pub timestamp: usize,
    /// `event`
    pub event: usize,
    /// `impression_id`
    pub impression_id: usize,
    /// `user_id`
    pub user_id: usize,
    /// `ip`
    pub ip: usize,
}

/// Why a header line cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// Required columns that are not there (in [`REQUIRED`] order).
    Missing(Vec<&'static str>),
    /// A required column named twice.
    Repeated(&'static str),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::Missing(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                write!(
                    f,
                    "the header line lacks required column{} {}; a file needs {}",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    REQUIRED.join(", ")
                )
            }
            HeaderError::Repeated(name) => {
                write!(f, "the header line names column `{name}` twice")
            }
        }
    }
}

impl std::error::Error for HeaderError {}

impl Header {
    /// Maps the header `fields` (names compared trimmed and case-insensitively; a UTF-8
    /// byte-order mark before the first is ignored).
    pub fn from_fields<'a>(
        fields: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Header, HeaderError> {
        let mut found: [Option<usize>; REQUIRED.len()] = [None; REQUIRED.len()];
        for (position, raw) in fields.into_iter().enumerate() {
            let raw = if position == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
            if let Some(i) = REQUIRED.iter().position(|r| *r == name) {
                if found[i].is_some() {
                    return Err(HeaderError::Repeated(REQUIRED[i]));
                }
                found[i] = Some(position);
            }
        }
        let missing: Vec<&'static str> = REQUIRED
            .iter()
            .zip(found)
            .filter(|(_, f)| f.is_none())
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(HeaderError::Missing(missing));
        }
        let at = |i: usize| found[i].expect("checked above");
        Ok(Header {
            ad_id: at(0),
            timestamp: at(1),
            event: at(2),
            impression_id: at(3),
            user_id: at(4),
            ip: at(5),
        })
    }

    /// How many fields a row needs to hold every required column.
    pub fn width(&self) -> usize {
        [
            self.ad_id,
            self.timestamp,
            self.event,
            self.impression_id,
            self.user_id,
            self.ip,
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
            + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(line: &str) -> Result<Header, HeaderError> {
        Header::from_fields(line.split('\t').map(str::as_bytes))
    }

    #[test]
    fn the_documented_header() {
        let h = header("ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string")
            .unwrap();
        assert_eq!(
            (
                h.ad_id,
                h.timestamp,
                h.event,
                h.impression_id,
                h.user_id,
                h.ip
            ),
            (0, 1, 2, 3, 4, 5)
        );
        assert_eq!(h.width(), 6);
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_unknown_ones_ignored() {
        let h = header("\u{feff}IP\tcountry\t User_ID \tevent\tad_id\timpression_id\ttimestamp")
            .unwrap();
        assert_eq!(
            (
                h.ip,
                h.user_id,
                h.event,
                h.ad_id,
                h.impression_id,
                h.timestamp
            ),
            (0, 2, 3, 4, 5, 6)
        );
        assert_eq!(h.width(), 7);
    }

    #[test]
    fn missing_and_repeated_columns_are_named() {
        let e = header("ad_id\ttimestamp\tevent\tuser_id\tip").unwrap_err();
        assert_eq!(e, HeaderError::Missing(vec!["impression_id"]));
        assert!(e.to_string().contains("`impression_id`"), "{e}");
        let e = header("ad_id\ttimestamp").unwrap_err();
        assert_eq!(e.to_string().matches('`').count(), 8, "{e}");
        let e = header("ad_id\tad_id\ttimestamp\tevent\timpression_id\tuser_id\tip").unwrap_err();
        assert_eq!(e, HeaderError::Repeated("ad_id"));
        assert!(e.to_string().contains("`ad_id` twice"));
    }
}
