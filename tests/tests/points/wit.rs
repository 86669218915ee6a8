//! The component exports its typed interface `tally:bundle/points` (wit/points.wit).

use super::*;

#[test]
fn the_component_exports_the_points_interface() {
    let wasm = std::fs::read(points_wasm()).unwrap();
    let wit =
        std::fs::read_to_string(tally_tests::workspace_root().join("wit/points.wit")).unwrap();
    let contains = |needle: &str| wasm.windows(needle.len()).any(|w| w == needle.as_bytes());
    // Each function of the interface is lifted from the core module under
    // `<interface>#<function>`: present only when the component exports it.
    for function in ["write", "query", "leaderboard", "count", "read-count"] {
        assert!(
            wit.contains(&format!("    {function}: async func(")),
            "wit/points.wit declares {function}"
        );
        let export = format!("tally:bundle/points@0.1.0#{function}");
        assert!(contains(&export), "{export} is not exported");
    }
    assert!(!contains("tally:bundle/points@0.1.0#nothing"));
}
