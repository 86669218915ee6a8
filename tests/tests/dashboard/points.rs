//! The points page: a leaderboard for a chosen thing and window, from the seeded
//! activities.

use chrono::DateTime;
use tally_seed::points;

use super::*;

/// The `datetime-local` form value of epoch second `t`.
fn input(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The table rows a leaderboard should show.
fn rows(board: &[(String, i64)]) -> Vec<Vec<String>> {
    board
        .iter()
        .enumerate()
        .map(|(i, (uid, v))| vec![format!("#{}", i + 1), uid.clone(), thousands(*v as u64)])
        .collect()
}

#[test]
fn leaderboards_rank_the_seeded_users() {
    let bundle = Bundle::start("dash_points");
    let plan = bundle.plan();
    bundle.seed("points", &plan);
    let writes = points::generate(&plan);
    let (start, end) = (plan.start(), plan.anchor().timestamp());

    let b = bundle.browser();
    b.goto(&format!(
        "/points.html?thing=steps&from={}&to={}&limit=10",
        input(start),
        input(end)
    ));
    assert_eq!(
        b.settled("board-card"),
        "ready",
        "{}",
        b.status("board-card")
    );
    let want = points::leaderboard(&writes, "steps", start, end - 1, None, 10);
    assert_eq!(want.len(), 10);
    assert_eq!(b.table_text("board-table"), rows(&want));
    assert_eq!(b.attr("#board-chart", "data-points"), Some("10".into()));
    assert_eq!(b.text("#board-title"), "Top 10 by steps");
    b.screenshot("points");

    // Through the form: calories of runs (atid 2) over the last three days, top 5.
    let from = end - 3 * 86_400;
    b.set_field("thing", "calories");
    b.set_field("from", &input(from));
    b.set_field("atid", "2");
    b.set_field("limit", "5");
    b.click("#form button[type=submit]");
    b.wait_for(
        "the calories board",
        "return document.getElementById('board-title').textContent === 'Top 5 by calories'",
        vec![],
    );
    assert_eq!(
        b.settled("board-card"),
        "ready",
        "{}",
        b.status("board-card")
    );
    let want = points::leaderboard(&writes, "calories", from, end - 1, Some(2), 5);
    assert!(!want.is_empty());
    assert_eq!(b.table_text("board-table"), rows(&want));
    assert!(
        b.js("return location.search", vec![])
            .as_str()
            .unwrap()
            .contains("thing=calories")
    );

    // An empty window, and a window the page refuses.
    b.goto("/points.html?thing=steps&from=2001-01-01T00:00&to=2001-01-02T00:00&limit=10");
    assert_eq!(b.settled("board-card"), "empty");
    assert_eq!(
        b.status("board-card"),
        "Nobody recorded any steps in this window."
    );
    b.goto("/points.html?thing=steps&from=2001-01-02T00:00&to=2001-01-01T00:00&limit=10");
    assert_eq!(b.settled("board-card"), "error");
    assert_eq!(
        b.status("board-card"),
        "The To time must be after the From time."
    );
}
