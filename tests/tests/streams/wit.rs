//! The typed interface: the component exports `tally:bundle/streams` with its four
//! functions, as declared in `wit/streams.wit`.

#[test]
fn the_component_exports_the_typed_interface() {
    let wasm = std::fs::read(super::wasm()).unwrap();
    let contains = |needle: &str| wasm.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        contains("tally:bundle/streams@0.1.0"),
        "the streams interface is exported"
    );
    for f in ["insert", "delete", "select", "coalesce"] {
        assert!(
            contains(&format!("[async-lift]tally:bundle/streams@0.1.0#{f}"))
                || contains(&format!("tally:bundle/streams@0.1.0#{f}")),
            "{f}"
        );
    }
    let wit =
        std::fs::read_to_string(tally_tests::workspace_root().join("wit/streams.wit")).unwrap();
    assert!(wit.contains("world streams-component"));
}
