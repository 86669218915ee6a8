//! Which fields of a bucket's sums hash add up to a span of its children.
//!
//! Each bucket `<stem><bucket>` has a sums hash `<stem><bucket>:f` holding a Fenwick
//! (binary indexed) tree over its children: the children are numbered 1..=n in time order
//! (months and days from 1, hours, minutes and seconds from 0 + 1), and node `i` — field
//! `<bucket><child i>` — holds the sum of children `i - lowbit(i) + 1 ..= i`. Field
//! `<bucket>` holds the bucket's total. A write adds its delta to the total and to the
//! nodes `j, j + lowbit(j), ... <= n` of its child `j` (about three per level), so any
//! run of children is a handful of fields: `prefix(hi) - prefix(lo - 1)`, where a prefix
//! is either its nodes (`x, x - lowbit(x), ...`) or the total minus the nodes above it.
//! The same fields with `:<atid>` appended hold the tree of one activity type.

use std::collections::BTreeMap;

use crate::calendar::days_in_month;
use crate::decompose::Span;

/// The children of bucket `parent` (`YYYY` .. `YYYYMMDDHHMM`): the value of the first
/// child (1 for months and days, 0 otherwise) and how many there are.
pub fn children(parent: &str) -> (u32, u32) {
    match parent.len() {
        4 => (1, 12),
        6 => {
            let year = parent[..4].parse().unwrap_or(2000);
            let month = parent[4..].parse().unwrap_or(1);
            (1, days_in_month(year, month))
        }
        8 => (0, 24),
        _ => (0, 60),
    }
}

/// The fields to add and to subtract for one span's sum (without the `:<atid>` suffix).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    /// Fields whose values are added.
    pub plus: Vec<String>,
    /// Fields whose values are subtracted.
    pub minus: Vec<String>,
}

impl Terms {
    /// How many fields the span reads.
    pub fn len(&self) -> usize {
        self.plus.len() + self.minus.len()
    }

    /// Whether the span reads nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Node coefficients: key 0 is the bucket's total, key `i >= 1` node `i`.
type Coefs = BTreeMap<u32, i32>;

fn lowbit(i: u32) -> u32 {
    i & i.wrapping_neg()
}

/// Adds `sign` times the nodes whose sum is children 1..=x.
fn add_nodes(coefs: &mut Coefs, mut x: u32, sign: i32) {
    while x > 0 {
        *coefs.entry(x).or_default() += sign;
        x -= lowbit(x);
    }
}

/// The two ways of reading children 1..=x of `n`: its nodes, or the total minus the
/// nodes of x+1..=n (equal when the tree is consistent, as every write keeps it).
fn prefix_ways(x: u32, n: u32) -> [Coefs; 2] {
    let mut nodes = Coefs::new();
    add_nodes(&mut nodes, x, 1);
    let mut complement = Coefs::new();
    if x > 0 {
        complement.insert(0, 1);
        add_nodes(&mut complement, n, -1);
        add_nodes(&mut complement, x, 1);
    }
    [nodes, complement]
}

/// How many fields `coefs` reads.
fn cost(coefs: &Coefs) -> u32 {
    coefs.values().map(|c| c.unsigned_abs()).sum()
}

/// The fewest fields of `span.parent`'s sums hash whose signed sum is the span's sum.
pub fn span_terms(span: &Span) -> Terms {
    let (first, n) = children(&span.parent);
    let hi = (span.hi + 1 - first).min(n);
    let lo = span.lo + 1 - first;
    if lo > hi {
        return Terms::default();
    }
    let mut best: Option<Coefs> = None;
    for upper in prefix_ways(hi, n) {
        for lower in prefix_ways(lo - 1, n) {
            let mut coefs = upper.clone();
            for (k, c) in lower {
                *coefs.entry(k).or_default() -= c;
            }
            coefs.retain(|_, c| *c != 0);
            if best.as_ref().is_none_or(|b| cost(&coefs) < cost(b)) {
                best = Some(coefs);
            }
        }
    }
    let mut terms = Terms::default();
    for (k, c) in best.unwrap_or_default() {
        let field = if k == 0 {
            span.parent.clone()
        } else {
            format!("{}{:02}", span.parent, k - 1 + first)
        };
        // a field counted twice is listed twice
        let side = if c > 0 {
            &mut terms.plus
        } else {
            &mut terms.minus
        };
        side.extend(std::iter::repeat_n(field, c.unsigned_abs() as usize));
    }
    terms
}

#[cfg(test)]
mod tests;
