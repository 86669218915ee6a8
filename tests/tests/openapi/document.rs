//! The bundle's `openapi.yaml` as data: loading, `$ref` resolution, the operations with
//! their parameters, and path templates (`/stream/{id}/count`).

use serde_json::Value;
use tally_tests::workspace_root;

/// The HTTP methods an OpenAPI path item may hold, as its keys spell them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The parsed document.
pub struct Document {
    /// The whole document as JSON.
    pub root: Value,
}

impl Document {
    /// Reads `openapi.yaml` at the repository root (panics naming the error).
    pub fn load() -> Document {
        let path = workspace_root().join("openapi.yaml");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Parses YAML text.
    pub fn parse(text: &str) -> Result<Document, String> {
        let root: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        Ok(Document { root })
    }

    /// Follows `$ref`s (local JSON pointers, `#/components/...`) until a value that is
    /// not a reference.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> Result<&'a Value, String> {
        for _ in 0..16 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("{reference}: only local references are used"))?;
            value = self
                .root
                .pointer(pointer)
                .ok_or_else(|| format!("{reference} does not resolve"))?;
        }
        Err("a $ref chain longer than 16".to_string())
    }

    /// Every `$ref` in the document.
    pub fn references(&self) -> Vec<String> {
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(r)) = map.get("$ref") {
                        out.push(r.clone());
                    }
                    map.values().for_each(|v| walk(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }

    /// The documented paths with their path items, in document order.
    pub fn paths(&self) -> Vec<(&str, &Value)> {
        self.root["paths"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        let mut ops = Vec::new();
        for (path, item) in self.paths() {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    ops.push(Operation {
                        path: path.to_string(),
                        method: method.to_ascii_uppercase(),
                        item,
                        op,
                    });
                }
            }
        }
        ops
    }
}

/// The component a path item names in `x-tally-component`.
pub fn component_of(item: &Value) -> Option<&str> {
    item.get("x-tally-component").and_then(Value::as_str)
}

/// The status an operation's example request is answered with when it is not a success
/// (`x-tally-example-status`, for an example that cannot succeed on a fresh bundle).
pub fn example_status(op: &Value) -> Option<u16> {
    op.get("x-tally-example-status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
}

/// One operation: a method on a path.
pub struct Operation<'a> {
    /// The path template.
    pub path: String,
    /// The method, upper case.
    pub method: String,
    /// The path item holding it.
    pub item: &'a Value,
    /// The operation object.
    pub op: &'a Value,
}

impl<'a> Operation<'a> {
    /// `operationId`, or `""`.
    pub fn id(&self) -> &'a str {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `METHOD /path (operationId)`, for messages.
    pub fn name(&self) -> String {
        format!("{} {} ({})", self.method, self.path, self.id())
    }

    /// The component serving it (the path item's `x-tally-component`).
    pub fn component(&self) -> Option<&'a str> {
        component_of(self.item)
    }

    /// The parameters of the path item and of the operation, resolved; the operation's
    /// win over the path item's of the same name and location.
    pub fn parameters(&self, doc: &'a Document) -> Result<Vec<&'a Value>, String> {
        let mut out: Vec<&Value> = Vec::new();
        for list in [self.item.get("parameters"), self.op.get("parameters")] {
            let Some(list) = list else { continue };
            let list = list
                .as_array()
                .ok_or_else(|| format!("{}: `parameters` is not a list", self.name()))?;
            for p in list {
                let p = doc.resolve(p)?;
                out.retain(|q| !(q["name"] == p["name"] && q["in"] == p["in"]));
                out.push(p);
            }
        }
        Ok(out)
    }

    /// The documented responses, status (`200`, `4XX`, `default`) → resolved response.
    pub fn responses(&self, doc: &'a Document) -> Result<Vec<(&'a str, &'a Value)>, String> {
        let map = self
            .op
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{}: no `responses`", self.name()))?;
        map.iter()
            .map(|(k, v)| Ok((k.as_str(), doc.resolve(v)?)))
            .collect()
    }

    /// The documented response for `status`: the exact code, then `NXX`, then `default`.
    pub fn response_for(
        &self,
        doc: &'a Document,
        status: u16,
    ) -> Result<Option<&'a Value>, String> {
        let responses = self.responses(doc)?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        Ok([exact.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|key| responses.iter().find(|(k, _)| k == key).map(|(_, v)| *v)))
    }

    /// The security requirements that apply (the operation's, else the document's).
    pub fn security(&self, doc: &'a Document) -> Vec<&'a serde_json::Map<String, Value>> {
        self.op
            .get("security")
            .or_else(|| doc.root.get("security"))
            .and_then(Value::as_array)
            .map(|reqs| reqs.iter().filter_map(Value::as_object).collect())
            .unwrap_or_default()
    }
}

/// A path template split into segments; `{name}` matches one non-empty segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    segments: Vec<String>,
}

impl Template {
    /// Parses `/a/{b}/c`.
    pub fn new(path: &str) -> Template {
        Template {
            segments: path.split('/').skip(1).map(str::to_string).collect(),
        }
    }

    /// The names of the `{...}` parameters, in order.
    pub fn parameters(&self) -> Vec<&str> {
        self.segments
            .iter()
            .filter_map(|s| Some(s.split_once('{')?.1.split_once('}')?.0))
            .collect()
    }

    /// Whether a concrete path (no query) matches the template.
    pub fn matches(&self, path: &str) -> bool {
        let actual: Vec<&str> = path.split('/').skip(1).collect();
        actual.len() == self.segments.len()
            && self
                .segments
                .iter()
                .zip(&actual)
                .all(|(t, a)| segment_matches(t, a))
    }

    /// Whether some concrete path matches both templates (segment by segment, a
    /// parameter matches anything).
    pub fn overlaps(&self, other: &Template) -> bool {
        let param = |s: &str| s.contains('{');
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|(a, b)| param(a) || param(b) || a == b)
    }

    /// The segments with each `{name}` replaced by `value(name)` (not yet escaped).
    pub fn fill(&self, value: impl Fn(&str) -> Option<String>) -> Result<Vec<String>, String> {
        self.segments
            .iter()
            .map(|s| match s.split_once('{') {
                None => Ok(s.clone()),
                Some((before, rest)) => {
                    let (name, after) = rest
                        .split_once('}')
                        .ok_or_else(|| format!("unclosed `{{` in segment {s:?}"))?;
                    let v = value(name).ok_or_else(|| format!("no value for `{name}`"))?;
                    Ok(format!("{before}{v}{after}"))
                }
            })
            .collect()
    }
}

fn segment_matches(template: &str, actual: &str) -> bool {
    match template.split_once('{').zip(template.split_once('}')) {
        None => template == actual,
        Some(((before, _), (_, after))) => {
            actual.len() > before.len() + after.len()
                && actual.starts_with(before)
                && actual.ends_with(after)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_whole_segments() {
        let t = Template::new("/stream/{id}/count");
        assert_eq!(t.parameters(), ["id"]);
        assert!(t.matches("/stream/user-7/count"));
        assert!(!t.matches("/stream//count"));
        assert!(!t.matches("/stream/user-7"));
        assert!(!t.matches("/stream/user-7/count/x"));
        assert!(!t.matches("/stream/user-7/counts"));
        let csv = Template::new("/ads/{name}.csv");
        assert!(csv.matches("/ads/metrics.csv"));
        assert!(!csv.matches("/ads/.csv"));
        assert!(!csv.matches("/ads/metrics.json"));
        assert!(Template::new("/").matches("/"));
        assert!(t.overlaps(&Template::new("/{x}/a/count")));
        assert!(!t.overlaps(&Template::new("/stream/a")));
        assert!(!Template::new("/").matches("/x"));
    }

    #[test]
    fn templates_fill_their_parameters() {
        let t = Template::new("/ads/{ad_id}/metrics");
        let filled = t.fill(|n| (n == "ad_id").then(|| "100".to_string()));
        assert_eq!(filled.unwrap(), ["ads", "100", "metrics"]);
        assert!(t.fill(|_| None).unwrap_err().contains("ad_id"));
    }

    #[test]
    fn references_resolve_through_chains() {
        let doc = Document::parse(
            "a: {$ref: '#/b'}\nb: {$ref: '#/c/d~1e'}\nc: {d/e: 1}\nx: {$ref: '#/nope'}",
        )
        .unwrap();
        assert_eq!(doc.resolve(&doc.root["a"]).unwrap(), &Value::from(1));
        assert!(doc.resolve(&doc.root["x"]).unwrap_err().contains("#/nope"));
        assert_eq!(doc.references().len(), 3);
    }
}
