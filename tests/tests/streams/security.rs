//! Security checks of streams: the repair route behind its token (compared in constant
//! time), refused with a challenge and without running; disabled without a token.

use super::App;

#[test]
fn the_repair_route_needs_its_token() {
    let app = App::start(
        "streams_repair_token",
        &[("streams_repair_token", "s3cret")],
        &[],
    );
    for header in [
        None,
        Some("Bearer wrong"),
        Some("Bearer s3cre"),
        Some("Bearer s3cret2"),
        Some("Basic s3cret"),
        Some("Bearer"),
        Some("s3cret"),
    ] {
        let headers: Vec<(&str, &str)> = header.map(|h| ("authorization", h)).into_iter().collect();
        let r = app.call_with("POST", "/streams/repair", None, &headers);
        assert_eq!(r.status, 401, "{header:?}: {}", r.body);
        assert_eq!(r.header("www-authenticate"), Some("Bearer"), "{header:?}");
        assert!(
            r.json()["detail"]
                .as_str()
                .unwrap()
                .contains("authorization")
        );
    }
    let r = app.call_with(
        "POST",
        "/streams/repair",
        None,
        &[("authorization", "bearer s3cret")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let open = App::start("streams_repair_disabled", &[], &[]);
    let r = open.call_with(
        "POST",
        "/streams/repair",
        None,
        &[("authorization", "Bearer ")],
    );
    assert_eq!(r.status, 404, "{}", r.body);
}
