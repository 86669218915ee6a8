//! The farm's write quorum: a number of clusters, or a percentage of them rounded up.

use std::fmt;
use std::str::FromStr;

/// How many clusters must acknowledge a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quorum {
    /// Exactly this many clusters.
    Count(usize),
    /// This percentage of the clusters, rounded up.
    Percent(u32),
}

/// A quorum that does not parse or cannot be met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumError(pub String);

impl fmt::Display for QuorumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QuorumError {}

impl Default for Quorum {
    /// Roshi's default: a majority, `51%`.
    fn default() -> Self {
        Quorum::Percent(51)
    }
}

impl FromStr for Quorum {
    type Err = QuorumError;

    /// `"2"` or `"51%"`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let bad = || {
            QuorumError(format!(
                "write quorum {text:?} is neither a count nor a percentage"
            ))
        };
        match text.strip_suffix('%') {
            Some(p) => match p.trim().parse::<u32>() {
                Ok(p) if (1..=100).contains(&p) => Ok(Quorum::Percent(p)),
                Ok(_) => Err(QuorumError(format!(
                    "write quorum {text:?} must be 1% to 100%"
                ))),
                Err(_) => Err(bad()),
            },
            None => match text.parse::<usize>() {
                Ok(0) => Err(QuorumError("write quorum must be at least 1".into())),
                Ok(n) => Ok(Quorum::Count(n)),
                Err(_) => Err(bad()),
            },
        }
    }
}

impl Quorum {
    /// The acknowledgements needed out of `clusters`.
    pub fn required(self, clusters: usize) -> Result<usize, QuorumError> {
        match self {
            Quorum::Count(n) if n > clusters => Err(QuorumError(format!(
                "write quorum {n} exceeds the {clusters} configured clusters"
            ))),
            Quorum::Count(n) => Ok(n),
            Quorum::Percent(p) => Ok((clusters * p as usize).div_ceil(100).max(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(q: &str, n: usize) -> usize {
        q.parse::<Quorum>().unwrap().required(n).unwrap()
    }

    #[test]
    fn percentages_round_up() {
        assert_eq!(need("51%", 1), 1);
        assert_eq!(need("51%", 2), 2);
        assert_eq!(need("51%", 3), 2);
        assert_eq!(need("51%", 4), 3);
        assert_eq!(need("50%", 4), 2);
        assert_eq!(need("50%", 3), 2);
        assert_eq!(need("34%", 3), 2);
        assert_eq!(need("33%", 3), 1);
        assert_eq!(need("1%", 3), 1);
        assert_eq!(need("100%", 3), 3);
        assert_eq!(need(" 67 % ", 3), 3);
        assert_eq!(Quorum::default().required(5).unwrap(), 3);
    }

    #[test]
    fn counts_are_taken_as_they_are() {
        assert_eq!(need("1", 3), 1);
        assert_eq!(need("3", 3), 3);
        let err = "4".parse::<Quorum>().unwrap().required(3).unwrap_err();
        assert!(err.0.contains("exceeds"), "{err}");
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["", "0", "0%", "101%", "x", "-1", "1.5", "%"] {
            assert!(bad.parse::<Quorum>().is_err(), "{bad:?}");
        }
    }
}
