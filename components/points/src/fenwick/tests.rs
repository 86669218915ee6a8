use super::*;
use crate::decompose::decompose;

fn s(parent: &str, lo: u32, hi: u32) -> Span {
    Span {
        parent: parent.into(),
        lo,
        hi,
    }
}

/// The sums hash of a bucket whose child values are `values` (child `first + k` holds
/// `values[k]`), built from the definition: node i sums children i - lowbit(i) + 1 ..= i.
fn tree(parent: &str, values: &[i64]) -> BTreeMap<String, i64> {
    let (first, n) = children(parent);
    assert_eq!(values.len(), n as usize);
    let mut fields = BTreeMap::new();
    fields.insert(parent.to_string(), values.iter().sum());
    for i in 1..=n {
        let sum = values[(i - lowbit(i)) as usize..i as usize].iter().sum();
        fields.insert(format!("{parent}{:02}", i - 1 + first), sum);
    }
    fields
}

fn eval(terms: &Terms, fields: &BTreeMap<String, i64>) -> i64 {
    let get = |f: &String| *fields.get(f).unwrap_or_else(|| panic!("no field {f}"));
    terms.plus.iter().map(get).sum::<i64>() - terms.minus.iter().map(get).sum::<i64>()
}

fn fields(v: &[&str]) -> Vec<String> {
    v.iter().map(|f| f.to_string()).collect()
}

#[test]
fn children_of_each_level() {
    assert_eq!(children("2024"), (1, 12));
    assert_eq!(children("202402"), (1, 29));
    assert_eq!(children("202502"), (1, 28));
    assert_eq!(children("202512"), (1, 31));
    assert_eq!(children("20251231"), (0, 24));
    assert_eq!(children("2025123112"), (0, 60));
    assert_eq!(children("202512311234"), (0, 60));
}

#[test]
fn every_span_of_every_level_sums_exactly() {
    let mut seed = 7u64;
    for parent in [
        "2025",
        "202402",
        "202502",
        "202504",
        "202512",
        "20251231",
        "2025123112",
        "202512311234",
    ] {
        let (first, n) = children(parent);
        let values: Vec<i64> = (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 40) as i64 % 1000 - 300
            })
            .collect();
        let fields = tree(parent, &values);
        for lo in first..first + n {
            for hi in lo..first + n {
                let terms = span_terms(&s(parent, lo, hi));
                let want: i64 = values[(lo - first) as usize..=(hi - first) as usize]
                    .iter()
                    .sum();
                assert_eq!(
                    eval(&terms, &fields),
                    want,
                    "{parent} {lo}..{hi}: {terms:?}"
                );
                // At most two nodes per bit of the child count, plus the total.
                assert!(terms.len() <= 13, "{parent} {lo}..{hi}: {terms:?}");
            }
        }
    }
}

#[test]
fn edges_of_a_window_are_a_few_fields() {
    // The last 365 days to 2025-12-31 12:34:56 (the benchmark's year).
    let spans = decompose(1_735_734_897, 1_767_184_496);
    let sizes: Vec<usize> = spans.iter().map(|s| span_terms(s).len()).collect();
    assert_eq!(sizes, [2, 4, 4, 2, 4, 2, 2, 2, 3]);
    // A suffix of a month: its total minus day 1.
    assert_eq!(
        span_terms(&s("202501", 2, 31)),
        Terms {
            plus: fields(&["202501"]),
            minus: fields(&["20250101"])
        }
    );
    // A whole bucket is its total; one child may be a node of its own.
    assert_eq!(span_terms(&s("2025", 1, 12)).plus, fields(&["2025"]));
    assert_eq!(
        span_terms(&s("2025123112", 0, 0)).plus,
        fields(&["202512311200"])
    );
    // The last 60 seconds: 2 + 3 fields.
    let minute: usize = decompose(1_767_184_437, 1_767_184_496)
        .iter()
        .map(|s| span_terms(s).len())
        .sum();
    assert_eq!(minute, 5);
}

#[test]
fn children_past_the_end_of_the_bucket_read_nothing_more() {
    // Days 29..31 of a 28-day February are days 29..28: nothing.
    assert!(span_terms(&s("202502", 29, 31)).is_empty());
    assert_eq!(
        span_terms(&s("202502", 27, 31)),
        span_terms(&s("202502", 27, 28))
    );
}
