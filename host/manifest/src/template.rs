//! Spin's `{{ name }}` template syntax, as used by component variables, redis trigger
//! addresses/channels and `allowed_outbound_hosts`.
//!
//! Semantics follow `spin_expressions::Template`: `{{` opens an expression that runs to the
//! next `}}`; the expression is trimmed and names an application variable. A `{{` without a
//! closing `}}` is an error; a lone `}}` is literal text.

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    /// Literal text, copied as is.
    Lit(&'a str),
    /// An application variable reference (already trimmed).
    Var(&'a str),
}

/// Splits `text` into literal and variable parts.
pub(crate) fn parse(text: &str) -> Result<Vec<Part<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(expr_rest) = rest.strip_prefix("{{") {
            let Some((expr, after)) = expr_rest.split_once("}}") else {
                return Err(format!("unmatched '{{{{' in template {text:?}"));
            };
            parts.push(Part::Var(expr.trim()));
            rest = after;
        } else if let Some(idx) = rest.find("{{") {
            parts.push(Part::Lit(&rest[..idx]));
            rest = &rest[idx..];
        } else {
            parts.push(Part::Lit(rest));
            rest = "";
        }
    }
    Ok(parts)
}

/// The variable names a template refers to, in order of appearance.
pub(crate) fn references(text: &str) -> Result<Vec<&str>, String> {
    Ok(parse(text)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Var(name) => Some(name),
            Part::Lit(_) => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_variables() {
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("plain").unwrap(), vec![Part::Lit("plain")]);
        assert_eq!(
            parse("redis://{{ host }}:{{port}}/0").unwrap(),
            vec![
                Part::Lit("redis://"),
                Part::Var("host"),
                Part::Lit(":"),
                Part::Var("port"),
                Part::Lit("/0"),
            ]
        );
        assert_eq!(
            parse("{{a}}{{ b }}").unwrap(),
            vec![Part::Var("a"), Part::Var("b")]
        );
    }

    #[test]
    fn unmatched_open_braces_are_an_error() {
        let err = parse("{{ ok }} {{ broken").unwrap_err();
        assert!(err.contains("unmatched"), "{err}");
        // A lone closing pair is literal, as in Spin.
        assert_eq!(parse("a }} b").unwrap(), vec![Part::Lit("a }} b")]);
    }

    #[test]
    fn lists_references() {
        assert_eq!(
            references("postgres://{{ user }}@{{ host }}/db").unwrap(),
            vec!["user", "host"]
        );
        assert!(references("no vars").unwrap().is_empty());
    }
}
