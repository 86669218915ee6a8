//! Property tests of everything etl parses from outside: TSV files (arbitrary bytes, rows
//! of valid and invalid fields, any split into pieces), timestamps, S3/SQS event bodies
//! and the dashboard's parameters. Properties: nothing panics; a file parses the same
//! whatever pieces it arrives in; a valid row holds only what Postgres can store; a
//! refusal names the field or parameter. `PROPTEST_CASES` raises the case count
//! (`scripts/fuzz.sh`).

use proptest::prelude::*;
use tally_common::params::Params;

use crate::parser::Parser;
use crate::{events, query, timestamp};

const HEADER: &str = "ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string\n";

/// One TSV field: often valid, sometimes not, sometimes hostile.
fn field(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(valid).prop_map(str::to_string),
        // A lone CR is data (only `\n` ends a row, a `\r` before it is trimmed).
        1 => "[^\t\n]{0,12}",
        1 => Just("a\u{0}b".to_string()),
    ]
}

fn row() -> impl Strategy<Value = String> {
    (
        field(&["100", "101", "-1", "9223372036854775807"]),
        field(&[
            "2019-01-03 00:00:10 UTC",
            "2019-01-03T01:00:10+01:00",
            "2019-01-04 23:59:59.5Z",
        ]),
        field(&["view", "click", "VIEW"]),
        field(&["i1", "i2", "'; DROP TABLE ad_metrics; --"]),
        field(&["u1", "u2", "ünï"]),
        field(&["1.2.3.4", "::1", "2001:db8::1"]),
        "[^\t\n]{0,8}",
    )
        .prop_map(|(a, t, e, i, u, ip, ua)| format!("{a}\t{t}\t{e}\t{i}\t{u}\t{ip}\t{ua}\n"))
}

/// Feeds `bytes` to a parser cut at `cuts` (positions, any order); the chunks and summary.
fn parse(
    bytes: &[u8],
    cuts: &[usize],
    chunk_rows: usize,
) -> Result<(Vec<crate::row::Chunk>, crate::parser::Summary), String> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut parser = Parser::new(chunk_rows);
    let mut chunks = Vec::new();
    let mut at = 0;
    for cut in cuts.into_iter().chain([bytes.len()]) {
        chunks.extend(parser.feed(&bytes[at..cut]).map_err(|e| e.to_string())?);
        at = cut;
    }
    let (rest, summary) = parser.finish().map_err(|e| e.to_string())?;
    chunks.extend(rest);
    Ok((chunks, summary))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), cuts in proptest::collection::vec(any::<usize>(), 0..4)) {
        let _ = parse(&bytes, &cuts, 3);
        let _ = events::parse(&bytes);
    }

    #[test]
    fn a_file_parses_the_same_in_any_pieces(
        rows in proptest::collection::vec(row(), 0..24),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
        chunk_rows in 1usize..5,
    ) {
        let file = format!("{HEADER}{}", rows.concat());
        let whole = parse(file.as_bytes(), &[], chunk_rows);
        let pieces = parse(file.as_bytes(), &cuts, chunk_rows);
        prop_assert_eq!(&whole, &pieces);
        let (chunks, summary) = whole.unwrap();
        prop_assert_eq!(summary.rows + summary.bad_rows, rows.len() as u64);
        prop_assert_eq!(chunks.iter().map(|c| c.len() as u64).sum::<u64>(), summary.rows);
        for bad in &summary.bad_lines {
            prop_assert!(bad.reason.contains('`') || bad.reason.contains("fields"), "{}", bad.reason);
        }
        // What a valid row stages is storable: Postgres text holds no NUL.
        for c in &chunks {
            for s in c.impression_ids.iter().chain(&c.user_ids).chain(&c.ips).flatten() {
                prop_assert!(!s.contains('\0'), "{s:?}");
            }
        }
    }

    #[test]
    fn carriage_returns_in_fields_never_split_rows(
        uas in proptest::collection::vec("[a-z \r]{0,12}", 1..20),
        crlf in any::<bool>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let file: String = std::iter::once(HEADER.to_string())
            .chain(uas.iter().enumerate().map(|(i, ua)| {
                format!("{i}\t2019-01-03 00:00:10 UTC\tview\ti\r{i}\tu{i}\t10.0.0.1\t{ua}{end}")
            }))
            .collect();
        let (chunks, summary) = parse(file.as_bytes(), &cuts, 3).unwrap();
        prop_assert_eq!((summary.rows, summary.bad_rows), (uas.len() as u64, 0));
        let ids: Vec<String> = chunks.iter().flat_map(|c| c.impression_ids.iter().flatten().cloned()).collect();
        prop_assert_eq!(ids, (0..uas.len()).map(|i| format!("i\r{i}")).collect::<Vec<_>>());
    }

    #[test]
    fn timestamps_never_panic(value in prop_oneof![
        "\\PC{0,32}",
        "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?( UTC|Z|[+-][0-9]{2}:[0-9]{2})?",
    ]) {
        if let Ok(micros) = timestamp::parse_micros(&value) {
            let _ = (timestamp::hour_start_secs(micros), timestamp::day_of(micros));
        }
    }

    #[test]
    fn dashboard_parameters_parse_or_name_themselves(query in "[a-z_=&%0-9A-F:.T+-]{0,60}") {
        let Ok(params) = Params::strict_query(Some(&query)) else { return Ok(()) };
        let named = |r: Result<(), tally_common::problem::Problem>| match r {
            Ok(()) => true,
            Err(p) => p.detail.contains('`'),
        };
        let range = query::Range::from_params(&params).map(|r| r.buckets(query::Granularity::Day).len());
        prop_assert!(named(range.map(|_| ())));
        prop_assert!(named(query::granularity(&params).map(|_| ())));
        prop_assert!(named(query::by(&params).map(|_| ())));
        prop_assert!(named(query::limit(&params).map(|_| ())));
        prop_assert!(named(query::ad_ids(&params).map(|_| ())));
        prop_assert!(named(query::id("ad_id", &query).map(|_| ())));
    }
}
