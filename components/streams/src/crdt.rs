//! The LWW-element-set write rules, in memory: the reference model of the Lua write
//! script (`scripts::WRITE`), property-tested here against the set's definition.

use std::collections::BTreeMap;

use crate::model::{Op, feed_order};

/// One logical key: its add side (`K+`) and remove side (`K-`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LwwSet {
    /// `K+`: member → score.
    pub adds: BTreeMap<Vec<u8>, f64>,
    /// `K-`: member → score (tombstones).
    pub removes: BTreeMap<Vec<u8>, f64>,
}

impl LwwSet {
    /// Applies one write by the four rules; returns whether it changed anything.
    ///
    /// 1. a side holding `max_size` members rejects a score below its lowest;
    /// 2. a higher (or equal: nothing to do) score on the written side rejects;
    /// 3. a score on the other side rejects when higher, or equal for an insert (so a
    ///    delete wins ties in either order);
    /// 4. otherwise move the member to the written side and trim that side to the
    ///    `max_size` highest.
    pub fn apply(&mut self, op: Op, score: f64, member: &[u8], max_size: usize) -> bool {
        let (own, other) = match op {
            Op::Insert => (&mut self.adds, &mut self.removes),
            Op::Delete => (&mut self.removes, &mut self.adds),
        };
        if own.len() >= max_size && lowest(own).is_some_and(|(low, _)| score < low) {
            return false;
        }
        if own.get(member).is_some_and(|&s| s >= score) {
            return false;
        }
        if let Some(&theirs) = other.get(member)
            && (theirs > score || (theirs == score && op == Op::Insert))
        {
            return false;
        }
        other.remove(member);
        own.insert(member.to_vec(), score);
        while own.len() > max_size {
            let (_, m) = lowest(own).expect("a side over its size is not empty");
            own.remove(&m);
        }
        true
    }

    /// The add side in feed order (what a read returns).
    pub fn read(&self) -> Vec<(f64, Vec<u8>)> {
        let mut out: Vec<(f64, Vec<u8>)> = self.adds.iter().map(|(m, s)| (*s, m.clone())).collect();
        out.sort_by(|a, b| feed_order(a.0, &a.1, b.0, &b.1));
        out
    }
}

/// The lowest element of a side by Redis's order (score, then member, ascending).
fn lowest(side: &BTreeMap<Vec<u8>, f64>) -> Option<(f64, Vec<u8>)> {
    side.iter()
        .min_by(|a, b| a.1.total_cmp(b.1).then_with(|| a.0.cmp(b.0)))
        .map(|(m, s)| (*s, m.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A seeded SplitMix64, so every failure reproduces.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn shuffle<T>(&mut self, items: &mut [T]) {
            for i in (1..items.len()).rev() {
                items.swap(i, self.below(i as u64 + 1) as usize);
            }
        }
    }

    type Write = (Op, f64, Vec<u8>);

    /// Few members and few scores, so equal scores and repeated members are common.
    fn random_writes(rng: &mut Rng, most: u64, deletes: bool) -> Vec<Write> {
        let n = 1 + rng.below(most);
        (0..n)
            .map(|_| {
                let op = if deletes && rng.below(3) == 0 {
                    Op::Delete
                } else {
                    Op::Insert
                };
                let score = rng.below(6) as f64 - 1.0;
                let member = match rng.below(5) {
                    0 => Vec::new(),
                    n => vec![b'a' + n as u8, 0xff],
                };
                (op, score, member)
            })
            .collect()
    }

    fn run(writes: &[Write], max_size: usize) -> LwwSet {
        let mut set = LwwSet::default();
        for (op, score, member) in writes {
            set.apply(*op, *score, member, max_size);
        }
        set
    }

    /// The set's definition: per member, the highest write wins, a delete on a tie.
    fn definition(writes: &[Write]) -> Vec<(f64, Vec<u8>)> {
        let mut winner: BTreeMap<Vec<u8>, (f64, Op)> = BTreeMap::new();
        for (op, score, member) in writes {
            let w = winner.entry(member.clone()).or_insert((*score, *op));
            if *score > w.0 || (*score == w.0 && *op == Op::Delete) {
                *w = (*score, *op);
            }
        }
        let mut set = LwwSet::default();
        for (m, (s, op)) in winner {
            if op == Op::Insert {
                set.adds.insert(m, s);
            }
        }
        set.read()
    }

    #[test]
    fn any_order_of_the_same_writes_converges_to_the_definition() {
        let mut rng = Rng(0x5eed);
        for _ in 0..500 {
            let mut writes = random_writes(&mut rng, 30, true);
            let expected = run(&writes, 10_000);
            assert_eq!(expected.read(), definition(&writes));
            for _ in 0..5 {
                rng.shuffle(&mut writes);
                assert_eq!(run(&writes, 10_000), expected, "{writes:?}");
            }
        }
    }

    #[test]
    fn repeated_writes_change_nothing() {
        let mut rng = Rng(42);
        for _ in 0..500 {
            let writes = random_writes(&mut rng, 30, true);
            let mut set = run(&writes, 10_000);
            let before = set.clone();
            for (op, score, member) in &writes {
                assert!(!set.apply(*op, *score, member, 10_000));
            }
            assert_eq!(set, before);
            // Every write delivered twice in a row, in any order, gives the same state.
            let doubled: Vec<Write> = writes.iter().flat_map(|w| [w.clone(), w.clone()]).collect();
            assert_eq!(run(&doubled, 10_000), before);
        }
    }

    #[test]
    fn delete_beats_insert_on_equal_scores_in_either_order() {
        for order in [[Op::Insert, Op::Delete], [Op::Delete, Op::Insert]] {
            let mut set = LwwSet::default();
            for op in order {
                set.apply(op, 5.0, b"m", 10);
            }
            assert!(set.adds.is_empty(), "{order:?}");
            assert_eq!(set.removes.get(&b"m"[..]), Some(&5.0));
        }
        // A higher insert still wins over an older delete, and vice versa.
        let mut set = LwwSet::default();
        set.apply(Op::Delete, 5.0, b"m", 10);
        assert!(set.apply(Op::Insert, 6.0, b"m", 10));
        assert_eq!(set.read(), [(6.0, b"m".to_vec())]);
        assert!(set.removes.is_empty());
        assert!(!set.apply(Op::Delete, 5.5, b"m", 10));
    }

    #[test]
    fn a_delete_of_a_never_inserted_member_leaves_a_tombstone() {
        let mut set = LwwSet::default();
        assert!(set.apply(Op::Delete, 3.0, b"ghost", 10));
        assert!(!set.apply(Op::Insert, 2.0, b"ghost", 10));
        assert!(set.read().is_empty());
    }

    #[test]
    fn both_sides_keep_the_max_size_highest() {
        let mut set = LwwSet::default();
        for (i, m) in [b"a", b"b", b"c", b"d"].iter().enumerate() {
            set.apply(Op::Insert, i as f64, *m, 2);
            set.apply(Op::Delete, 10.0 + i as f64, &[m[0].to_ascii_uppercase()], 2);
        }
        assert_eq!(set.read(), [(3.0, b"d".to_vec()), (2.0, b"c".to_vec())]);
        assert_eq!(set.removes.len(), 2);
        // Rule 1: a full side rejects anything older than its oldest.
        assert!(!set.apply(Op::Insert, 1.5, b"z", 2));
        // On a tie with the oldest the smaller member is trimmed.
        assert!(set.apply(Op::Insert, 2.0, b"e", 2));
        assert_eq!(set.read(), [(3.0, b"d".to_vec()), (2.0, b"e".to_vec())]);
    }

    #[test]
    fn inserts_alone_converge_even_when_trimmed() {
        let mut rng = Rng(7);
        for _ in 0..500 {
            let mut writes = random_writes(&mut rng, 30, false);
            let max = 1 + rng.below(4) as usize;
            let expected = run(&writes, max);
            let mut top = definition(&writes);
            top.truncate(max);
            assert_eq!(expected.read(), top);
            rng.shuffle(&mut writes);
            assert_eq!(run(&writes, max), expected, "{writes:?} max {max}");
        }
    }
}
