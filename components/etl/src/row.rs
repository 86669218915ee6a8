//! One data row: validated into the staging columns, or refused with the reason.

use std::borrow::Cow;
use std::net::IpAddr;

use csv::ByteRecord;

use crate::header::Header;
use crate::timestamp;

/// The longest `impression_id` or `user_id` accepted, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// A chunk of valid rows as staging columns (the parameters of
/// [`crate::sql::STAGE`]), one element per row.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// `ad_id`.
    pub ad_ids: Vec<Option<i64>>,
    /// The start of the event's UTC hour, seconds since the epoch.
    pub hours: Vec<Option<i64>>,
    /// For a click, its time in microseconds since the epoch; `None` for a view.
    pub clicks: Vec<Option<i64>>,
    /// `impression_id`.
    pub impression_ids: Vec<Option<String>>,
    /// `user_id`.
    pub user_ids: Vec<Option<String>>,
    /// `ip`, in its canonical text form.
    pub ips: Vec<Option<String>>,
}

impl Chunk {
    /// An empty chunk with room for `rows`.
    pub fn with_capacity(rows: usize) -> Chunk {
        Chunk {
            ad_ids: Vec::with_capacity(rows),
            hours: Vec::with_capacity(rows),
            clicks: Vec::with_capacity(rows),
            impression_ids: Vec::with_capacity(rows),
            user_ids: Vec::with_capacity(rows),
            ips: Vec::with_capacity(rows),
        }
    }

    /// Rows in the chunk.
    pub fn len(&self) -> usize {
        self.ad_ids.len()
    }

    /// Whether the chunk has no rows.
    pub fn is_empty(&self) -> bool {
        self.ad_ids.is_empty()
    }
}

/// What a valid row contributes, before it is added to a [`Chunk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// `ad_id`.
    pub ad_id: i64,
    /// The event time, microseconds since the epoch.
    pub micros: i64,
    /// `click` (else `view`).
    pub click: bool,
    /// `impression_id`, trimmed.
    pub impression_id: &'a str,
    /// `user_id`, trimmed.
    pub user_id: &'a str,
    /// `ip`, canonical (an IPv4 address that parses is canonical as written).
    pub ip: Cow<'a, str>,
}

impl Event<'_> {
    /// Appends the event to `chunk`.
    pub fn push_to(&self, chunk: &mut Chunk) {
        chunk.ad_ids.push(Some(self.ad_id));
        chunk
            .hours
            .push(Some(timestamp::hour_start_secs(self.micros)));
        chunk.clicks.push(self.click.then_some(self.micros));
        chunk
            .impression_ids
            .push(Some(self.impression_id.to_string()));
        chunk.user_ids.push(Some(self.user_id.to_string()));
        chunk.ips.push(Some(self.ip.clone().into_owned()));
    }
}

/// Validates `record` against `header`; the error is the reason the row is skipped.
pub fn parse<'r>(header: &Header, record: &'r ByteRecord) -> Result<Event<'r>, String> {
    if record.len() < header.width() {
        return Err(format!(
            "the row has {} fields; the header needs {}",
            record.len(),
            header.width()
        ));
    }
    let ad_id = text(record, header.ad_id, "ad_id")?;
    let ad_id = ad_id
        .parse::<i64>()
        .map_err(|_| format!("`ad_id` {ad_id:?} is not an integer"))?;
    let micros = timestamp::parse_micros(text(record, header.timestamp, "timestamp")?)?;
    let event = text(record, header.event, "event")?;
    let click = if event.eq_ignore_ascii_case("click") {
        true
    } else if event.eq_ignore_ascii_case("view") {
        false
    } else {
        return Err(format!("`event` {event:?} is neither `view` nor `click`"));
    };
    let impression_id = id(record, header.impression_id, "impression_id")?;
    let user_id = id(record, header.user_id, "user_id")?;
    let ip = text(record, header.ip, "ip")?;
    let ip = match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => Cow::Borrowed(ip),
        Ok(v6) => Cow::Owned(v6.to_string()),
        Err(_) => return Err(format!("`ip` {ip:?} is not an IP address")),
    };
    Ok(Event {
        ad_id,
        micros,
        click,
        impression_id,
        user_id,
        ip,
    })
}

/// Field `i` (`name`) as trimmed UTF-8 text.
fn text<'r>(record: &'r ByteRecord, i: usize, name: &str) -> Result<&'r str, String> {
    let raw = record.get(i).unwrap_or_default();
    std::str::from_utf8(raw)
        .map(str::trim)
        .map_err(|_| format!("`{name}` is not UTF-8"))
}

/// Field `i` (`name`) as a non-empty identifier of at most [`MAX_ID_BYTES`].
fn id<'r>(record: &'r ByteRecord, i: usize, name: &str) -> Result<&'r str, String> {
    let v = text(record, i, name)?;
    if v.is_empty() {
        return Err(format!("`{name}` is empty"));
    }
    if v.contains('\0') {
        // Postgres `text` cannot hold NUL: staging the row would fail the whole file.
        return Err(format!("`{name}` contains a NUL character"));
    }
    if v.len() > MAX_ID_BYTES {
        return Err(format!(
            "`{name}` has {} bytes; at most {MAX_ID_BYTES} are accepted",
            v.len()
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "ad_id\ttimestamp\tevent\timpression_id\tuser_id\tip\tuser_agent_string";

    fn record(line: &str) -> ByteRecord {
        ByteRecord::from(line.split('\t').collect::<Vec<_>>())
    }

    fn header() -> Header {
        Header::from_fields(record(HEADER).iter()).unwrap()
    }

    #[test]
    fn a_view_and_a_click_become_staging_columns() {
        let h = header();
        let view = record(
            "100\t2019-01-03 00:00:10 UTC\tview\t1efba3513ef3\taar3nbl\t107.77.173.4\tMozilla/5.0 (Linux; Android 5.0)",
        );
        let click = record(
            "101\t2019-01-03 05:00:15 UTC\tclick\t2e2173a3bc74\tznfuelkg\t2001:db8:0::1\tSafari",
        );
        let mut chunk = Chunk::default();
        parse(&h, &view).unwrap().push_to(&mut chunk);
        parse(&h, &click).unwrap().push_to(&mut chunk);
        assert_eq!(chunk.len(), 2);
        assert_eq!(chunk.ad_ids, [Some(100), Some(101)]);
        // 2019-01-03T00:00:00Z is 1546473600; 05:00 is 5 * 3600 later.
        assert_eq!(chunk.hours, [Some(1_546_473_600), Some(1_546_491_600)]);
        assert_eq!(chunk.clicks, [None, Some(1_546_491_615_000_000)]);
        assert_eq!(chunk.impression_ids[1].as_deref(), Some("2e2173a3bc74"));
        assert_eq!(chunk.user_ids[0].as_deref(), Some("aar3nbl"));
        // IPs are stored canonically, so one address is one session however written.
        assert_eq!(chunk.ips[1].as_deref(), Some("2001:db8::1"));
        assert_eq!(chunk.ips[0].as_deref(), Some("107.77.173.4"));
        // IPv4 text that parses is canonical already (leading zeros are refused).
        let zeros = record("1\t2019-01-03 00:00:10 UTC\tview\ti\tu\t010.0.0.1");
        assert!(parse(&h, &zeros).unwrap_err().contains("`ip`"));
    }

    #[test]
    fn the_user_agent_is_not_needed() {
        let r = record("100\t2019-01-03 00:00:10 UTC\tVIEW\timp\tuser\t10.0.0.1");
        let e = parse(&header(), &r).unwrap();
        assert!(!e.click);
    }

    #[test]
    fn each_bad_field_is_named() {
        let h = header();
        let cases = [
            (
                "x\t2019-01-03 00:00:10 UTC\tview\ti\tu\t10.0.0.1",
                "`ad_id`",
            ),
            ("1\t2019-01-03\tview\ti\tu\t10.0.0.1", "`timestamp`"),
            ("1\t2019-01-03 00:00:10 UTC\tbuy\ti\tu\t10.0.0.1", "`event`"),
            (
                "1\t2019-01-03 00:00:10 UTC\tview\t \tu\t10.0.0.1",
                "`impression_id` is empty",
            ),
            (
                "1\t2019-01-03 00:00:10 UTC\tview\ti\t\t10.0.0.1",
                "`user_id` is empty",
            ),
            ("1\t2019-01-03 00:00:10 UTC\tview\ti\tu\t10.0.0.256", "`ip`"),
            (
                "1\t2019-01-03 00:00:10 UTC\tview\ti",
                "4 fields; the header needs 6",
            ),
        ];
        for (line, expected) in cases {
            let e = parse(&h, &record(line)).unwrap_err();
            assert!(e.contains(expected), "{line:?}: {e}");
        }
        let long = format!(
            "1\t2019-01-03 00:00:10 UTC\tview\t{}\tu\t10.0.0.1",
            "i".repeat(257)
        );
        assert!(parse(&h, &record(&long)).unwrap_err().contains("257 bytes"));
        let mut latin1 = record("1\t2019-01-03 00:00:10 UTC\tview\ti\tu\t10.0.0.1");
        latin1 = latin1
            .iter()
            .enumerate()
            .map(|(i, f)| if i == 4 { &b"\xe9"[..] } else { f })
            .collect();
        assert!(
            parse(&h, &latin1)
                .unwrap_err()
                .contains("`user_id` is not UTF-8")
        );
    }

    /// Regression (property `a_file_parses_the_same_in_any_pieces`): a NUL in an id was
    /// accepted, and Postgres refuses it when the row is staged, failing the whole file.
    #[test]
    fn a_nul_in_an_id_is_a_bad_row() {
        let line = "100\t2019-01-03 00:00:10 UTC\tview\ta\0b\tu1\t1.2.3.4\t";
        let e = parse(&header(), &record(line)).unwrap_err();
        assert!(e.contains("`impression_id`") && e.contains("NUL"), "{e}");
        let line = "100\t2019-01-03 00:00:10 UTC\tview\ti1\t\0\t1.2.3.4\t";
        assert!(
            parse(&header(), &record(line))
                .unwrap_err()
                .contains("`user_id`")
        );
    }
}
