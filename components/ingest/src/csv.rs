//! CSV of raw impressions (RFC 4180): the archive and the export route write the same
//! columns.

/// The header line.
pub const HEADER: &str =
    "created_at,viewer_id,post_id,author_id,stream_kind,stream_id,artist_invite_id\n";

/// Appends one field, quoted when it holds a comma, quote or line break.
pub fn field(out: &mut String, value: Option<&str>) {
    let Some(v) = value else { return };
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// Appends one record of `fields` and its line break.
pub fn record(out: &mut String, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, *f);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_nulls() {
        let mut out = String::new();
        record(
            &mut out,
            &[
                Some("a"),
                None,
                Some("b,c"),
                Some("say \"hi\""),
                Some("x\ny"),
            ],
        );
        assert_eq!(out, "a,,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\n");
    }
}
