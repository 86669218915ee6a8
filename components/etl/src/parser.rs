//! Streaming a TSV file: bytes arrive in pieces of any size, are cut at line ends,
//! parsed with the `csv` crate (tab-delimited, no quoting, rows of any width), validated
//! row by row into [`Chunk`]s of staging columns, and hashed (SHA-256) on the way, so a
//! file never has to be in memory whole. Bad rows are counted with their line numbers.

use std::collections::BTreeSet;

use csv::{ByteRecord, ReaderBuilder};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::header::{Header, HeaderError};
use crate::row::{self, Chunk};
use crate::timestamp;

/// The longest line accepted, in bytes.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The most distinct UTC days one file's rows may fall on (each day is a partition of
/// every fact table).
pub const MAX_DAYS: usize = 400;

/// Bytes gathered before they are parsed (whole lines): one `csv` reader per region.
pub const REGION_BYTES: usize = 256 << 10;

/// How many bad rows are reported with their line numbers.
pub const REPORTED_BAD_ROWS: usize = 20;

/// A bad row: its line in the file (the header is line 1) and why it was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// The line number, from 1.
    pub line: u64,
    /// What is wrong with it, naming the field.
    pub reason: String,
}

/// Why a whole file is refused while it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The header line is unusable.
    Header(HeaderError),
    /// A line longer than [`MAX_LINE_BYTES`] (its number).
    LineTooLong(u64),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::Header(e) => e.fmt(f),
            ParseError::LineTooLong(line) => {
                write!(f, "line {line} is longer than {MAX_LINE_BYTES} bytes")
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// What reading a whole file found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Valid rows.
    pub rows: u64,
    /// Rows skipped.
    pub bad_rows: u64,
    /// The first [`REPORTED_BAD_ROWS`] bad rows.
    pub bad_lines: Vec<BadRow>,
    /// Bytes read.
    pub bytes: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Whether a header line was found.
    #[serde(skip)]
    pub has_header: bool,
    /// The UTC days (since the epoch) the valid rows fall in.
    #[serde(skip)]
    pub days: BTreeSet<i32>,
}

impl Summary {
    /// Why the whole file must be refused, if it must: no header line, more than
    /// `max_bad_percent` % bad rows, or rows on more than [`MAX_DAYS`] days.
    pub fn rejection(&self, max_bad_percent: f64) -> Option<String> {
        let total = self.rows + self.bad_rows;
        if !self.has_header {
            Some("the file is empty: it has no header line".into())
        } else if self.bad_rows as f64 > max_bad_percent / 100.0 * total as f64 {
            Some(format!(
                "{} of {total} rows are bad ({:.2} %); at most {max_bad_percent} % are accepted",
                self.bad_rows,
                self.bad_rows as f64 * 100.0 / total as f64
            ))
        } else if self.days.len() > MAX_DAYS {
            Some(format!(
                "the rows fall on {} days; a file may span at most {MAX_DAYS}",
                self.days.len()
            ))
        } else {
            None
        }
    }
}

/// A file being read.
pub struct Parser {
    chunk_rows: usize,
    carry: Vec<u8>,
    lines_before: u64,
    header: Option<Header>,
    hasher: Sha256,
    record: ByteRecord,
    chunk: Chunk,
    ready: Vec<Chunk>,
    rows: u64,
    bad_rows: u64,
    bad_lines: Vec<BadRow>,
    bytes: u64,
    days: BTreeSet<i32>,
}

impl Parser {
    /// A parser handing out chunks of `chunk_rows` valid rows.
    pub fn new(chunk_rows: usize) -> Parser {
        Parser {
            chunk_rows: chunk_rows.max(1),
            carry: Vec::new(),
            lines_before: 0,
            header: None,
            hasher: Sha256::new(),
            record: ByteRecord::new(),
            chunk: Chunk::with_capacity(chunk_rows),
            ready: Vec::new(),
            rows: 0,
            bad_rows: 0,
            bad_lines: Vec::new(),
            bytes: 0,
            days: BTreeSet::new(),
        }
    }

    /// Reads the next piece of the file; returns the chunks that filled up.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<Chunk>, ParseError> {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
        self.carry.extend_from_slice(bytes);
        if self.carry.len() >= REGION_BYTES {
            if let Some(end) = memchr_last(&self.carry) {
                let mut region = std::mem::take(&mut self.carry);
                self.lines(&region[..=end])?;
                region.drain(..=end);
                self.carry = region;
            }
            if self.carry.len() > MAX_LINE_BYTES {
                return Err(ParseError::LineTooLong(self.lines_before + 1));
            }
        }
        Ok(std::mem::take(&mut self.ready))
    }

    /// Only hashes and counts `bytes` (the rest of a file refused while it was read).
    pub fn absorb(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    /// SHA-256 of the bytes read so far (of the whole file once it is all read).
    pub fn sha256(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }

    /// Reads what is left (a last line without a line end); returns the last chunks and
    /// the summary.
    pub fn finish(mut self) -> Result<(Vec<Chunk>, Summary), ParseError> {
        let last = std::mem::take(&mut self.carry);
        self.lines(&last)?;
        if !self.chunk.is_empty() {
            let chunk = std::mem::take(&mut self.chunk);
            self.ready.push(chunk);
        }
        let summary = Summary {
            rows: self.rows,
            bad_rows: self.bad_rows,
            bad_lines: self.bad_lines,
            bytes: self.bytes,
            sha256: hex(&self.hasher.finalize()),
            has_header: self.header.is_some(),
            days: self.days,
        };
        Ok((self.ready, summary))
    }

    /// Parses whole lines (`region` ends at a line end, or is the file's tail).
    fn lines(&mut self, region: &[u8]) -> Result<(), ParseError> {
        let mut reader = ReaderBuilder::new()
            .delimiter(b'\t')
            .terminator(csv::Terminator::Any(b'\n'))
            .quoting(false)
            .has_headers(false)
            .flexible(true)
            .from_reader(region);
        let mut record = std::mem::take(&mut self.record);
        // csv's own line numbers count skipped blank lines into the next record, so the
        // line of a record is counted here: the line feeds before its last byte.
        let (mut scanned, mut newlines) = (0usize, 0u64);
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            let last = (reader.position().byte() as usize)
                .saturating_sub(1)
                .max(scanned);
            newlines += count_newlines(&region[scanned..last]);
            scanned = last;
            let line = self.lines_before + newlines + 1;
            match &self.header {
                None => {
                    if !is_blank(&record) {
                        let header =
                            Header::from_fields(record.iter()).map_err(ParseError::Header)?;
                        self.header = Some(header);
                    }
                }
                Some(header) => match row::parse(header, &record) {
                    Ok(event) => {
                        self.days.insert(timestamp::day_of(event.micros));
                        event.push_to(&mut self.chunk);
                        self.rows += 1;
                        if self.chunk.len() >= self.chunk_rows {
                            let full = std::mem::replace(
                                &mut self.chunk,
                                Chunk::with_capacity(self.chunk_rows),
                            );
                            self.ready.push(full);
                        }
                    }
                    Err(_) if is_blank(&record) => {}
                    Err(reason) => {
                        self.bad_rows += 1;
                        if self.bad_lines.len() < REPORTED_BAD_ROWS {
                            self.bad_lines.push(BadRow { line, reason });
                        }
                    }
                },
            }
        }
        self.record = record;
        self.lines_before += count_newlines(region);
        Ok(())
    }
}

/// Whether every field of `record` is white space (a blank line is no row).
fn is_blank(record: &ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// The line feeds in `bytes`.
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

/// The position of the last line feed in `bytes`.
fn memchr_last(bytes: &[u8]) -> Option<usize> {
    bytes.iter().rposition(|b| *b == b'\n')
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
