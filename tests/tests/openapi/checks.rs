//! What the document must satisfy on its own, and against `spin.toml`'s routes. Each
//! check returns the list of problems found (empty: it holds), so a failing test names
//! every offending path or operation at once.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;
use tally_manifest::Manifest;

use crate::document::{Document, Template, component_of};
use crate::requests;

/// The bundle's address the document must list as a server.
pub const SERVER: &str = "http://127.0.0.1:3000";

/// The document alone: OpenAPI 3.1, references, tags, components, operation ids, error
/// responses, and every operation's example request can be built.
pub fn document(doc: &Document) -> Vec<String> {
    let mut problems = Vec::new();
    let root = &doc.root;
    if !root["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1."))
    {
        problems.push(format!("`openapi` is {}, not 3.1.x", root["openapi"]));
    }
    if !root["info"]["title"].is_string() || !root["info"]["version"].is_string() {
        problems.push("`info` needs a title and a version".into());
    }
    let servers = root["servers"].as_array().into_iter().flatten();
    if !servers.clone().any(|s| s["url"] == SERVER) {
        problems.push(format!("`servers` does not list {SERVER}"));
    }
    let problem = &root["components"]["schemas"]["Problem"]["properties"];
    for field in ["type", "title", "status", "detail"] {
        if problem.get(field).is_none() {
            problems.push(format!("components/schemas/Problem has no `{field}`"));
        }
    }
    for reference in doc.references() {
        if let Err(e) = doc.resolve(&serde_json::json!({ "$ref": reference })) {
            problems.push(e);
        }
    }
    let tags: HashSet<&str> = root["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for (path, item) in doc.paths() {
        if component_of(item).is_none() {
            problems.push(format!("{path}: no `x-tally-component`"));
        }
    }
    let mut ids = HashSet::new();
    for op in doc.operations() {
        let name = op.name();
        if op.id().is_empty() {
            problems.push(format!("{name}: no operationId"));
        } else if !ids.insert(op.id()) {
            problems.push(format!("{name}: operationId is not unique"));
        }
        if op.op["summary"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("{name}: no summary"));
        }
        let op_tags: Vec<&str> = op.op["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if op_tags.is_empty() || op_tags.iter().any(|t| !tags.contains(t)) {
            problems.push(format!("{name}: tags {op_tags:?} are not all declared"));
        }
        match op.responses(doc) {
            Err(e) => problems.push(e),
            Ok(responses) => {
                let class = |c: char| responses.iter().any(|(k, _)| k.starts_with(c));
                if !(class('4') || class('5')) {
                    problems.push(format!("{name}: no 4xx/5xx response declared"));
                }
                if !(class('2') || class('3')) {
                    problems.push(format!("{name}: no success response declared"));
                }
            }
        }
        if let Some(status) = crate::document::example_status(op.op)
            && !matches!(op.response_for(doc, status), Ok(Some(_)))
        {
            problems.push(format!(
                "{name}: x-tally-example-status {status} is not documented"
            ));
        }
        problems.extend(path_parameters(doc, &op));
        for requirement in op.security(doc) {
            for scheme in requirement.keys() {
                if root["components"]["securitySchemes"].get(scheme).is_none() {
                    problems.push(format!(
                        "{name}: security scheme `{scheme}` is not declared"
                    ));
                }
            }
        }
        let any = |_: &str, _: &Value| Some(String::new());
        if let Err(e) = requests::build(doc, &op, &any) {
            problems.push(e);
        }
    }
    problems
}

/// Every `{name}` of the path is a required path parameter with an `example`, and every
/// path parameter is in the path.
fn path_parameters(doc: &Document, op: &crate::document::Operation) -> Vec<String> {
    let name = op.name();
    let params = match op.parameters(doc) {
        Ok(p) => p,
        Err(e) => return vec![e],
    };
    let template = Template::new(&op.path);
    let in_path: BTreeSet<&str> = template.parameters().into_iter().collect();
    let declared: BTreeSet<&str> = params
        .iter()
        .filter(|p| p["in"] == "path")
        .filter_map(|p| p["name"].as_str())
        .collect();
    let mut problems = Vec::new();
    if in_path != declared {
        problems.push(format!(
            "{name}: path parameters {declared:?} differ from the template's {in_path:?}"
        ));
    }
    for p in params.iter().filter(|p| p["in"] == "path") {
        if p["required"] != true || p.get("example").is_none() {
            problems.push(format!(
                "{name}: path parameter {} needs `required: true` and an `example`",
                p["name"]
            ));
        }
    }
    problems
}

/// A documented path with its parameters filled from their examples (`x` without one).
pub fn example_path(doc: &Document, path: &str) -> String {
    let item = &doc.root["paths"][path];
    let mut params: Vec<&Value> = Vec::new();
    let methods = crate::document::METHODS.iter().filter_map(|m| item.get(*m));
    for list in std::iter::once(item).chain(methods) {
        for p in list["parameters"].as_array().into_iter().flatten() {
            params.extend(doc.resolve(p).ok());
        }
    }
    let segments = Template::new(path)
        .fill(|name| {
            let p = params
                .iter()
                .find(|p| p["in"] == "path" && p["name"] == name);
            Some(
                p.and_then(|p| p.get("example"))
                    .map(|e| e.as_str().map(str::to_string).unwrap_or(e.to_string()))
                    .unwrap_or_else(|| "x".to_string()),
            )
        })
        .expect("every parameter has a value");
    format!("/{}", segments.join("/"))
}

/// `spin.toml` against the document: every HTTP route of the manifest is documented by
/// at least one path it routes, and every documented path whose component is in the
/// manifest is routed to that component. Returns the problems and the paths skipped
/// because their component is not in the manifest.
pub fn routing(doc: &Document, manifest: &Manifest) -> (Vec<String>, Vec<String>) {
    let router = match manifest.router() {
        Ok(r) => r,
        Err(e) => return (vec![e.to_string()], Vec::new()),
    };
    let (mut problems, mut skipped) = (Vec::new(), Vec::new());
    let mut covered = HashSet::new();
    for (path, item) in doc.paths() {
        let Some(component) = component_of(item) else {
            continue;
        };
        let concrete = example_path(doc, path);
        let routed = router.route(&concrete);
        if let Some(m) = &routed
            && m.component == component
        {
            covered.insert(m.raw_component_route.clone());
        }
        if !manifest.components.contains_key(component) {
            skipped.push(format!("{path} ({component} is not in spin.toml)"));
            continue;
        }
        match routed {
            Some(m) if m.component == component => {}
            Some(m) => problems.push(format!(
                "{path} is documented for `{component}` but spin.toml routes {concrete} to \
                 `{}` (route {})",
                m.component, m.raw_component_route
            )),
            None => problems.push(format!(
                "{path} is documented for `{component}` but spin.toml routes {concrete} nowhere"
            )),
        }
    }
    for (route, component) in router.routes() {
        if !covered.contains(route) {
            problems.push(format!(
                "spin.toml routes {route} to `{component}`, but no documented path of \
                 `{component}` falls under it"
            ));
        }
    }
    (problems, skipped)
}

/// The `METHOD /path` routes a README names in code spans (`` `GET /stream/:id` ``), with
/// the query left out and `:name`, `<name>` and `{name}` segments as parameters.
pub fn readme_routes(text: &str) -> Vec<(String, String)> {
    let methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    let mut routes = Vec::new();
    for span in text.split('`').skip(1).step_by(2) {
        let Some((method, rest)) = span.split_once(' ') else {
            continue;
        };
        if !methods.contains(&method) || !rest.starts_with('/') {
            continue;
        }
        let path = rest.split(['?', ' ', '[']).next().unwrap_or_default();
        let segments: Vec<String> = path
            .split('/')
            .map(|s| match s.chars().next() {
                Some(':' | '<' | '{') => "{param}".to_string(),
                _ => s.to_string(),
            })
            .collect();
        routes.push((method.to_string(), segments.join("/")));
    }
    routes
}

/// Every route a component's README names, and `spin.toml` routes to that component, is
/// a documented operation.
pub fn readmes(doc: &Document, manifest: &Manifest) -> Vec<String> {
    let Ok(router) = manifest.router() else {
        return vec!["the manifest's routes are invalid".to_string()];
    };
    let ops = doc.operations();
    let mut problems = Vec::new();
    for id in manifest.components.keys() {
        let readme = tally_tests::workspace_root().join(format!("components/{id}/README.md"));
        let Ok(text) = std::fs::read_to_string(&readme) else {
            continue;
        };
        for (method, path) in readme_routes(&text) {
            let concrete = path.replace("{param}", "x");
            if router.route(&concrete).is_none_or(|m| &m.component != id) {
                continue;
            }
            let template = Template::new(&path);
            let found = ops
                .iter()
                .any(|op| op.method == method && Template::new(&op.path).overlaps(&template));
            if !found {
                problems.push(format!(
                    "components/{id}/README.md names `{method} {path}`, which is not documented"
                ));
            }
        }
    }
    problems
}
