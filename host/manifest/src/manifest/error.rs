//! Manifest errors with file, line and column, plus the table an error occurred in.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// A 1-based position in the manifest text (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Line number, from 1.
    pub line: usize,
    /// Column number, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a manifest cannot be used.
#[derive(Debug, Error)]
pub enum ManifestError {
    /// The file cannot be read.
    #[error("{}: cannot read the manifest: {source}", path.display())]
    Read {
        /// The manifest path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML, does not fit the schema, or fails validation.
    #[error("{}: {}{message}", path.display(), prefix(location))]
    Invalid {
        /// The manifest path.
        path: PathBuf,
        /// Where the problem is, when known.
        location: Option<Location>,
        /// What is wrong, naming the key, trigger or component concerned.
        message: String,
    },
}

fn prefix(location: &Option<Location>) -> String {
    location.map(|l| format!("{l}: ")).unwrap_or_default()
}

impl ManifestError {
    /// Where the problem is, when known.
    pub fn location(&self) -> Option<Location> {
        match self {
            ManifestError::Read { .. } => None,
            ManifestError::Invalid { location, .. } => *location,
        }
    }
}

/// Fields Spin accepts that this host does not implement.
const SPIN_ONLY_FIELDS: &[&str] = &[
    "environment",
    "files",
    "exclude_files",
    "allowed_http_hosts",
    "key_value_stores",
    "sqlite_databases",
    "ai_models",
    "dependencies",
    "dependencies_inherit_configuration",
    "profile",
    "targets",
    "static_response",
    "components",
];

/// The manifest text being parsed, for turning byte offsets into locations.
pub(super) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    /// The line and column of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// A validation error at `span` (or without location).
    pub fn error(&self, span: Option<Range<usize>>, message: impl Into<String>) -> ManifestError {
        ManifestError::Invalid {
            path: self.path.to_path_buf(),
            location: span.map(|s| self.location(s.start)),
            message: message.into(),
        }
    }

    /// Converts a TOML/serde error, naming the table it occurred in.
    pub fn toml_error(&self, err: &toml::de::Error) -> ManifestError {
        let span = err.span();
        let mut message = err.message().trim_end().to_string();
        let table = span.as_ref().and_then(|s| self.table_at(s.start));
        if let Some(table) = table {
            let context = format!(" in {table}");
            match field_name_end(&message) {
                Some(end) => message.insert_str(end, &context),
                None => message.push_str(&context),
            }
        }
        if let Some(field) = unknown_field(&message)
            && SPIN_ONLY_FIELDS.contains(&field)
        {
            message.push_str(&format!(
                " (`{field}` is a Spin manifest field that the Tally host does not support)"
            ));
        }
        self.error(span, message)
    }

    /// The `[table]` or `[[array]]` header governing the byte at `offset`.
    fn table_at(&self, offset: usize) -> Option<String> {
        let offset = offset.min(self.text.len());
        let line_end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        self.text[..line_end].lines().rev().find_map(header)
    }
}

/// `[a.b]` / `[[a.b]]` if the line is a table header.
fn header(line: &str) -> Option<String> {
    let line = line.trim();
    let (open, close) = if line.starts_with("[[") {
        ("[[", "]]")
    } else {
        ("[", "]")
    };
    let inner = line.strip_prefix(open)?;
    let (inner, rest) = inner.split_once(close)?;
    let rest = rest.trim();
    let key_chars = |c: char| c.is_ascii_alphanumeric() || "_-.\"' ".contains(c);
    if inner.trim().is_empty()
        || !inner.chars().all(key_chars)
        || !(rest.is_empty() || rest.starts_with('#'))
    {
        return None;
    }
    Some(format!("{open}{}{close}", inner.trim()))
}

/// The byte just after the first backquoted name of "unknown/missing field `x`".
fn field_name_end(message: &str) -> Option<usize> {
    let start = ["unknown field `", "missing field `", "duplicate field `"]
        .iter()
        .find_map(|p| message.starts_with(p).then_some(p.len()))?;
    message[start..].find('`').map(|i| start + i + 1)
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source<'_> {
        Source {
            path: Path::new("spin.toml"),
            text,
        }
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        let s = source("a = 1\nbb = 2\n  é = 3\n");
        assert_eq!(s.location(0), Location { line: 1, column: 1 });
        assert_eq!(s.location(6), Location { line: 2, column: 1 });
        assert_eq!(s.location(8), Location { line: 2, column: 3 });
        let e = s.text.rfind('=').unwrap();
        assert_eq!(s.location(e).line, 3);
        assert_eq!(
            s.location(e).column,
            5,
            "columns count characters, not bytes"
        );
    }

    #[test]
    fn finds_the_enclosing_table_header() {
        let text = "x = 1\n[component.points]\nsource = \"p\"\nhosts = [\n  \"a\",\n]\n\
                    [[trigger.http]] # comment\nroute = \"/\"\n";
        let s = source(text);
        assert_eq!(s.table_at(0), None);
        let at = |needle: &str| s.table_at(text.find(needle).unwrap());
        assert_eq!(at("source").as_deref(), Some("[component.points]"));
        assert_eq!(at("\"a\"").as_deref(), Some("[component.points]"));
        assert_eq!(at("route").as_deref(), Some("[[trigger.http]]"));
    }

    #[test]
    fn field_messages_get_table_context() {
        let msg = "unknown field `foo`, expected one of `a`, `b`";
        let end = field_name_end(msg).unwrap();
        assert_eq!(&msg[..end], "unknown field `foo`");
        assert_eq!(unknown_field(msg), Some("foo"));
        assert_eq!(field_name_end("invalid type: integer"), None);
    }
}
