//! The component exports its typed WIT interface besides the HTTP handler.

#[test]
fn the_wasm_exports_the_slices_interface() {
    let bytes = std::fs::read(super::wasm()).unwrap();
    let wit =
        std::fs::read_to_string(tally_tests::workspace_root().join("wit/slices.wit")).unwrap();
    let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(
        has("tally:bundle/slices@0.1.0"),
        "the interface is exported"
    );
    for func in ["record-event", "summary", "range"] {
        assert!(
            wit.contains(&format!("{func}: async func")),
            "{func} is declared"
        );
        let export = format!("[async-lift]tally:bundle/slices@0.1.0#{func}");
        assert!(has(&export), "{export} is in the component");
    }
}
