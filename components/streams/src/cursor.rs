//! The cursor codec: `<decimal u64 of the score's IEEE-754 bits>A<URL-safe base64 of the
//! member>`, as Roshi writes it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE};
use base64::engine::{DecodePaddingMode, general_purpose};

use crate::model::{feed_order, normalize};

/// A position in a feed: the element `(score, member)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The element's score.
    pub score: f64,
    /// The element's member.
    pub member: Vec<u8>,
}

/// Why a cursor did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorError(pub String);

impl fmt::Display for CursorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CursorError {}

/// URL-safe alphabet, padding optional on input.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64 in either alphabet, padded or not. A `' '` is read as `'+'`, as a
/// standard-alphabet cursor pasted unescaped into a query string arrives that way.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text: String = text
        .chars()
        .map(|c| match c {
            '+' | ' ' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    LENIENT.decode(text).ok()
}

/// Standard base64 (the encoding of `[]byte` in roshi-server's JSON).
pub fn encode_std(bytes: &[u8]) -> String {
    general_purpose::STANDARD.encode(bytes)
}

impl Cursor {
    /// The cursor of an element.
    pub fn new(score: f64, member: impl Into<Vec<u8>>) -> Self {
        Self {
            score: normalize(score),
            member: member.into(),
        }
    }

    /// Parses `text`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Cursor, CursorError> {
        let (bits, member) = text
            .split_once('A')
            .ok_or_else(|| CursorError(format!("cursor {text:?} has no `A` separator")))?;
        let bits: u64 = bits.parse().map_err(|_| {
            CursorError(format!(
                "cursor {text:?} does not start with the decimal bits of a score"
            ))
        })?;
        let score = f64::from_bits(bits);
        if !score.is_finite() {
            return Err(CursorError(format!(
                "cursor {text:?} has a non-finite score"
            )));
        }
        let member = decode_base64(member)
            .ok_or_else(|| CursorError(format!("cursor {text:?} has an invalid base64 member")))?;
        Ok(Cursor::new(score, member))
    }

    /// Whether `(score, member)` comes strictly after (is older than) this cursor.
    pub fn has_after(&self, score: f64, member: &[u8]) -> bool {
        feed_order(score, member, self.score, &self.member).is_gt()
    }

    /// Whether `(score, member)` comes strictly before (is newer than) this cursor.
    pub fn has_before(&self, score: f64, member: &[u8]) -> bool {
        feed_order(score, member, self.score, &self.member).is_lt()
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}A{}",
            self.score.to_bits(),
            URL_SAFE.encode(&self.member)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_empty_binary_and_alphabet_edge_members() {
        let members: [&[u8]; 6] = [
            b"",
            b"\x00\xff\xfe",
            b"\xfb\xff",
            b"\xff\xff\xff",
            b"A",
            b"{\"content_id\":\"1\"}",
        ];
        for member in members {
            for score in [0.0, 1.5, -3.25, 1.445e18, f64::MAX, f64::MIN_POSITIVE] {
                let cursor = Cursor::new(score, member);
                let text = cursor.to_string();
                assert!(!text.contains(['+', '/']), "{text}");
                assert_eq!(Cursor::parse(&text).unwrap(), cursor, "{text}");
            }
        }
    }

    #[test]
    fn known_encoding() {
        let c = Cursor::new(1.0, b"\xfb\xff".to_vec());
        assert_eq!(c.to_string(), "4607182418800017408A-_8=");
        // The original's standard alphabet, escaped or arriving as a space, still parses.
        assert_eq!(Cursor::parse("4607182418800017408A+/8=").unwrap(), c);
        assert_eq!(Cursor::parse("4607182418800017408A /8").unwrap(), c);
        assert_eq!(Cursor::parse("0A").unwrap(), Cursor::new(0.0, b"".to_vec()));
    }

    #[test]
    fn bad_cursors_say_why() {
        for (text, why) in [
            ("", "no `A`"),
            ("12", "no `A`"),
            ("xA", "decimal bits"),
            ("-1A", "decimal bits"),
            ("18446744073709551616A", "decimal bits"),
            ("9218868437227405312A", "non-finite"),
            ("1A!!", "invalid base64"),
        ] {
            let err = Cursor::parse(text).unwrap_err();
            assert!(err.0.contains(why), "{text}: {err}");
            assert!(err.0.contains("cursor"));
        }
    }

    #[test]
    fn before_and_after() {
        let c = Cursor::new(5.0, b"m".to_vec());
        assert!(c.has_after(4.0, b"z"));
        assert!(c.has_after(5.0, b"l"));
        assert!(!c.has_after(5.0, b"m"));
        assert!(c.has_before(5.0, b"n"));
        assert!(c.has_before(6.0, b""));
        assert!(!c.has_before(5.0, b"m"));
    }
}
