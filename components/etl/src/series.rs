//! Dashboard output: metric points with their click-through rate, series with a point for
//! every bucket of the range (zero where nothing happened), and the CSV export.

use std::collections::HashMap;

use chrono::DateTime;
use serde::Serialize;

/// Counts of one ad in one bucket (or over a whole range).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Distinct impression ids.
    pub impressions: i64,
    /// Clicks.
    pub clicks: i64,
    /// Distinct IPs.
    pub sessions: i64,
    /// Distinct users.
    pub users: i64,
}

/// One point of a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The bucket's start, RFC 3339 UTC.
    pub time: String,
    /// Distinct impression ids.
    pub impressions: i64,
    /// Clicks.
    pub clicks: i64,
    /// Distinct IPs.
    pub sessions: i64,
    /// Distinct users.
    pub users: i64,
    /// Clicks per impression (`null` without impressions).
    pub ctr: Option<f64>,
}

/// Clicks per impression, rounded to 6 decimals (`None` without impressions).
pub fn ctr(c: &Counts) -> Option<f64> {
    (c.impressions > 0).then(|| (c.clicks as f64 / c.impressions as f64 * 1e6).round() / 1e6)
}

/// RFC 3339 of `micros` since the epoch, in UTC with `Z`.
pub fn time(micros: i64) -> String {
    DateTime::from_timestamp_micros(micros)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A point for each of `buckets` (microseconds), from `found` (bucket -> counts; absent
/// buckets are zero).
pub fn fill(buckets: &[i64], found: &HashMap<i64, Counts>) -> Vec<Point> {
    buckets
        .iter()
        .map(|b| {
            let c = found.get(b).copied().unwrap_or_default();
            Point {
                time: time(*b),
                impressions: c.impressions,
                clicks: c.clicks,
                sessions: c.sessions,
                users: c.users,
                ctr: ctr(&c),
            }
        })
        .collect()
}

/// The CSV export: a header and one record per ad and point.
pub fn csv(series: &[(i64, Vec<Point>)]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "ad_id",
        "time",
        "impressions",
        "clicks",
        "sessions",
        "users",
        "ctr",
    ])?;
    for (ad_id, points) in series {
        for p in points {
            out.write_record([
                ad_id.to_string(),
                p.time.clone(),
                p.impressions.to_string(),
                p.clicks.to_string(),
                p.sessions.to_string(),
                p.users.to_string(),
                p.ctr.map(|c| c.to_string()).unwrap_or_default(),
            ])?;
        }
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN3: i64 = 1_546_473_600_000_000;
    const HOUR: i64 = 3_600_000_000;

    #[test]
    fn every_bucket_gets_a_point_and_ctr_needs_impressions() {
        let found = HashMap::from([
            (
                JAN3 + HOUR,
                Counts {
                    impressions: 3,
                    clicks: 1,
                    sessions: 2,
                    users: 2,
                },
            ),
            (
                JAN3 + 2 * HOUR,
                Counts {
                    impressions: 0,
                    clicks: 1,
                    sessions: 0,
                    users: 0,
                },
            ),
        ]);
        let points = fill(&[JAN3, JAN3 + HOUR, JAN3 + 2 * HOUR], &found);
        assert_eq!(points.len(), 3);
        assert_eq!(points[0].time, "2019-01-03T00:00:00Z");
        assert_eq!((points[0].impressions, points[0].ctr), (0, None));
        assert_eq!(points[1].time, "2019-01-03T01:00:00Z");
        assert_eq!(
            (points[1].impressions, points[1].clicks, points[1].sessions),
            (3, 1, 2)
        );
        assert_eq!(points[1].ctr, Some(0.333333));
        assert_eq!(points[2].ctr, None);
    }

    #[test]
    fn the_export_is_csv_with_a_header() {
        let found = HashMap::from([(
            JAN3,
            Counts {
                impressions: 4,
                clicks: 1,
                sessions: 3,
                users: 3,
            },
        )]);
        let body = csv(&[(100, fill(&[JAN3, JAN3 + HOUR], &found))]).unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "ad_id,time,impressions,clicks,sessions,users,ctr\n\
             100,2019-01-03T00:00:00Z,4,1,3,3,0.25\n\
             100,2019-01-03T01:00:00Z,0,0,0,0,\n"
        );
    }
}
