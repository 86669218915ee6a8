//! What the pages say when a service is down: the bundle with an unreachable Redis.

use super::*;

#[test]
fn an_unavailable_service_is_named_on_its_page() {
    let bundle = Bundle::start_with(
        "dash_redis_down",
        &[
            ("SPIN_VARIABLE_REDIS_URL", "redis://127.0.0.1:1"),
            ("SPIN_VARIABLE_REDIS_HOST", "127.0.0.1:1"),
        ],
    );
    let b = bundle.browser();

    b.goto("/points.html");
    assert_eq!(b.settled("board-card"), "error");
    let message = b.status("board-card");
    assert!(
        message.starts_with("The points service is unavailable (503)"),
        "{message}"
    );
    assert_eq!(
        b.attr("#board-card > .status", "role"),
        Some("alert".into())
    );
    b.screenshot("points-unavailable");

    b.goto("/slices.html");
    assert_eq!(b.settled("now-card"), "error");
    assert!(
        b.status("now-card")
            .starts_with("The slices service is unavailable (503)"),
        "{}",
        b.status("now-card")
    );

    b.goto("/streams.html?stream=user-1");
    assert_eq!(b.settled("feed-card"), "error");
    assert!(
        b.status("feed-card")
            .starts_with("The streams service is unavailable (503)"),
        "{}",
        b.status("feed-card")
    );

    b.goto("/");
    let cards = super::overview::cards(&b);
    for id in [
        "service-slices",
        "service-points",
        "service-streams",
        "service-ingest",
    ] {
        let card = cards.iter().find(|c| c.0 == id).unwrap();
        assert_eq!(
            (card.1.as_str(), card.2.as_str()),
            ("error", "Unavailable"),
            "{id}"
        );
    }
    // The health answers' details name what is down.
    let detail = b.text("#service-points .status");
    assert!(
        detail.starts_with("The points service is unavailable (503): redis is unreachable"),
        "{detail}"
    );
    let detail = b.text("#service-slices .status");
    assert!(
        detail.contains("redis://127.0.0.1:1 is unreachable"),
        "{detail}"
    );
    b.screenshot("overview-redis-down");
}
