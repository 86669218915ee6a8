//! Read repair and the repair walk, without I/O: union the clusters' answers, find where
//! they disagree, pick each member's winner, and plan the writes that bring every cluster
//! up to it.

use std::collections::HashMap;

use crate::model::{Ksm, Op, Write};

/// What one cluster holds for a member: its score and side, or nothing.
pub type State = Option<(f64, Op)>;

/// A logical key and one of its members.
pub type Pair = (Vec<u8>, Vec<u8>);

/// Per `(key, member)` seen: the highest score, how many answers held it, whether their
/// scores differed.
type Seen<'a> = HashMap<(&'a [u8], &'a [u8]), (f64, usize, bool)>;

/// The winning state: the highest score; a delete wins a tie.
pub fn winner(states: &[State]) -> State {
    states
        .iter()
        .flatten()
        .copied()
        .fold(None, |best, (s, op)| match best {
            Some((b, bop)) if b > s || (b == s && (bop == Op::Delete || op == Op::Insert)) => {
                Some((b, bop))
            }
            _ => Some((s, op)),
        })
}

/// The union of the clusters' read answers (highest score per key and member wins) and
/// the `(key, member)` pairs on which they disagree.
pub fn union(answers: &[Vec<Ksm>]) -> (Vec<Ksm>, Vec<Pair>) {
    let mut seen: Seen = HashMap::new();
    for answer in answers {
        for item in answer {
            let entry = seen
                .entry((&item.key, &item.member))
                .or_insert((item.score, 0, false));
            if entry.0 != item.score {
                entry.2 = true;
                entry.0 = entry.0.max(item.score);
            }
            entry.1 += 1;
        }
    }
    let mut items = Vec::with_capacity(seen.len());
    let mut disputed = Vec::new();
    for ((key, member), (score, count, differs)) in seen {
        items.push(Ksm::new(key, score, member));
        if differs || count != answers.len() {
            disputed.push((key.to_vec(), member.to_vec()));
        }
    }
    (items, disputed)
}

/// The writes cluster `c` needs, for each cluster, given each member's states there
/// (`states[i][c]` for member `members[i]`): the winner re-issued wherever it is missing,
/// lower, or on the other side.
pub fn plan(
    members: &[(Vec<u8>, Vec<u8>)],
    states: &[Vec<State>],
    clusters: usize,
) -> Vec<Vec<Write>> {
    let mut writes = vec![Vec::new(); clusters];
    for ((key, member), states) in members.iter().zip(states) {
        let Some((score, op)) = winner(states) else {
            continue;
        };
        for (c, state) in states.iter().enumerate().take(clusters) {
            if *state != Some((score, op)) {
                writes[c].push(Write {
                    op,
                    item: Ksm::new(key.clone(), score, member.clone()),
                });
            }
        }
    }
    writes
}

/// Corrects a unioned read after repair: drops members whose winner is a delete and
/// takes the winner's score for the others.
pub fn correct(items: &mut Vec<Ksm>, members: &[(Vec<u8>, Vec<u8>)], states: &[Vec<State>]) {
    let winners: HashMap<(&[u8], &[u8]), State> = members
        .iter()
        .zip(states)
        .map(|((k, m), s)| ((&k[..], &m[..]), winner(s)))
        .collect();
    items.retain_mut(
        |item| match winners.get(&(&item.key[..], &item.member[..])) {
            None => true,
            Some(Some((score, Op::Insert))) => {
                item.score = *score;
                true
            }
            Some(_) => false,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_wins_and_delete_wins_ties() {
        assert_eq!(winner(&[None, None]), None);
        assert_eq!(
            winner(&[Some((1.0, Op::Insert)), None]),
            Some((1.0, Op::Insert))
        );
        assert_eq!(
            winner(&[Some((1.0, Op::Insert)), Some((2.0, Op::Insert))]),
            Some((2.0, Op::Insert))
        );
        assert_eq!(
            winner(&[Some((2.0, Op::Delete)), Some((1.0, Op::Insert))]),
            Some((2.0, Op::Delete))
        );
        for states in [
            [Some((2.0, Op::Insert)), Some((2.0, Op::Delete))],
            [Some((2.0, Op::Delete)), Some((2.0, Op::Insert))],
        ] {
            assert_eq!(winner(&states), Some((2.0, Op::Delete)));
        }
    }

    #[test]
    fn union_takes_the_highest_and_reports_disagreement() {
        let a = vec![Ksm::new("k", 1.0, "x"), Ksm::new("k", 2.0, "y")];
        let b = vec![Ksm::new("k", 3.0, "x"), Ksm::new("k", 2.0, "y")];
        let c = vec![Ksm::new("k", 1.0, "x")];
        let (mut items, mut disputed) = union(&[a.clone(), b, c]);
        items.sort_by(crate::model::ksm_order);
        disputed.sort();
        assert_eq!(items, [Ksm::new("k", 3.0, "x"), Ksm::new("k", 2.0, "y")]);
        assert_eq!(
            disputed,
            [
                (b"k".to_vec(), b"x".to_vec()),
                (b"k".to_vec(), b"y".to_vec())
            ]
        );
        let (_, disputed) = union(&[a.clone(), a]);
        assert!(disputed.is_empty());
    }

    #[test]
    fn plan_reissues_the_winner_where_it_is_missing_or_lower() {
        let members = vec![
            (b"k".to_vec(), b"x".to_vec()),
            (b"k".to_vec(), b"y".to_vec()),
        ];
        let states = vec![
            vec![Some((5.0, Op::Insert)), None, Some((4.0, Op::Insert))],
            vec![
                Some((1.0, Op::Insert)),
                Some((1.0, Op::Delete)),
                Some((1.0, Op::Delete)),
            ],
        ];
        let writes = plan(&members, &states, 3);
        let ins = |s, m: &str| Write {
            op: Op::Insert,
            item: Ksm::new("k", s, m),
        };
        let del = |s, m: &str| Write {
            op: Op::Delete,
            item: Ksm::new("k", s, m),
        };
        assert_eq!(writes[0], [del(1.0, "y")]);
        assert_eq!(writes[1], [ins(5.0, "x")]);
        assert_eq!(writes[2], [ins(5.0, "x")]);
        let mut items = vec![
            Ksm::new("k", 4.0, "x"),
            Ksm::new("k", 1.0, "y"),
            Ksm::new("k", 9.0, "z"),
        ];
        correct(&mut items, &members, &states);
        assert_eq!(items, [Ksm::new("k", 5.0, "x"), Ksm::new("k", 9.0, "z")]);
    }
}
