//! What the host reads from each request and outbound call: request paths routed by the
//! bundle's own `spin.toml` routes (and the `spin-*` headers built from them), outbound
//! URLs against host rules, and variable templates. Input lines: a path, a URL, then
//! rules. Nothing may panic; a matched route is a prefix of the path.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tally_manifest::{AllowedHosts, Manifest, Router, expand_template, spin_headers};

/// The router of the bundle's manifest, built once.
fn router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(|| {
        let text = include_str!("../../spin.toml");
        let manifest = Manifest::parse(text, "spin.toml").expect("the bundle's spin.toml");
        manifest.router().expect("its routes")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let path = lines.next().unwrap_or_default();
    let url = lines.next().unwrap_or_default();
    let rules: Vec<&str> = lines.collect();
    if let Some(m) = router().route(path) {
        let headers = spin_headers(&m, &format!("http://h{path}"), "127.0.0.1:1", "/");
        assert_eq!(headers.len(), 7);
        assert!(path.starts_with(m.component_route.trim_end_matches('/')));
    }
    if let Ok(allowed) = AllowedHosts::parse(&rules)
        && let Err(e) = allowed.check(url)
    {
        assert!(!e.to_string().is_empty());
    }
    let values: BTreeMap<String, String> = [("a".to_string(), "1".to_string())].into();
    if let Ok(out) = expand_template(text, &values) {
        assert!(!out.contains("{{ a }}"));
    }
});
