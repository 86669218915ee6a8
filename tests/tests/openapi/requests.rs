//! Building a real request for an operation from the document alone: path parameters
//! from their `example`s, the query parameters that carry an `example`, the body from the
//! first media type with an `example`, and credentials for the operation's `security`.

use serde_json::Value;
use url::Url;

use crate::document::{Document, Operation, Template};

/// One request, ready to send.
#[derive(Debug, Clone)]
pub struct Example {
    /// The method, upper case.
    pub method: String,
    /// Path and query, escaped.
    pub target: String,
    /// Headers (`authorization`, ...).
    pub headers: Vec<(String, String)>,
    /// `(content type, body)`.
    pub body: Option<(String, String)>,
    /// Whether the operation needs credentials (and `headers` carries them).
    pub secured: bool,
}

/// The `authorization` header value for a security scheme, by the scheme's name.
pub type Credentials<'a> = &'a dyn Fn(&str, &Value) -> Option<String>;

/// A parameter's `example` as it goes into a URL.
fn example_text(p: &Value) -> Option<String> {
    match p.get("example")? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The example request of `op`.
pub fn build(doc: &Document, op: &Operation, credentials: Credentials) -> Result<Example, String> {
    let params = op.parameters(doc)?;
    let param = |name: &str, location: &str| {
        params
            .iter()
            .find(|p| p["name"] == name && p["in"] == location)
            .copied()
    };
    let segments = Template::new(&op.path)
        .fill(|name| param(name, "path").and_then(example_text))
        .map_err(|e| format!("{}: path parameter: {e}", op.name()))?;
    let mut url = Url::parse("http://bundle.invalid/").expect("a valid base");
    url.path_segments_mut()
        .expect("an http URL has path segments")
        .clear()
        .extend(&segments);
    for p in params.iter().filter(|p| p["in"] == "query") {
        let name = p["name"].as_str().unwrap_or_default();
        match example_text(p) {
            Some(v) => {
                url.query_pairs_mut().append_pair(name, &v);
            }
            None if p["required"] == true => {
                return Err(format!(
                    "{}: required query parameter `{name}` has no example",
                    op.name()
                ));
            }
            None => {}
        }
    }
    let mut headers = Vec::new();
    let requirements = op.security(doc);
    let secured = !requirements.is_empty() && requirements.iter().all(|r| !r.is_empty());
    if let Some(requirement) = requirements.first() {
        for name in requirement.keys() {
            let scheme = doc.resolve(&doc.root["components"]["securitySchemes"][name])?;
            let value = credentials(name, scheme)
                .ok_or_else(|| format!("{}: no credentials for scheme `{name}`", op.name()))?;
            headers.push(("authorization".to_string(), value));
        }
    }
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    Ok(Example {
        method: op.method.clone(),
        target,
        headers,
        body: body(doc, op)?,
        secured,
    })
}

/// The request body from the first media type with an `example`.
fn body(doc: &Document, op: &Operation) -> Result<Option<(String, String)>, String> {
    let Some(body) = op.op.get("requestBody") else {
        return Ok(None);
    };
    let body = doc.resolve(body)?;
    let content = body["content"].as_object().into_iter().flatten();
    for (media, spec) in content {
        let Some(example) = spec.get("example") else {
            continue;
        };
        return Ok(Some((media.clone(), encode(media, example)?)));
    }
    if body["required"] == true {
        return Err(format!("{}: the required body has no example", op.name()));
    }
    Ok(None)
}

/// `example` encoded as `media`: a string as it is, JSON as JSON, a form's object as
/// `application/x-www-form-urlencoded`.
pub fn encode(media: &str, example: &Value) -> Result<String, String> {
    match example {
        Value::String(s) if !is_json(media) => Ok(s.clone()),
        Value::Object(fields) if media == "application/x-www-form-urlencoded" => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in fields {
                match v {
                    Value::String(s) => form.append_pair(k, s),
                    other => form.append_pair(k, &other.to_string()),
                };
            }
            Ok(form.finish())
        }
        _ if is_json(media) => Ok(example.to_string()),
        _ => Err(format!("cannot encode this example as {media}")),
    }
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn examples_are_encoded_by_media_type() {
        assert_eq!(
            encode("application/json", &json!([1, "a"])).unwrap(),
            r#"[1,"a"]"#
        );
        assert_eq!(
            encode(
                "application/x-www-form-urlencoded",
                &json!({"ids": "1,2", "n": 3})
            )
            .unwrap(),
            "ids=1%2C2&n=3"
        );
        assert_eq!(encode("text/plain", &json!("a\tb")).unwrap(), "a\tb");
        assert!(encode("text/plain", &json!({"a": 1})).is_err());
    }

    #[test]
    fn a_request_is_built_from_the_examples() {
        let doc = Document::parse(
            r#"
paths:
  /stream/{id}:
    get:
      operationId: x
      security: [{token: []}]
      parameters:
        - {name: id, in: path, required: true, example: "user 7"}
        - {name: limit, in: query, example: 20}
        - {name: from, in: query}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
"#,
        )
        .unwrap();
        let op = &doc.operations()[0];
        let creds = |name: &str, scheme: &Value| {
            (name == "token" && scheme["scheme"] == "bearer").then(|| "Bearer t".to_string())
        };
        let ex = build(&doc, op, &creds).unwrap();
        assert_eq!(ex.method, "GET");
        assert_eq!(ex.target, "/stream/user%207?limit=20");
        assert_eq!(ex.headers, [("authorization".into(), "Bearer t".into())]);
        assert!(ex.secured && ex.body.is_none());
        assert!(build(&doc, op, &|_: &str, _: &Value| None).is_err());
    }
}
