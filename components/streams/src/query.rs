//! Which elements a read returns: the window (top with an offset, after a cursor, before
//! a cursor), an optional stop cursor and a limit, applied to candidate elements.

use crate::cursor::Cursor;
use crate::model::{Ksm, ksm_order};

/// Where a page starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// From the newest element, skipping `offset` elements.
    Top {
        /// Elements skipped.
        offset: usize,
    },
    /// Elements strictly older than the cursor (`from=`, Roshi's `start=`).
    After(Cursor),
    /// The elements just newer than the cursor (`before=`), still returned newest first.
    Before(Cursor),
}

/// A read: a window, an optional stop cursor (elements must be strictly newer than it)
/// and the page size.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Where the page starts.
    pub window: Window,
    /// Roshi's `stop=`: only elements strictly newer than this.
    pub stop: Option<Cursor>,
    /// The most elements a page holds.
    pub limit: usize,
}

impl Query {
    /// The newest `limit` elements.
    pub fn top(limit: usize) -> Self {
        Self {
            window: Window::Top { offset: 0 },
            stop: None,
            limit,
        }
    }

    /// How many elements each key must yield for the page to be complete.
    pub fn per_key(&self) -> usize {
        match self.window {
            Window::Top { offset } => offset.saturating_add(self.limit),
            _ => self.limit,
        }
    }

    /// Whether an element lies inside the window's cursor bounds.
    pub fn admits(&self, score: f64, member: &[u8]) -> bool {
        let inside = match &self.window {
            Window::Top { .. } => true,
            Window::After(c) => c.has_after(score, member),
            Window::Before(c) => c.has_before(score, member),
        };
        inside
            && self
                .stop
                .as_ref()
                .is_none_or(|s| s.has_before(score, member))
    }

    /// The page made from `candidates` (any order; elements outside the window are
    /// dropped): newest first, at most `limit`.
    pub fn page(&self, mut candidates: Vec<Ksm>) -> Vec<Ksm> {
        candidates.retain(|i| self.admits(i.score, &i.member));
        candidates.sort_by(ksm_order);
        match self.window {
            Window::Top { offset } => candidates
                .into_iter()
                .skip(offset)
                .take(self.limit)
                .collect(),
            Window::After(_) => {
                candidates.truncate(self.limit);
                candidates
            }
            Window::Before(_) => {
                let skip = candidates.len().saturating_sub(self.limit);
                candidates.split_off(skip)
            }
        }
    }

    /// One page per key of `keys`, in that order, from the candidates of all of them.
    pub fn pages(&self, keys: &[Vec<u8>], candidates: Vec<Ksm>) -> Vec<Vec<Ksm>> {
        let mut per_key: Vec<Vec<Ksm>> = vec![Vec::new(); keys.len()];
        for item in candidates {
            if let Some(i) = keys.iter().position(|k| *k == item.key) {
                per_key[i].push(item);
            }
        }
        per_key.into_iter().map(|items| self.page(items)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(scores: &[(f64, &str)]) -> Vec<Ksm> {
        scores.iter().map(|(s, m)| Ksm::new("k", *s, *m)).collect()
    }

    fn members(page: &[Ksm]) -> Vec<String> {
        page.iter()
            .map(|i| String::from_utf8(i.member.clone()).unwrap())
            .collect()
    }

    #[test]
    fn top_with_offset() {
        let all = items(&[(1.0, "a"), (3.0, "c"), (2.0, "b"), (2.0, "bb")]);
        let q = Query {
            window: Window::Top { offset: 1 },
            stop: None,
            limit: 2,
        };
        assert_eq!(members(&q.page(all)), ["bb", "b"]);
        assert_eq!(q.per_key(), 3);
    }

    #[test]
    fn pages_of_ties_neither_repeat_nor_skip() {
        let all: Vec<Ksm> = (0..50)
            .map(|i| Ksm::new("k", 7.0, format!("m{i:02}")))
            .collect();
        let mut seen = Vec::new();
        let mut q = Query::top(7);
        loop {
            let page = q.page(all.clone());
            if page.is_empty() {
                break;
            }
            let last = page.last().unwrap();
            q.window = Window::After(Cursor::new(last.score, last.member.clone()));
            seen.extend(members(&page));
        }
        let mut expected: Vec<String> = (0..50).rev().map(|i| format!("m{i:02}")).collect();
        assert_eq!(seen, expected);
        // Backwards from the oldest gives the same elements in reverse page order.
        let mut back = Vec::new();
        let oldest = Cursor::new(7.0, b"m00".to_vec());
        let mut q = Query {
            window: Window::Before(oldest),
            stop: None,
            limit: 7,
        };
        loop {
            let page = q.page(all.clone());
            if page.is_empty() {
                break;
            }
            let first = &page[0];
            q.window = Window::Before(Cursor::new(first.score, first.member.clone()));
            let mut m = members(&page);
            m.extend(back);
            back = m;
        }
        expected.pop();
        assert_eq!(back, expected);
    }

    #[test]
    fn start_and_stop_select_strictly_between() {
        let all = items(&[(5.0, "e"), (4.0, "d"), (3.0, "c"), (2.0, "b"), (1.0, "a")]);
        let q = Query {
            window: Window::After(Cursor::new(5.0, b"e".to_vec())),
            stop: Some(Cursor::new(2.0, b"b".to_vec())),
            limit: 10,
        };
        assert_eq!(members(&q.page(all)), ["d", "c"]);
    }

    #[test]
    fn pages_per_key_in_key_order() {
        let mut all = items(&[(1.0, "a"), (2.0, "b")]);
        all.push(Ksm::new("j", 9.0, "z"));
        let keys = vec![b"j".to_vec(), b"k".to_vec(), b"none".to_vec()];
        let pages = Query::top(1).pages(&keys, all);
        assert_eq!(
            pages.iter().map(|p| members(p)).collect::<Vec<_>>(),
            [vec!["z"], vec!["b"], vec![]]
        );
    }
}
