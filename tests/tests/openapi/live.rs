//! The document against the running bundle: every documented operation is served, and
//! nothing undocumented is.

use tally_tests::http::{self, Reply};

use crate::bundle::{self, Bundle};
use crate::checks::example_path;
use crate::document::{Document, Operation, Template};
use crate::requests::{self, Example};

/// A path segment no component serves.
const UNDOCUMENTED: &str = "zz-undocumented";

/// The methods probed on every documented path.
const PROBED_METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

fn send(bundle: &Bundle, ex: &Example, with_credentials: bool) -> Reply {
    let headers: Vec<(&str, &str)> = ex
        .headers
        .iter()
        .filter(|_| with_credentials)
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = ex.body.as_ref().map(|(t, b)| (t.as_str(), b.as_str()));
    http::request(
        &ex.method,
        &format!("{}{}", bundle.host.url, ex.target),
        &headers,
        body,
    )
}

fn media_type(reply: &Reply) -> String {
    let ct = reply.content_type.as_deref().unwrap_or("");
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn short(body: &str) -> String {
    body.chars().take(300).collect()
}

/// Whether `op`'s component runs in the bundle.
fn served(bundle: &Bundle, op: &Operation) -> bool {
    op.component()
        .is_some_and(|c| bundle.manifest.components.contains_key(c))
}

/// What is wrong with `reply` as `op`'s answer to its example request.
fn check_answer(doc: &Document, op: &Operation, ex: &Example, reply: &Reply) -> Option<String> {
    let what = format!("{} as {} {}", op.name(), ex.method, ex.target);
    let expected = crate::document::example_status(op.op);
    if expected.map_or(reply.status >= 400, |e| reply.status != e) {
        return Some(format!(
            "{what}: answered {} {} (expected {})",
            reply.status,
            short(&reply.body),
            expected.map_or("a success".to_string(), |e| e.to_string())
        ));
    }
    let documented = match op.response_for(doc, reply.status) {
        Ok(Some(r)) => r,
        Ok(None) => return Some(format!("{what}: status {} is not documented", reply.status)),
        Err(e) => return Some(e),
    };
    match documented["content"].as_object() {
        Some(content) if !content.contains_key(&media_type(reply)) => Some(format!(
            "{what}: content type {:?} is not among the documented {:?}",
            reply.content_type,
            content.keys().collect::<Vec<_>>()
        )),
        None if !reply.body.is_empty() => Some(format!(
            "{what}: status {} is documented without a body, but one came: {}",
            reply.status,
            short(&reply.body)
        )),
        _ => None,
    }
}

/// Sends every operation its example request (in document order) and checks the answer;
/// an operation that needs credentials must first refuse the same request without them.
#[test]
fn every_documented_operation_is_served() {
    let doc = Document::load();
    let bundle = Bundle::start("openapi_operations");
    let mut problems = Vec::new();
    let mut sent = 0;
    for op in doc.operations() {
        if !served(&bundle, &op) {
            eprintln!(
                "not sent: {} ({:?} is not in spin.toml)",
                op.name(),
                op.component()
            );
            continue;
        }
        let ex = match requests::build(&doc, &op, &bundle::credentials) {
            Ok(ex) => ex,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if ex.secured {
            let reply = send(&bundle, &ex, false);
            let documented = op.response_for(&doc, 401).ok().flatten().is_some();
            if reply.status != 401 || !documented {
                problems.push(format!(
                    "{} without credentials: answered {} (401 expected and documented: {documented})",
                    op.name(),
                    reply.status
                ));
            }
        }
        let reply = send(&bundle, &ex, true);
        sent += 1;
        problems.extend(check_answer(&doc, &op, &ex, &reply));
    }
    assert!(sent >= 30, "only {sent} operations were sent");
    crate::assert_none("documented operations against the bundle", &problems);
}

/// Whether any documented path template matches `path`.
fn documented(doc: &Document, path: &str) -> bool {
    doc.paths()
        .iter()
        .any(|(p, _)| Template::new(p).matches(path))
}

/// Expects `reply` to be a refusal of an undocumented route: `allowed` statuses, as a
/// problem.
fn refused(what: String, reply: &Reply, allowed: &[u16]) -> Option<String> {
    if allowed.contains(&reply.status) && media_type(reply) == "application/problem+json" {
        return None;
    }
    Some(format!(
        "{what}: answered {} {:?} {} (expected {allowed:?} as a problem)",
        reply.status,
        reply.content_type,
        short(&reply.body)
    ))
}

/// Undocumented paths under every wildcard route, under every documented path and above
/// it (its undocumented parents) are 404, and every undocumented method of a documented
/// path is 404 or 405.
#[test]
fn undocumented_paths_and_methods_are_refused() {
    let doc = Document::load();
    let bundle = Bundle::start("openapi_undocumented");
    let router = bundle
        .manifest
        .router()
        .expect("the manifest's routes are valid");
    let mut probes: Vec<String> = Vec::new();
    for (route, _) in router.routes() {
        if let Some(prefix) = route.strip_suffix("/...") {
            probes.push(format!("{prefix}/{UNDOCUMENTED}"));
        }
    }
    let mut problems = Vec::new();
    for (path, item) in doc.paths() {
        let component = crate::document::component_of(item).unwrap_or_default();
        if !bundle.manifest.components.contains_key(component) {
            continue;
        }
        let concrete = example_path(&doc, path);
        probes.push(format!("{}/{UNDOCUMENTED}", concrete.trim_end_matches('/')));
        let parents = concrete.match_indices('/').map(|(i, _)| &concrete[..i]);
        probes.extend(
            parents
                .filter(|p| !p.is_empty() && !documented(&doc, p))
                .map(str::to_string),
        );
        for method in PROBED_METHODS {
            if item.get(method.to_ascii_lowercase()).is_some() {
                continue;
            }
            let reply = http::request(method, &format!("{}{concrete}", bundle.host.url), &[], None);
            problems.extend(refused(
                format!("undocumented {method} {concrete} ({component})"),
                &reply,
                &[404, 405],
            ));
        }
    }
    probes.sort();
    probes.dedup();
    for mut probe in probes {
        while documented(&doc, &probe) {
            probe = format!("{probe}/{UNDOCUMENTED}");
        }
        let Some(m) = router.route(&probe) else {
            continue;
        };
        let reply = bundle.host.get(&probe);
        problems.extend(refused(
            format!("undocumented GET {probe} ({})", m.component),
            &reply,
            &[404],
        ));
    }
    crate::assert_none("undocumented routes against the bundle", &problems);
}
