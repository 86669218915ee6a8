use std::path::Path;

use super::*;

const APP: &str = r#"
spin_manifest_version = 2

[application]
name = "app"

[variables]
redis_url = { default = "redis://127.0.0.1:6379" }
redis_host = { default = "127.0.0.1:6379" }
pg_host = { default = "127.0.0.1:5432" }
postgres_url = { default = "postgres://x" }
token = { required = true }

[[trigger.http]]
route = "/a/..."
component = "a"

[[trigger.http]]
route = "/b/..."
component = "b"

[[trigger.redis]]
address = "{{ redis_url }}"
channel = "ch"
component = "a"

[[trigger.cron]]
cron_expression = "0 * * * * *"
component = "a"

[component.a]
source = "target/a.wasm"
allowed_outbound_hosts = ["redis://{{ redis_host }}"]
[component.a.build]
command = "make a"
[component.a.variables]
url = "{{ redis_url }}"

[component.b]
source = "target/b.wasm"
allowed_outbound_hosts = ["postgres://{{ pg_host }}"]
[component.b.variables]
token = "{{ token }}"
"#;

fn parse(text: &str) -> Manifest {
    Manifest::parse(text, Path::new("/app/spin.toml")).unwrap()
}

#[test]
fn one_component_keeps_its_triggers_and_the_variables_it_uses() {
    let f = Filter {
        component: Some("a"),
        keep_variables: &["postgres_url"],
        ..Default::default()
    };
    let out = filter(APP, Path::new("/app/spin.toml"), &f).unwrap();
    let m = parse(&out);
    assert_eq!(m.components.keys().collect::<Vec<_>>(), ["a"]);
    assert_eq!(m.http_triggers.len(), 1);
    assert_eq!(m.http_triggers[0].route.path(), Some("/a/..."));
    assert_eq!(m.redis_triggers.len(), 1);
    assert_eq!(m.cron_triggers.len(), 1);
    // `token` (required, used only by b) and `pg_host` are gone; `postgres_url` is kept.
    assert_eq!(
        m.variables.keys().collect::<Vec<_>>(),
        ["postgres_url", "redis_host", "redis_url"]
    );
    assert_eq!(m.components["a"].build.as_ref().unwrap().command, "make a");
}

#[test]
fn source_is_replaced_and_build_dropped() {
    let f = Filter {
        component: Some("a"),
        source: Some("{id}.wasm"),
        drop_build: true,
        ..Default::default()
    };
    let m = parse(&filter(APP, Path::new("/app/spin.toml"), &f).unwrap());
    assert_eq!(m.components["a"].source, Path::new("/app/a.wasm"));
    assert!(m.components["a"].build.is_none());
}

#[test]
fn trigger_kinds_can_be_dropped_from_the_whole_app() {
    let f = Filter {
        drop_triggers: &["cron"],
        ..Default::default()
    };
    let m = parse(&filter(APP, Path::new("/app/spin.toml"), &f).unwrap());
    assert!(m.cron_triggers.is_empty());
    assert_eq!(m.http_triggers.len(), 2);
    assert_eq!(m.components.len(), 2);
    assert_eq!(
        m.variables.len(),
        5,
        "every variable kept without a component filter"
    );
}

#[test]
fn a_component_without_triggers_of_a_kind_loses_the_whole_table() {
    let f = Filter {
        component: Some("b"),
        ..Default::default()
    };
    let out = filter(APP, Path::new("/app/spin.toml"), &f).unwrap();
    assert!(!out.contains("trigger.redis"), "{out}");
    assert!(!out.contains("trigger.cron"), "{out}");
    let m = parse(&out);
    assert_eq!(m.variables.keys().collect::<Vec<_>>(), ["pg_host", "token"]);
}

#[test]
fn unknown_component_and_invalid_input_are_errors() {
    let f = Filter {
        component: Some("zzz"),
        ..Default::default()
    };
    let err = filter(APP, Path::new("/app/spin.toml"), &f).unwrap_err();
    assert_eq!(err.to_string(), "no component `zzz` in the manifest");
    let err = filter("spin_manifest_version = 1", Path::new("x.toml"), &f).unwrap_err();
    assert!(matches!(err, FilterError::Manifest(_)), "{err}");
}
