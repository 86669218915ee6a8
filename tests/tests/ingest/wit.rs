//! The component exports its typed interface `tally:bundle/ingest` (wit/ingest.wit).

#[test]
fn the_component_exports_the_ingest_interface() {
    let wasm = std::fs::read(tally_tests::component_wasm("tally-ingest")).unwrap();
    let wit =
        std::fs::read_to_string(tally_tests::workspace_root().join("wit/ingest.wit")).unwrap();
    let contains = |needle: &str| wasm.windows(needle.len()).any(|w| w == needle.as_bytes());
    // Each function is lifted from the core module under `<interface>#<function>`:
    // present only when the component exports it.
    for function in ["ingest", "view-counts", "rollup"] {
        assert!(
            wit.contains(&format!("    {function}: async func(")),
            "wit/ingest.wit declares {function}"
        );
        let export = format!("tally:bundle/ingest@0.1.0#{function}");
        assert!(contains(&export), "{export} is not exported");
    }
    assert!(!contains("tally:bundle/ingest@0.1.0#nothing"));
    // The cron export is there too.
    assert!(contains("tally:bundle/cron@0.1.0#handle-cron-event"));
}
