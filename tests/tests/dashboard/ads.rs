//! The ad-metrics page: an ad's impressions, clicks and CTR by day and by hour, and the
//! top ads, from a seeded TSV batch loaded by etl.

use chrono::{Duration, NaiveDate};
use tally_seed::ads::{self, AdMetrics, By};
use tally_seed::plan::{day_of, midnight};

use super::*;

/// `ratio` as the pages write it (`2.35%`, halves rounded up).
pub fn pct(ratio: f64) -> String {
    format!("{:.2}%", (ratio * 10_000.0).round() / 100.0)
}

/// The chart tables' rows of `ad` over the buckets `[from, to)` of `step` seconds
/// (zero-filled, as etl answers): (time, impressions, clicks) and (time, CTR).
fn expected(
    events: &[ads::AdEvent],
    ad: u32,
    from: i64,
    to: i64,
    step: i64,
) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let found = ads::series(events, ad, from, to, step);
    let label = |t: i64| {
        let at = chrono::DateTime::from_timestamp(t, 0).unwrap();
        if step == 86_400 {
            at.format("%Y-%m-%d").to_string()
        } else {
            at.format("%Y-%m-%d %H:%M").to_string()
        }
    };
    let (mut counts, mut ctr) = (Vec::new(), Vec::new());
    for t in (from..to).step_by(step as usize) {
        let m = found.get(&t).copied().unwrap_or_default();
        counts.push(vec![
            label(t),
            thousands(m.impressions),
            thousands(m.clicks),
        ]);
        let rate = if m.impressions == 0 {
            "–".to_string()
        } else {
            pct(m.ctr())
        };
        ctr.push(vec![label(t), rate]);
    }
    (counts, ctr)
}

/// The top table's rows (without the bar column).
fn top_rows(top: &[(u32, AdMetrics)]) -> Vec<Vec<String>> {
    top.iter()
        .enumerate()
        .map(|(i, (ad, m))| {
            vec![
                (i + 1).to_string(),
                ad.to_string(),
                thousands(m.impressions),
                thousands(m.clicks),
                pct(m.ctr()),
            ]
        })
        .collect()
}

fn without_bars(rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows.into_iter()
        .map(|mut r| {
            r.truncate(5);
            r
        })
        .collect()
}

#[test]
fn an_ad_by_day_and_hour_and_the_top_ads() {
    let bundle = Bundle::start("dash_ads");
    let plan = bundle.plan();
    let line = bundle.seed("etl", &plan);
    if !deployed("etl") {
        // A bundle without etl: the seeding says so and the page explains the 404.
        assert_eq!(line, "etl: not deployed in this bundle (404), skipped");
        let b = bundle.browser();
        b.goto("/ads.html?ad=100");
        assert_eq!(b.settled("ad-card"), "error");
        assert_eq!(
            b.status("ad-card"),
            "The ad-metrics (etl) service is not part of this bundle (404)."
        );
        return;
    }
    assert!(line.contains("loaded"), "{line}");
    let events = ads::generate(&plan);
    let from = ads::start(&plan);
    let (first, last): (NaiveDate, NaiveDate) = (day_of(from), plan.last_day());
    let to = midnight(last) + 86_400;

    // Without an ad the page charts the top one.
    let b = bundle.browser();
    b.goto(&format!(
        "/ads.html?from={first}&to={last}&granularity=day&by=clicks"
    ));
    assert_eq!(b.settled("top-card"), "ready", "{}", b.status("top-card"));
    let top = ads::top(&events, from, to, By::Clicks, 10);
    assert_eq!(without_bars(b.table_text("top-table")), top_rows(&top));
    let ad = top[0].0;
    assert_eq!(b.settled("ad-card"), "ready", "{}", b.status("ad-card"));
    assert_eq!(
        b.js(
            "return document.getElementById('form').elements.ad.value",
            vec![]
        ),
        serde_json::json!(ad.to_string())
    );
    let (counts, ctr) = expected(&events, ad, midnight(first), to, 86_400);
    assert_eq!(b.table_text("ad-table"), counts);
    assert_eq!(b.settled("ctr-card"), "ready", "{}", b.status("ctr-card"));
    assert_eq!(b.table_text("ctr-table"), ctr);
    assert_eq!(b.attr("tr.selected", "data-ad"), Some(ad.to_string()));
    b.screenshot("ads");

    // By hour over one day, another ad picked from the top list by impressions.
    let day = last - Duration::days(1);
    b.goto(&format!(
        "/ads.html?from={day}&to={day}&granularity=hour&by=impressions"
    ));
    assert_eq!(b.settled("top-card"), "ready", "{}", b.status("top-card"));
    let top = ads::top(
        &events,
        midnight(day),
        midnight(day) + 86_400,
        By::Impressions,
        10,
    );
    assert_eq!(without_bars(b.table_text("top-table")), top_rows(&top));
    let pick = top[2].0;
    b.click(&format!("tr[data-ad='{pick}']"));
    b.wait_for(
        "the picked ad",
        "return document.getElementById('ad-title').textContent.endsWith(' ' + arguments[0])",
        vec![serde_json::json!(pick.to_string())],
    );
    assert_eq!(b.settled("ad-card"), "ready", "{}", b.status("ad-card"));
    let (counts, ctr) = expected(&events, pick, midnight(day), midnight(day) + 86_400, 3600);
    assert_eq!(counts.len(), 24);
    assert_eq!(b.table_text("ad-table"), counts);
    assert_eq!(b.settled("ctr-card"), "ready");
    assert_eq!(b.table_text("ctr-table"), ctr);
    b.screenshot("ads-hourly");

    // An ad without data, and a range etl refuses.
    b.goto(&format!(
        "/ads.html?ad=999&from={first}&to={last}&granularity=day"
    ));
    assert_eq!(b.settled("ad-card"), "empty");
    assert!(
        b.status("ad-card")
            .starts_with("Ad 999 has no impressions or clicks")
    );
    b.goto("/ads.html?ad=100&from=2019-01-01&to=2019-12-31&granularity=day");
    assert_eq!(b.settled("ad-card"), "error");
    assert_eq!(b.status("ad-card"), "Choose at most 92 days.");
}
