//! Property tests of what the host parses from outside: the manifest (arbitrary TOML-ish
//! text and mutations of the real `spin.toml`), request paths against the router, the
//! `spin-*` headers built from them, outbound-host rules and URLs, and variable templates.
//! Properties: nothing panics; an error says what and where; a matched route is a prefix
//! of the path. `PROPTEST_CASES` raises the case count (`scripts/fuzz.sh`).

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use tally_manifest::{AllowedHosts, Manifest, Router, expand_template, spin_headers};

fn real_manifest() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spin.toml");
    std::fs::read_to_string(path).expect("the bundle's spin.toml")
}

/// The largest char boundary of `s` at or below `i`.
fn boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One edit of a manifest text.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    DropLine(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippets = prop_oneof![
        "\\PC{0,16}",
        Just("\n[component.x]\n".to_string()),
        Just("\n[[trigger.http]]\nroute = \"/...\"\n".to_string()),
        Just("=".to_string()),
        Just("\"".to_string()),
        Just("{{ nope }}".to_string()),
        Just("\n[variables]\nx = { required = true, default = \"1\" }\n".to_string()),
        Just("route = { private = true }\n".to_string()),
        Just("allowed_outbound_hosts = [\"*://*:*\", \"redis://[::1]:0\"]\n".to_string()),
        Just("cron_expression = \"* * * * * * * *\"\n".to_string()),
    ];
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), snippets).prop_map(|(a, s)| Edit::Insert(a, s)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        any::<usize>().prop_map(Edit::DropLine),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    match edit {
        Edit::Delete(at, n) => {
            let a = boundary(text, at % (text.len() + 1));
            let b = boundary(text, a + n);
            format!("{}{}", &text[..a], &text[b..])
        }
        Edit::Insert(at, s) => {
            let a = boundary(text, at % (text.len() + 1));
            format!("{}{s}{}", &text[..a], &text[a..])
        }
        Edit::DuplicateLine(i) | Edit::DropLine(i) => {
            let mut lines: Vec<&str> = text.lines().collect();
            let i = i % lines.len().max(1);
            if matches!(edit, Edit::DropLine(_)) {
                if !lines.is_empty() {
                    lines.remove(i);
                }
            } else if let Some(line) = lines.get(i).copied() {
                lines.insert(i, line);
            }
            lines.join("\n")
        }
    }
}

fn parse(text: &str) {
    match Manifest::parse(text, "spin.toml") {
        Ok(m) => {
            let _ = m.router();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        parse(&text);
    }

    #[test]
    fn toml_like_text_never_panics(lines in proptest::collection::vec(prop_oneof![
        "\\[{1,2}[a-z_.]{0,20}\\]{0,2}",
        "[a-z_]{1,12} = \"[^\"\\\\]{0,12}\"",
        "[a-z_]{1,12} = [0-9-]{1,20}",
        "[a-z_]{1,12} = \\[(\"[a-z:/*.0-9]{0,12}\", ?){0,3}\\]",
        Just("spin_manifest_version = 2".to_string()),
    ], 0..16)) {
        parse(&lines.join("\n"));
    }

    #[test]
    fn mutations_of_the_real_manifest_never_panic(edits in proptest::collection::vec(edit(), 1..4)) {
        let text = edits.iter().fold(real_manifest(), |t, e| apply(&t, e));
        parse(&text);
    }

    #[test]
    fn request_paths_never_panic(
        routes in proptest::collection::vec("/[a-z]{0,6}(/[a-z]{1,6}){0,2}(/\\.\\.\\.)?", 1..5),
        path in prop_oneof!["\\PC{0,40}", "(/[a-z.%0-9]{0,6}){0,5}/?"],
    ) {
        let table = routes.iter().enumerate().map(|(i, r)| (r.clone(), format!("c{i}")));
        let Ok(router) = Router::new(table) else { return Ok(()) };
        if let Some(m) = router.route(&path) {
            let headers = spin_headers(&m, &format!("http://h{path}"), "127.0.0.1:1", "/");
            prop_assert_eq!(headers.len(), 7);
            prop_assert!(path.starts_with(m.component_route.trim_end_matches('/')));
        }
    }

    #[test]
    fn outbound_rules_and_urls_never_panic(
        rules in proptest::collection::vec(prop_oneof![
            "\\PC{0,24}",
            "(redis|postgres|https?|\\*)://(\\*|[a-z0-9.]{1,12}|\\[::1\\])(:[0-9*]{1,6})?",
        ], 0..4),
        url in prop_oneof![
            "\\PC{0,40}",
            "(redis|postgres|https?)://([a-z]{1,8}(:[a-z]{0,4})?@)?[a-z0-9.\\[\\]:]{1,16}(:[0-9]{1,6})?(/[a-z?=&]{0,8})?",
        ],
    ) {
        if let Ok(allowed) = AllowedHosts::parse(&rules)
            && let Err(e) = allowed.check(&url)
        {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn templates_never_panic(text in "(\\PC|\\{\\{ ?[a-z_]{0,6} ?\\}\\}|\\{|\\}){0,12}") {
        let values: BTreeMap<String, String> = [("a".to_string(), "1".to_string())].into();
        if let Ok(out) = expand_template(&text, &values) {
            prop_assert!(!out.contains("{{ a }}"));
        }
    }
}
