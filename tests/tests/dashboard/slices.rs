//! The live slices page: the current hour's summary (refreshing by itself) and the last
//! 24 hours, from the seeded click and impression events.

use serde_json::json;
use tally_seed::slices;

use super::*;

/// The stat tiles' raw values: unique users, clicks, impressions.
fn stats(b: &Browser) -> Vec<String> {
    ["unique_users", "clicks", "impressions"]
        .iter()
        .map(|k| {
            b.attr(&format!("#stat-{k}"), "data-value")
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn the_hour_refreshes_live_and_the_day_matches_the_events() {
    let bundle = Bundle::start("dash_slices");
    let plan = bundle.plan();
    bundle.seed("slices", &plan);
    let events = slices::generate(&plan);
    let counts = slices::counts(&events);
    let hour = plan.anchor().timestamp();

    let b = bundle.browser();
    // Pinned to the seeded hour (the clock may pass the hour while the test runs).
    b.goto(&format!("/slices.html?at={}&every=1", hour + 60));
    assert_eq!(b.settled("now-card"), "ready", "{}", b.status("now-card"));
    let now = counts[&hour];
    assert_eq!(
        stats(&b),
        [now.unique_users, now.clicks, now.impressions].map(|n| n.to_string())
    );
    assert_eq!(b.text("#stat-clicks"), thousands(now.clicks));
    assert_eq!(
        b.text("#stat-ctr"),
        super::ads::pct(now.clicks as f64 / now.impressions as f64)
    );

    assert_eq!(b.settled("day-card"), "ready", "{}", b.status("day-card"));
    let want: Vec<Vec<String>> = slices::hours(&plan)
        .iter()
        .map(|h| {
            let c = counts[h];
            let when = chrono::DateTime::from_timestamp(*h, 0)
                .unwrap()
                .format("%Y-%m-%d %H:%M")
                .to_string();
            [
                when,
                thousands(c.impressions),
                thousands(c.clicks),
                thousands(c.unique_users),
            ]
            .into()
        })
        .collect();
    assert_eq!(b.table_text("day-table"), want);
    b.screenshot("slices");

    // A new reader clicks: the page shows it without a reload.
    let refreshes = b.attr("#updated", "data-refreshes").unwrap();
    let url = format!(
        "{}/analytics?timestamp={}&user=dashboard-test-reader&click",
        bundle.host.url,
        hour + 30
    );
    assert_eq!(
        tally_tests::http::request("POST", &url, &[], None).status,
        202
    );
    let want = [now.unique_users + 1, now.clicks + 1, now.impressions].map(|n| n.to_string());
    b.wait_for(
        "the click to show",
        "return ['unique_users','clicks','impressions'].map(k => document.getElementById('stat-' + k).dataset.value)\
         .join() === arguments[0]",
        vec![json!(want.join(","))],
    );
    assert_ne!(b.attr("#updated", "data-refreshes").unwrap(), refreshes);
    assert!(b.text("#updated").starts_with("Updated "));
}

#[test]
fn an_hour_without_events_says_so() {
    let bundle = Bundle::start("dash_slices_empty");
    let b = bundle.browser();
    b.goto("/slices.html?at=1500000000");
    assert_eq!(b.settled("now-card"), "empty");
    assert_eq!(
        b.status("now-card"),
        "No clicks or impressions in this hour yet."
    );
    assert_eq!(stats(&b), ["0", "0", "0"]);
    assert_eq!(b.settled("day-card"), "empty");
}
