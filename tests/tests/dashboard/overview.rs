//! The overview page: a card per capability with its live health.

use super::*;

/// The state and pill text of each service card, once every health check answered.
pub fn cards(b: &Browser) -> Vec<(String, String, String)> {
    b.wait_for(
        "every health check",
        "return [...document.querySelectorAll('#services .card')].every(c => c.dataset.state !== 'loading')",
        vec![],
    );
    let v = b.js(
        "return [...document.querySelectorAll('#services .card')].map(c => [c.id, c.dataset.state, c.querySelector('.pill').textContent])",
        vec![],
    );
    serde_json::from_value(v).unwrap()
}

#[test]
fn every_capability_is_listed_with_its_health() {
    let bundle = Bundle::start("dash_overview");
    let b = bundle.browser();
    b.goto("/");
    let cards = cards(&b);
    let ids: Vec<&str> = cards.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        ids,
        [
            "service-etl",
            "service-ingest",
            "service-slices",
            "service-points",
            "service-streams"
        ]
    );
    // Every component of the bundle's manifest answers its health check.
    for (id, state, pill) in &cards {
        if deployed(id.trim_start_matches("service-")) {
            assert_eq!(
                (state.as_str(), pill.as_str()),
                ("ready", "Healthy"),
                "{id}"
            );
        } else {
            assert_eq!(
                (state.as_str(), pill.as_str()),
                ("error", "Not deployed"),
                "{id}"
            );
        }
    }
    assert_eq!(
        b.attr(".top nav a[aria-current=page]", "href"),
        Some("/index.html".into())
    );
    b.screenshot("overview");
}
