//! Rejected manifests: each error names what is wrong and where.

use super::*;

/// A minimal valid manifest with `extra` appended (one `a` component, one route).
fn with(extra: &str) -> String {
    format!(
        "spin_manifest_version = 2\n[application]\nname = \"t\"\n[[trigger.http]]\n\
         route = \"/\"\ncomponent = \"a\"\n{extra}\n[component.a]\nsource = \"a.wasm\"\n"
    )
}

fn error(text: &str) -> String {
    Manifest::parse(text, "spin.toml")
        .expect_err("manifest should be rejected")
        .to_string()
}

#[test]
fn unknown_key_names_key_table_and_line() {
    let text = with("[component.points]\nsource = \"p.wasm\"\nfoo = 1");
    let err = Manifest::parse(&text, "spin.toml").unwrap_err();
    assert_eq!(err.location(), Some(Location { line: 9, column: 1 }));
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "spin.toml: line 9, column 1: unknown field `foo` in [component.points], expected one of"
        ),
        "{msg}"
    );
    let spin_only = error(&with(
        "[component.b]\nsource = \"b.wasm\"\nkey_value_stores = [\"default\"]",
    ));
    assert!(
        spin_only.contains("Tally host does not support"),
        "{spin_only}"
    );
    assert!(error(&with("[[trigger.sqs]]\ncomponent = \"a\"")).contains("unknown field `sqs`"));
    let inline = error(&with("[variables]\nx = { defualt = \"1\" }"));
    assert!(
        inline.contains("line 8") && inline.contains("`defualt` in [variables]"),
        "{inline}"
    );
}

#[test]
fn manifest_version_must_be_2() {
    assert!(error("[application]\nname = \"x\"").contains("missing `spin_manifest_version = 2`"));
    let v1 = error("spin_manifest_version = \"1\"\nname = \"x\"\n[[component]]\nid = \"a\"");
    assert!(
        v1.contains("line 1") && v1.contains("only version 2"),
        "{v1}"
    );
}

#[test]
fn triggers_must_name_existing_components() {
    let msg = error(&with(
        "[[trigger.cron]]\ncron_expression = \"0 * * * * *\"\ncomponent = \"ghost\"",
    ));
    assert!(
        msg.contains("[[trigger.cron]] #1") && msg.contains("component `ghost`"),
        "{msg}"
    );
    let inline = error(&with(
        "[[trigger.http]]\nroute = \"/x\"\ncomponent = { source = \"x.wasm\" }",
    ));
    assert!(
        inline.contains("[[trigger.http]] #2") && inline.contains("inline component"),
        "{inline}"
    );
}

#[test]
fn routes_are_validated() {
    let no_slash = error(&with(
        "[[trigger.http]]\nroute = \"api\"\ncomponent = \"a\"",
    ));
    assert!(
        no_slash.contains("line 8") && no_slash.contains("start with '/'"),
        "{no_slash}"
    );
    let middle = error(&with(
        "[[trigger.http]]\nroute = \"/a/.../b\"\ncomponent = \"a\"",
    ));
    assert!(middle.contains("final segment"), "{middle}");
    let dup = error(&with("[[trigger.http]]\nroute = \"/\"\ncomponent = \"a\""));
    assert!(
        dup.contains("[[trigger.http]] #2: duplicate route \"/\""),
        "{dup}"
    );
    let public = error(&with(
        "[[trigger.http]]\nroute = { private = false }\ncomponent = \"a\"",
    ));
    assert!(public.contains("private = true"), "{public}");
    let wagi = error(&with(
        "[[trigger.http]]\nroute = \"/w\"\ncomponent = \"a\"\nexecutor = { type = \"wagi\" }",
    ));
    assert!(wagi.contains("\"wagi\" is not supported"), "{wagi}");
    let http =
        with("[[trigger.http]]\nroute = \"/h\"\ncomponent = \"a\"\nexecutor = { type = \"http\" }");
    assert!(Manifest::parse(&http, "spin.toml").is_ok());
    let base = error(&with("[application.trigger.http]\nbase = \"/api\""));
    assert!(base.contains("base = \"/api\" is not supported"), "{base}");
}

#[test]
fn redis_trigger_needs_an_address() {
    let msg = error(&with(
        "[[trigger.redis]]\nchannel = \"ch\"\ncomponent = \"a\"",
    ));
    assert!(
        msg.contains("[[trigger.redis]] #1 (channel \"ch\")"),
        "{msg}"
    );
    assert!(msg.contains("no `address`"), "{msg}");
}

#[test]
fn cron_expression_errors_name_trigger_and_expression() {
    let msg = error(&with(
        "[[trigger.cron]]\ncron_expression = \"*/5 * * * *\"\ncomponent = \"a\"",
    ));
    assert!(msg.contains("[[trigger.cron]] #1 (component `a`)"), "{msg}");
    assert!(
        msg.contains("\"*/5 * * * *\"") && msg.contains("line 8"),
        "{msg}"
    );
}

#[test]
fn variables_are_validated() {
    let both = error(&with(
        "[variables]\nx = { default = \"1\", required = true }",
    ));
    assert!(both.contains("variable `x` has both"), "{both}");
    let neither = error(&with("[variables]\nx = { secret = true }"));
    assert!(neither.contains("variable `x` needs either"), "{neither}");
    let name = error(&with("[variables]\nRedis = { default = \"1\" }"));
    assert!(
        name.contains("invalid variable name \"Redis\"") && name.contains("line 8"),
        "{name}"
    );
}

#[test]
fn components_are_validated() {
    let id = error(&with("[component.my_thing]\nsource = \"x.wasm\""));
    assert!(id.contains("\"my_thing\" is not kebab-case"), "{id}");
    let var = error(&with(
        "[component.b]\nsource = \"b.wasm\"\nvariables = { Bad = \"x\" }",
    ));
    assert!(
        var.contains("component `b`: invalid variable name \"Bad\""),
        "{var}"
    );
    let remote = error(&with(
        "[component.b]\nsource = { url = \"https://x/b.wasm\", digest = \"sha256:00\" }",
    ));
    assert!(
        remote.contains("component `b`: `source` must be a path"),
        "{remote}"
    );
    let host = error(&with(
        "[component.b]\nsource = \"b.wasm\"\nallowed_outbound_hosts = [\n  \"redis:/x\",\n]",
    ));
    assert!(
        host.contains("line 10, column 3") && host.contains("component `b`"),
        "{host}"
    );
}

#[test]
fn templates_must_use_declared_application_variables() {
    let var = error(&with(
        "[component.b]\nsource = \"b.wasm\"\n[component.b.variables]\nurl = \"{{ nope }}\"",
    ));
    assert!(var.contains("component `b` variable `url`"), "{var}");
    assert!(
        var.contains("{{ nope }} is not an application variable"),
        "{var}"
    );
    let host = error(&with(
        "[component.b]\nsource = \"b.wasm\"\nallowed_outbound_hosts = [\"redis://{{ h }}\"]",
    ));
    assert!(
        host.contains("allowed_outbound_hosts") && host.contains("{{ h }}"),
        "{host}"
    );
    let open = error(&with(
        "[variables]\nh = { default = \"x\" }\n[component.b]\nsource = \"b.wasm\"\nvariables = { u = \"{{ h\" }",
    ));
    assert!(open.contains("unmatched"), "{open}");
    let redis = error(&with(
        "[[trigger.redis]]\naddress = \"redis://{{ host }}\"\nchannel = \"c\"\ncomponent = \"a\"",
    ));
    assert!(
        redis.contains("[[trigger.redis]] #1") && redis.contains("{{ host }}"),
        "{redis}"
    );
}
