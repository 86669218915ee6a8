//! The impressions page: daily impressions, overall and per stream kind, from ingest's
//! rollups of the seeded views.

use tally_seed::ingest::{self, KINDS};

use super::*;

#[test]
fn daily_and_per_kind_charts_show_the_seeded_counts() {
    let bundle = Bundle::start("dash_impressions");
    let plan = bundle.plan();
    bundle.seed("ingest", &plan);
    let events = ingest::generate(&plan);
    let days = plan.day_list();
    let (first, last) = (days[0], days[days.len() - 1]);

    let b = bundle.browser();
    b.goto(&format!("/impressions.html?from={first}&to={last}"));
    assert_eq!(
        b.settled("daily-card"),
        "ready",
        "{}",
        b.status("daily-card")
    );
    let want: Vec<Vec<String>> = ingest::daily(&events, &days, None)
        .iter()
        .map(|d| {
            let n = [d.logged_in + d.logged_out, d.logged_in, d.logged_out];
            [d.date.to_string()]
                .into_iter()
                .chain(n.map(thousands))
                .collect()
        })
        .collect();
    assert_eq!(b.table_text("daily-table"), want);
    assert_eq!(
        b.attr("#daily-chart", "data-points"),
        Some(days.len().to_string())
    );
    assert_eq!(b.attr("#daily-chart", "data-series"), Some("3".into()));
    let total: usize = events.len();
    assert!(
        b.text("#daily-sub")
            .contains(&format!("{} impressions", thousands(total as u64)))
    );

    assert_eq!(
        b.settled("kinds-card"),
        "ready",
        "{}",
        b.status("kinds-card")
    );
    let per_kind: Vec<Vec<ingest::DayCount>> = KINDS
        .iter()
        .map(|(k, _)| ingest::daily(&events, &days, Some(k)))
        .collect();
    let want: Vec<Vec<String>> = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let counts = per_kind
                .iter()
                .map(|k| thousands(k[i].logged_in + k[i].logged_out));
            [day.to_string()].into_iter().chain(counts).collect()
        })
        .collect();
    assert_eq!(b.table_text("kinds-table"), want);
    let header = b.js(
        "return [...document.querySelectorAll('#kinds-table th')].map(t => t.textContent)",
        vec![],
    );
    assert_eq!(
        header,
        serde_json::json!([
            "Day (UTC)",
            "following",
            "category",
            "discover",
            "profile",
            "email"
        ])
    );
    b.screenshot("impressions");

    // On a phone-sized window the cards stack and the charts shrink to fit: nothing
    // scrolls sideways.
    b.resize(420, 900);
    b.wait_for(
        "the charts to fit",
        "return document.documentElement.scrollWidth <= window.innerWidth \
         && document.querySelector('#daily-chart canvas').clientWidth < 400",
        vec![],
    );
    b.screenshot("impressions-narrow");
    b.resize(1280, 1100);

    // A range without data is an empty state that says so, not an empty chart.
    b.goto("/impressions.html?from=2001-01-01&to=2001-01-07&kinds=email");
    assert_eq!(b.settled("daily-card"), "empty");
    assert!(
        b.status("daily-card")
            .starts_with("No impressions from 2001-01-01 to 2001-01-07")
    );
    assert_eq!(b.settled("kinds-card"), "empty");
    // A bad range is refused on the page, naming the field.
    b.goto("/impressions.html?from=2001-01-07&to=2001-01-01");
    assert_eq!(b.settled("daily-card"), "error");
    assert_eq!(b.status("daily-card"), "The To day is before the From day.");
}
