//! Response bodies: the original's text lines and the JSON forms (fields in the order the
//! spec lists them).

use serde::Serialize;

use crate::model::{Counts, SliceReport};
use crate::slicing::{Slicing, rfc3339};

/// The note every range answer carries.
pub const NOT_ADDITIVE: &str = "unique_users is exact per slice but not additive across \
slices (a user active in two slices is in both); approx_unique_users, when present, estimates \
the distinct users of the whole range with a HyperLogLog (standard error about 0.81%)";

/// One slice in JSON.
#[derive(Debug, Serialize)]
pub struct SliceJson {
    /// The slice number.
    pub slice: u64,
    /// Start (inclusive), RFC 3339.
    pub start: String,
    /// End (exclusive), RFC 3339.
    pub end: String,
    /// The counters.
    #[serde(flatten)]
    pub counts: Counts,
}

impl SliceJson {
    /// Slice `slice` with counters `counts`.
    pub fn new(slicing: &Slicing, slice: u64, counts: Counts) -> Self {
        SliceJson {
            slice,
            start: rfc3339(slicing.start_ms(slice)),
            end: rfc3339(slicing.end_ms(slice)),
            counts,
        }
    }
}

#[derive(Serialize)]
struct WorkerJson<'a> {
    worker: &'a str,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(Serialize)]
struct PerWorkerJson<'a> {
    #[serde(flatten)]
    slice: SliceJson,
    workers: Vec<WorkerJson<'a>>,
}

#[derive(Serialize)]
struct SlicesJson {
    slices: Vec<SliceJson>,
    truncated: bool,
}

#[derive(Serialize)]
struct RangeJson {
    from: String,
    to: String,
    slices: Vec<SliceJson>,
    clicks: u64,
    impressions: u64,
    late_events: u64,
    approx_unique_users: Option<u64>,
    unique_users_additive: bool,
    note: &'static str,
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("reports serialize")
}

/// `unique_users,N\nclicks,N\nimpressions,N\n` with the configured unique-user label.
pub fn counts_text(label: &str, c: &Counts) -> String {
    format!(
        "{label},{}\nclicks,{}\nimpressions,{}\n",
        c.unique_users, c.clicks, c.impressions
    )
}

/// `{"slice":n,"start":..,"end":..,"unique_users":..,"clicks":..,"impressions":..,"late_events":..}`.
pub fn slice_json(slicing: &Slicing, slice: u64, c: &Counts) -> String {
    to_json(&SliceJson::new(slicing, slice, *c))
}

/// `slice,n\nworker,w\n` and the counters, for each shard of the slice.
pub fn perworker_text(label: &str, report: &SliceReport) -> String {
    report
        .shards
        .iter()
        .map(|s| {
            format!(
                "slice,{}\nworker,{}\n{}",
                report.slice,
                s.worker,
                counts_text(label, &s.counts)
            )
        })
        .collect()
}

/// The slice's summary with a `workers` list of per-shard counters.
pub fn perworker_json(slicing: &Slicing, report: &SliceReport) -> String {
    to_json(&PerWorkerJson {
        slice: SliceJson::new(slicing, report.slice, report.total()),
        workers: report
            .shards
            .iter()
            .map(|s| WorkerJson {
                worker: &s.worker,
                counts: s.counts,
            })
            .collect(),
    })
}

/// `slice,n\n` and the counters, for each slice.
pub fn slices_text(label: &str, reports: &[SliceReport]) -> String {
    reports
        .iter()
        .map(|r| format!("slice,{}\n{}", r.slice, counts_text(label, &r.total())))
        .collect()
}

fn slices(slicing: &Slicing, reports: &[SliceReport]) -> Vec<SliceJson> {
    reports
        .iter()
        .map(|r| SliceJson::new(slicing, r.slice, r.total()))
        .collect()
}

/// `{"slices":[..],"truncated":bool}`.
pub fn slices_json(slicing: &Slicing, reports: &[SliceReport], truncated: bool) -> String {
    to_json(&SlicesJson {
        slices: slices(slicing, reports),
        truncated,
    })
}

/// The sum of every slice's counters (the `unique_users` of it is not a distinct count).
pub fn sum(reports: &[SliceReport]) -> Counts {
    reports
        .iter()
        .fold(Counts::default(), |s, r| s.plus(r.total()))
}

/// A range in text: the slices, then `total_clicks`, `total_impressions`,
/// `approx_unique_users` (when kept) and `unique_users_additive,false`.
pub fn range_text(label: &str, reports: &[SliceReport], approx: Option<u64>) -> String {
    let total = sum(reports);
    let mut out = slices_text(label, reports);
    out.push_str(&format!(
        "total_clicks,{}\ntotal_impressions,{}\n",
        total.clicks, total.impressions
    ));
    if let Some(n) = approx {
        out.push_str(&format!("approx_unique_users,{n}\n"));
    }
    out.push_str("unique_users_additive,false\n");
    out
}

/// A range in JSON: its slices, summed clicks and impressions, the estimate and the note.
pub fn range_json(
    slicing: &Slicing,
    (from_ms, to_ms): (i64, i64),
    reports: &[SliceReport],
    approx: Option<u64>,
) -> String {
    let total = sum(reports);
    to_json(&RangeJson {
        from: rfc3339(from_ms),
        to: rfc3339(to_ms),
        slices: slices(slicing, reports),
        clicks: total.clicks,
        impressions: total.impressions,
        late_events: total.late_events,
        approx_unique_users: approx,
        unique_users_additive: false,
        note: NOT_ADDITIVE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ShardCounts;
    use serde_json::Value;

    fn report(slice: u64, counts: &[(u64, u64, u64)]) -> SliceReport {
        SliceReport {
            slice,
            shards: counts
                .iter()
                .enumerate()
                .map(|(i, &(u, c, im))| ShardCounts {
                    worker: i.to_string(),
                    counts: Counts {
                        unique_users: u,
                        clicks: c,
                        impressions: im,
                        late_events: 0,
                    },
                })
                .collect(),
        }
    }

    const S: Slicing = Slicing {
        first_ms: 0,
        length_ms: 3_600_000,
    };

    #[test]
    fn the_original_text_format() {
        let r = report(2, &[(1, 2, 3), (4, 5, 6)]);
        assert_eq!(
            counts_text("unique_users", &r.total()),
            "unique_users,5\nclicks,7\nimpressions,9\n"
        );
        assert_eq!(
            perworker_text("unqiue_users", &r),
            "slice,2\nworker,0\nunqiue_users,1\nclicks,2\nimpressions,3\n\
             slice,2\nworker,1\nunqiue_users,4\nclicks,5\nimpressions,6\n"
        );
        assert_eq!(
            slices_text("unique_users", &[report(0, &[]), report(1, &[(1, 1, 0)])]),
            "slice,0\nunique_users,0\nclicks,0\nimpressions,0\nslice,1\nunique_users,1\nclicks,1\nimpressions,0\n"
        );
    }

    #[test]
    fn json_forms() {
        let r = report(2, &[(1, 2, 3), (4, 5, 6)]);
        let text = slice_json(&S, 2, &r.total());
        assert!(text.starts_with(r#"{"slice":2,"start":"#), "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["start"], "1970-01-01T02:00:00Z");
        assert_eq!(v["end"], "1970-01-01T03:00:00Z");
        assert_eq!(
            (v["unique_users"].as_u64(), v["clicks"].as_u64()),
            (Some(5), Some(7))
        );
        let w: Value = serde_json::from_str(&perworker_json(&S, &r)).unwrap();
        assert_eq!(w["workers"][1]["worker"], "1");
        assert_eq!(w["workers"][1]["impressions"], 6);
        let g = range_json(&S, (0, 7_200_000), &[report(0, &[(2, 1, 1)]), r], Some(6));
        let g: Value = serde_json::from_str(&g).unwrap();
        assert_eq!(
            (g["clicks"].as_u64(), g["impressions"].as_u64()),
            (Some(8), Some(10))
        );
        assert_eq!(g["approx_unique_users"], 6);
        assert_eq!(g["unique_users_additive"], false);
        assert_eq!(g["slices"].as_array().unwrap().len(), 2);
        let s: Value = serde_json::from_str(&slices_json(&S, &[report(4, &[])], true)).unwrap();
        assert_eq!(
            (s["slices"][0]["slice"].as_u64(), s["truncated"].as_bool()),
            (Some(4), Some(true))
        );
    }

    #[test]
    fn range_text_totals() {
        let t = range_text(
            "unique_users",
            &[report(0, &[(2, 1, 1)]), report(1, &[(1, 3, 0)])],
            None,
        );
        assert!(
            t.ends_with("total_clicks,4\ntotal_impressions,1\nunique_users_additive,false\n"),
            "{t}"
        );
        let t = range_text("unique_users", &[], Some(0));
        assert_eq!(
            t,
            "total_clicks,0\ntotal_impressions,0\napprox_unique_users,0\nunique_users_additive,false\n"
        );
    }
}
