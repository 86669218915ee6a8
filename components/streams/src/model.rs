//! The store's element type and the order every read returns.

use std::cmp::Ordering;

/// One element of a logical key: Roshi's `KeyScoreMember`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ksm {
    /// The logical key (a stream), opaque bytes.
    pub key: Vec<u8>,
    /// The score, normally a timestamp; always finite.
    pub score: f64,
    /// The member, opaque bytes (may be empty).
    pub member: Vec<u8>,
}

impl Ksm {
    /// An element.
    pub fn new(key: impl Into<Vec<u8>>, score: f64, member: impl Into<Vec<u8>>) -> Self {
        Self {
            key: key.into(),
            score: normalize(score),
            member: member.into(),
        }
    }
}

/// The two writes of an LWW element set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Add the member (to `K+`).
    Insert,
    /// Remove the member (to `K-`, a tombstone).
    Delete,
}

/// `-0.0` becomes `0.0`, so equal scores compare equal everywhere (Redis does the same).
pub fn normalize(score: f64) -> f64 {
    if score == 0.0 { 0.0 } else { score }
}

/// Feed order: `Less` when `(a_score, a_member)` comes first, that is it is newer: a
/// higher score, or an equal score and a greater member (bytewise).
pub fn feed_order(a_score: f64, a_member: &[u8], b_score: f64, b_member: &[u8]) -> Ordering {
    b_score
        .total_cmp(&a_score)
        .then_with(|| b_member.cmp(a_member))
}

/// [`feed_order`] of two elements (their keys are not compared).
pub fn ksm_order(a: &Ksm, b: &Ksm) -> Ordering {
    feed_order(a.score, &a.member, b.score, &b.member)
}

/// One write: an element inserted or deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// Insert or delete.
    pub op: Op,
    /// The element (for a delete, the score is the delete's timestamp).
    pub item: Ksm,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_scores_then_greater_members_come_first() {
        let mut items = [
            Ksm::new("k", 1.0, "b"),
            Ksm::new("k", 2.0, "a"),
            Ksm::new("k", 1.0, "c"),
            Ksm::new("k", 1.0, ""),
            Ksm::new("k", -0.0, "z"),
        ];
        items.sort_by(ksm_order);
        let order: Vec<(f64, &[u8])> = items.iter().map(|i| (i.score, &i.member[..])).collect();
        assert_eq!(
            order,
            [
                (2.0, &b"a"[..]),
                (1.0, b"c"),
                (1.0, b"b"),
                (1.0, b""),
                (0.0, b"z")
            ]
        );
        assert!(items[4].score.is_sign_positive());
    }
}
