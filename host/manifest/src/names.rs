//! Spin's naming rules for component ids and variable names.
//!
//! Component ids are Spin "kebab ids" (`spin_serde::KebabId`): words separated by `-`, each
//! word ASCII alphanumeric and either all lowercase or all uppercase, the first word starting
//! with a letter. Variable names (application and component) follow Spin's expression key
//! rule (`spin_expressions::Key`): lowercase ASCII letters, digits and single underscores,
//! starting with a letter and ending with a letter or digit.

/// Checks a component id against Spin's kebab-case rule; the error says what is wrong.
pub(crate) fn check_component_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("component id must not be empty".into());
    }
    if id.contains('_') {
        return Err(format!(
            "component id {id:?} is not kebab-case: words must be separated with '-', not '_'"
        ));
    }
    for (i, word) in id.split('-').enumerate() {
        let mut chars = word.chars();
        let Some(first) = chars.next() else {
            return Err(format!(
                "component id {id:?} is not kebab-case: '-'-separated words must not be empty"
            ));
        };
        if !(first.is_ascii_alphabetic() || (i > 0 && first.is_ascii_digit())) {
            return Err(format!(
                "component id {id:?} is not kebab-case: words must start with an ASCII letter \
                 (or a digit after the first word), got {first:?}"
            ));
        }
        let upper = first.is_ascii_uppercase();
        for ch in chars {
            if ch.is_ascii_digit() || ch == ':' {
                continue;
            }
            if !ch.is_ascii_alphanumeric() {
                return Err(format!(
                    "component id {id:?} is not kebab-case: words may only contain ASCII \
                     letters and digits, got {ch:?}"
                ));
            }
            if ch.is_ascii_uppercase() != upper {
                return Err(format!(
                    "component id {id:?} is not kebab-case: word {word:?} mixes upper and lower case"
                ));
            }
        }
    }
    Ok(())
}

/// Checks a variable name against Spin's rule; the error says what is wrong.
pub(crate) fn check_variable_name(name: &str) -> Result<(), String> {
    let reason = if name.is_empty() {
        "must not be empty".to_string()
    } else if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        format!(
            "invalid character {bad:?}: variable names may contain only lowercase letters, \
             digits and underscores"
        )
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        "must start with a lowercase ASCII letter".to_string()
    } else if name.ends_with('_') {
        "must end with a lowercase ASCII letter or digit".to_string()
    } else if name.contains("__") {
        "must not contain consecutive underscores".to_string()
    } else {
        return Ok(());
    };
    Err(format!("invalid variable name {name:?}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_ids_follow_spin_kebab_rule() {
        for good in ["points", "ingest-v2", "a1", "my-HTTP-thing", "x-2"] {
            assert!(check_component_id(good).is_ok(), "{good}");
        }
        let err = check_component_id("my_component").unwrap_err();
        assert!(err.contains("not '_'"), "{err}");
        for bad in ["", "-a", "a-", "a--b", "1abc", "a.b", "aBc", "a b"] {
            assert!(
                check_component_id(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn variable_names_follow_spin_key_rule() {
        for good in ["a", "redis_url", "a1_b2", "pg_host"] {
            assert!(check_variable_name(good).is_ok(), "{good}");
        }
        for bad in ["", "aX", "1bc", "_x", "x.y", "x_", "a__b", "x-y", "Redis"] {
            assert!(
                check_variable_name(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
        assert!(check_variable_name("x-y").unwrap_err().contains("'-'"));
    }
}
