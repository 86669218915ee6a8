use sha2::{Digest, Sha256};

use super::*;

/// The seed's sample: a header and 27 rows, no line end after the last.
const SAMPLE: &str = include_str!("../testdata/ad-events-sample.tsv");

const HEADER: &str = "ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string\n";

fn read(file: &[u8], piece: usize, chunk_rows: usize) -> Result<(Vec<Chunk>, Summary), ParseError> {
    let mut parser = Parser::new(chunk_rows);
    let mut chunks = Vec::new();
    for part in file.chunks(piece) {
        chunks.extend(parser.feed(part)?);
    }
    let (last, summary) = parser.finish()?;
    chunks.extend(last);
    Ok((chunks, summary))
}

fn concat(chunks: &[Chunk]) -> Chunk {
    let mut all = Chunk::default();
    for c in chunks {
        all.ad_ids.extend(c.ad_ids.iter().cloned());
        all.hours.extend(c.hours.iter().cloned());
        all.clicks.extend(c.clicks.iter().cloned());
        all.impression_ids.extend(c.impression_ids.iter().cloned());
        all.user_ids.extend(c.user_ids.iter().cloned());
        all.ips.extend(c.ips.iter().cloned());
    }
    all
}

#[test]
fn the_sample_reads_the_same_in_pieces_of_any_size() {
    let (whole, summary) = read(SAMPLE.as_bytes(), SAMPLE.len(), 1000).unwrap();
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].len(), 27);
    assert_eq!((summary.rows, summary.bad_rows), (27, 0));
    assert_eq!(summary.bytes, SAMPLE.len() as u64);
    assert_eq!(summary.sha256, hex(&Sha256::digest(SAMPLE.as_bytes())));
    assert!(summary.has_header);
    // 2019-01-03 and 2019-01-04 are days 17899 and 17900 since the epoch.
    assert_eq!(
        summary.days.iter().copied().collect::<Vec<_>>(),
        [17899, 17900]
    );
    // 6 clicks in the sample.
    assert_eq!(whole[0].clicks.iter().filter(|c| c.is_some()).count(), 6);
    for piece in [1, 2, 7, 100, 4096] {
        let (chunks, s) = read(SAMPLE.as_bytes(), piece, 1000).unwrap();
        assert_eq!(concat(&chunks), whole[0], "pieces of {piece}");
        assert_eq!(s, summary, "pieces of {piece}");
    }
}

#[test]
fn chunks_fill_up_to_the_chunk_size() {
    let (chunks, summary) = read(SAMPLE.as_bytes(), 50, 10).unwrap();
    assert_eq!(
        chunks.iter().map(Chunk::len).collect::<Vec<_>>(),
        [10, 10, 7]
    );
    assert_eq!(summary.rows, 27);
}

#[test]
fn bad_rows_are_skipped_and_counted_by_line() {
    let file = format!(
        "{HEADER}\
         1\t2019-01-03 00:00:10 UTC\tview\ta\tu\t10.0.0.1\tUA with spaces\r\n\
         \n\
         2\tnot a time\tview\tb\tu\t10.0.0.1\tUA\n\
         3\t2019-01-03 00:00:10 UTC\tview\tc\tu\t10.0.0.1\n\
         x\t2019-01-03 00:00:10 UTC\tview\td\tu\t10.0.0.1\tUA\n\
         4\t2019-01-03 00:00:10 UTC\thover\te\tu\t10.0.0.1\tUA"
    );
    for piece in [1, 3, file.len()] {
        let (chunks, summary) = read(file.as_bytes(), piece, 100).unwrap();
        assert_eq!(concat(&chunks).ad_ids, [Some(1), Some(3)]);
        assert_eq!((summary.rows, summary.bad_rows), (2, 3));
        let lines: Vec<u64> = summary.bad_lines.iter().map(|b| b.line).collect();
        // Line 1 is the header, line 3 is blank (not a row).
        assert_eq!(lines, [4, 6, 7]);
        assert!(summary.bad_lines[0].reason.contains("`timestamp`"));
        assert!(summary.bad_lines[1].reason.contains("`ad_id`"));
        assert!(summary.bad_lines[2].reason.contains("`event`"));
    }
}

#[test]
fn a_lone_carriage_return_is_data_not_a_line_end() {
    // `\n` and `\r\n` end rows; a CR anywhere else stays in its field (a user agent, an
    // id), so it never splits a row or shifts the line numbers.
    let file = format!(
        "{HEADER}\
         1\t2019-01-03 00:00:10 UTC\tview\ta\tu\t10.0.0.1\tUA\rwith a CR\n\
         2\t2019-01-03 00:00:10 UTC\tview\tb\rc\tu\t10.0.0.1\tUA\r\n\
         \r\n\
         x\t2019-01-03 00:00:10 UTC\tview\td\tu\t10.0.0.1\tUA\r\rUA\r\n\
         3\t2019-01-03 00:00:10 UTC\tview\te\tu\t10.0.0.1\r"
    );
    for piece in [1, 2, 5, file.len()] {
        let (chunks, summary) = read(file.as_bytes(), piece, 100).unwrap();
        assert_eq!(
            (summary.rows, summary.bad_rows),
            (3, 1),
            "pieces of {piece}"
        );
        assert_eq!(summary.bad_lines[0].line, 5);
        assert!(summary.bad_lines[0].reason.contains("`ad_id`"));
        let all = concat(&chunks);
        assert_eq!(all.ad_ids, [Some(1), Some(2), Some(3)]);
        assert_eq!(all.impression_ids[1].as_deref(), Some("b\rc"));
        assert_eq!(all.ips[2].as_deref(), Some("10.0.0.1"));
    }
}

#[test]
fn only_the_first_bad_rows_are_listed_but_all_are_counted() {
    let mut file = HEADER.to_string();
    for _ in 0..(REPORTED_BAD_ROWS + 5) {
        file.push_str("bad\n");
    }
    let (_, summary) = read(file.as_bytes(), 64, 100).unwrap();
    assert_eq!(summary.bad_rows, REPORTED_BAD_ROWS as u64 + 5);
    assert_eq!(summary.bad_lines.len(), REPORTED_BAD_ROWS);
    assert_eq!(
        summary.bad_lines.last().unwrap().line,
        REPORTED_BAD_ROWS as u64 + 1
    );
}

#[test]
fn a_missing_column_rejects_the_file() {
    let file =
        "ad_id\ttimestamp\tevent\tuser_id\tip\n1\t2019-01-03 00:00:10 UTC\tview\tu\t10.0.0.1\n";
    let e = read(file.as_bytes(), 5, 10).unwrap_err();
    assert_eq!(
        e,
        ParseError::Header(HeaderError::Missing(vec!["impression_id"]))
    );
}

#[test]
fn leading_blank_lines_before_the_header_and_empty_files() {
    let file = format!("\n\n{HEADER}1\t2019-01-03 00:00:10 UTC\tview\ta\tu\t10.0.0.1\n");
    let (chunks, summary) = read(file.as_bytes(), 4, 10).unwrap();
    assert_eq!(chunks[0].len(), 1);
    assert_eq!(summary.rows, 1);
    let (chunks, summary) = read(b"", 1, 10).unwrap();
    assert!(chunks.is_empty());
    assert!(!summary.has_header);
    let (_, summary) = read(HEADER.as_bytes(), 1, 10).unwrap();
    assert!(summary.has_header);
    assert_eq!(summary.rows, 0);
}

#[test]
fn an_endless_line_is_refused() {
    let mut parser = Parser::new(10);
    parser.feed(HEADER.as_bytes()).unwrap();
    let piece = vec![b'x'; MAX_LINE_BYTES / 2 + 1];
    parser.feed(&piece).unwrap();
    assert_eq!(parser.feed(&piece).unwrap_err(), ParseError::LineTooLong(2));
}

#[test]
fn files_over_the_bad_row_limit_are_rejected() {
    let summary = |rows: u64, bad_rows: u64, has_header: bool, days: usize| Summary {
        rows,
        bad_rows,
        bad_lines: Vec::new(),
        bytes: 0,
        sha256: String::new(),
        has_header,
        days: (0..days as i32).collect(),
    };
    assert_eq!(
        summary(99, 1, true, 1).rejection(1.0),
        None,
        "exactly 1 % is accepted"
    );
    let e = summary(98, 2, true, 1).rejection(1.0).unwrap();
    assert!(e.contains("2 of 100 rows are bad (2.00 %)"), "{e}");
    assert_eq!(summary(98, 2, true, 1).rejection(2.0), None);
    assert!(summary(0, 1, true, 1).rejection(1.0).is_some());
    assert_eq!(
        summary(0, 0, true, 0).rejection(1.0),
        None,
        "a header alone is an empty load"
    );
    assert!(
        summary(0, 0, false, 0)
            .rejection(1.0)
            .unwrap()
            .contains("no header")
    );
    assert!(
        summary(5, 0, true, MAX_DAYS + 1)
            .rejection(1.0)
            .unwrap()
            .contains("days")
    );
}

#[test]
fn the_hash_covers_absorbed_bytes() {
    let mut parser = Parser::new(10);
    let header = "ad_id\tip\n".repeat(REGION_BYTES / 8);
    assert!(
        parser.feed(header.as_bytes()).is_err(),
        "a region is parsed"
    );
    parser.absorb(b"rest");
    let whole = format!("{header}rest");
    assert_eq!(parser.sha256(), hex(&Sha256::digest(whole.as_bytes())));
}
