//! The bundle's `openapi.yaml` against `spin.toml` and the running components.
//!
//! - the document alone: OpenAPI 3.1, unique `operationId`s, error responses declared,
//!   references resolve, every operation's example request can be built;
//! - `spin.toml`: every HTTP route is documented, and every documented path is routed to
//!   the component its `x-tally-component` names; every route a component's README names
//!   is documented;
//! - the running bundle (`live`): every documented operation, sent its example request,
//!   is really served (a documented success status and content type), and refused (401)
//!   without the credentials its `security` names; undocumented paths (beside, under and
//!   above every documented one) and methods are refused (404/405), so a route added to a
//!   component without documenting it fails here too.
//!
//! Components the document describes but `spin.toml` does not (yet) contain are skipped
//! by the last two kinds of check, and listed on stderr.

mod bundle;
mod checks;
mod document;
mod live;
mod requests;

use document::Document;

fn assert_none(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn the_document_is_openapi_3_1_with_ids_errors_and_examples() {
    let doc = Document::load();
    assert_none("openapi.yaml", &checks::document(&doc));
    assert!(doc.operations().len() >= 40, "every route is documented");
}

#[test]
fn spin_toml_routes_and_documented_paths_agree() {
    let doc = Document::load();
    let (problems, skipped) = checks::routing(&doc, &bundle::root_manifest());
    for s in &skipped {
        eprintln!("not checked against spin.toml: {s}");
    }
    assert_none("spin.toml against openapi.yaml", &problems);
}

#[test]
fn every_route_a_component_readme_names_is_documented() {
    let doc = Document::load();
    assert_none(
        "component READMEs against openapi.yaml",
        &checks::readmes(&doc, &bundle::root_manifest()),
    );
}

#[test]
fn readme_routes_are_read_from_code_spans() {
    let text = "- `PUT /impressions/tracked_authors/<author_id>?username=…`, `GET /stream/:id`\n\
                | `GET /analytics/allslices?timestamp=<ts>[&limit=N]` | `curl -X GET /x` `GET`";
    assert_eq!(
        checks::readme_routes(text),
        [
            (
                "PUT".to_string(),
                "/impressions/tracked_authors/{param}".to_string()
            ),
            ("GET".to_string(), "/stream/{param}".to_string()),
            ("GET".to_string(), "/analytics/allslices".to_string()),
        ]
    );
}

/// The checks find what they are meant to find (so a pass means something).
#[test]
fn the_checks_catch_a_bad_document() {
    let doc = Document::parse(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
tags: [{name: a}]
paths:
  /stream/{id}:
    get:
      operationId: same
      summary: s
      tags: [a]
      responses: {'200': {description: ok}}
  /points/x:
    x-tally-component: points
    post:
      operationId: same
      tags: [b]
      security: [{nope: []}]
      responses: {'500': {$ref: '#/components/responses/Missing'}}
components: {schemas: {}}
"#,
    )
    .unwrap();
    let problems = checks::document(&doc).join("\n");
    for expected in [
        "not 3.1.x",
        "servers",
        "Problem has no `detail`",
        "#/components/responses/Missing does not resolve",
        "/stream/{id}: no `x-tally-component`",
        "GET /stream/{id} (same): no 4xx/5xx response",
        "path parameters {} differ from the template's {\"id\"}",
        "(same): operationId is not unique",
        "POST /points/x (same): no summary",
        "tags [\"b\"] are not all declared",
        "security scheme `nope` is not declared",
    ] {
        assert!(
            problems.contains(expected),
            "{expected:?} not in:\n{problems}"
        );
    }
}

#[test]
fn the_routing_check_catches_undocumented_and_misrouted_paths() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("spin.toml");
    let text = r#"spin_manifest_version = 2
[application]
name = "t"
[[trigger.http]]
route = "/points/..."
component = "points"
[[trigger.http]]
route = "/streams/..."
component = "streams"
[component.points]
source = "points.wasm"
[component.streams]
source = "streams.wasm"
"#;
    std::fs::write(&manifest, text).unwrap();
    let manifest = tally_manifest::Manifest::load(&manifest).unwrap();
    let doc = Document::parse(
        r#"
paths:
  /points/health: {x-tally-component: streams}
  /etl/health: {x-tally-component: etl}
"#,
    )
    .unwrap();
    let (problems, skipped) = checks::routing(&doc, &manifest);
    let problems = problems.join("\n");
    assert!(problems.contains("/points/health is documented for `streams`"));
    assert!(problems.contains("routes /points/... to `points`"));
    assert!(problems.contains("routes /streams/... to `streams`"));
    assert_eq!(skipped, ["/etl/health (etl is not in spin.toml)"]);
}
