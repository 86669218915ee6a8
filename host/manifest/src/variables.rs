//! Spin application variables and component variable templates.
//!
//! As in Spin with its default environment provider: an application variable `name` takes
//! the environment variable `SPIN_VARIABLE_<NAME>` (name uppercased) first, then its manifest
//! `default`. Every required variable must get a value at startup, whether or not a component
//! uses it. A component sees only the variables listed in its own
//! `[component.<id>.variables]`, each a template over application variables.

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use crate::manifest::Manifest;
use crate::template::{self, Part};

/// A variable that cannot be resolved or a template that cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VariableError {
    /// A required application variable has no value.
    #[error(
        "required variable `{name}` has no value: set the environment variable {}",
        env_var_name(name)
    )]
    Missing {
        /// The application variable's name.
        name: String,
    },
    /// A template names a variable that is not an application variable.
    #[error("template {template:?} refers to undefined application variable `{name}`")]
    Undefined {
        /// The template as written.
        template: String,
        /// The unknown name.
        name: String,
    },
    /// A template is malformed (an unclosed `{{`).
    #[error("invalid template: {reason}")]
    InvalidTemplate {
        /// What is wrong with it.
        reason: String,
    },
}

/// The environment variable Spin reads for application variable `name`.
pub fn env_var_name(name: &str) -> String {
    format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())
}

/// Expands every `{{ name }}` in `text` with `values`.
pub fn expand_template(
    text: &str,
    values: &BTreeMap<String, String>,
) -> Result<String, VariableError> {
    let parts =
        template::parse(text).map_err(|reason| VariableError::InvalidTemplate { reason })?;
    let mut out = String::with_capacity(text.len());
    for part in parts {
        match part {
            Part::Lit(lit) => out.push_str(lit),
            Part::Var(name) => match values.get(name) {
                Some(value) => out.push_str(value),
                None => {
                    return Err(VariableError::Undefined {
                        template: text.to_string(),
                        name: name.to_string(),
                    });
                }
            },
        }
    }
    Ok(out)
}

static NO_VARIABLES: BTreeMap<String, String> = BTreeMap::new();

/// Every application variable's value and every component's expanded variables.
///
/// `Debug` shows names only: values may be secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ResolvedVariables {
    application: BTreeMap<String, String>,
    components: BTreeMap<String, BTreeMap<String, String>>,
}

impl fmt::Debug for ResolvedVariables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let components: BTreeMap<_, Vec<_>> = self
            .components
            .iter()
            .map(|(id, vars)| (id, vars.keys().collect()))
            .collect();
        f.debug_struct("ResolvedVariables")
            .field("application", &self.application.keys().collect::<Vec<_>>())
            .field("components", &components)
            .finish()
    }
}

/// Resolves the manifest's variables; `env` looks up an environment variable by name
/// (pass `|k| std::env::var(k).ok()` in the host).
pub fn resolve(
    manifest: &Manifest,
    env: impl Fn(&str) -> Option<String>,
) -> Result<ResolvedVariables, VariableError> {
    let mut application = BTreeMap::new();
    for (name, variable) in &manifest.variables {
        let value = env(&env_var_name(name)).or_else(|| variable.default.clone());
        let Some(value) = value else {
            return Err(VariableError::Missing { name: name.clone() });
        };
        application.insert(name.clone(), value);
    }
    let mut components = BTreeMap::new();
    for (id, component) in &manifest.components {
        let expanded = component
            .variables
            .iter()
            .map(|(name, tmpl)| Ok((name.clone(), expand_template(tmpl, &application)?)))
            .collect::<Result<BTreeMap<_, _>, VariableError>>()?;
        components.insert(id.clone(), expanded);
    }
    Ok(ResolvedVariables {
        application,
        components,
    })
}

impl ResolvedVariables {
    /// All of a component's variables, expanded (empty for an unknown component).
    pub fn component(&self, component_id: &str) -> &BTreeMap<String, String> {
        self.components.get(component_id).unwrap_or(&NO_VARIABLES)
    }

    /// One component variable, as the component's `spin:variables` `get` sees it.
    pub fn get(&self, component_id: &str, name: &str) -> Option<&str> {
        self.component(component_id).get(name).map(String::as_str)
    }

    /// The application variables' values (for manifest expressions, never for components).
    pub fn application(&self) -> &BTreeMap<String, String> {
        &self.application
    }

    /// Expands a manifest expression (redis `address`/`channel`) with application values.
    pub fn expand(&self, text: &str) -> Result<String, VariableError> {
        expand_template(text, &self.application)
    }

    /// Expands each entry, e.g. a component's `allowed_outbound_hosts`.
    pub fn expand_all<S: AsRef<str>>(&self, list: &[S]) -> Result<Vec<String>, VariableError> {
        list.iter().map(|t| self.expand(t.as_ref())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
spin_manifest_version = 2
[application]
name = "vars"
[variables]
redis_host = { default = "127.0.0.1" }
redis_port = { default = "6379" }
api_token = { required = true, secret = true }
[[trigger.http]]
route = "/a/..."
component = "a"
[[trigger.http]]
route = "/b/..."
component = "b"
[component.a]
source = "a.wasm"
allowed_outbound_hosts = ["redis://{{ redis_host }}:{{ redis_port }}"]
[component.a.variables]
redis_url = "redis://{{ redis_host }}:{{redis_port}}/0"
token = "{{ api_token }}"
[component.b]
source = "b.wasm"
[component.b.variables]
greeting = "hello"
"#;

    fn manifest() -> Manifest {
        Manifest::parse(MANIFEST, "spin.toml").expect("valid manifest")
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_wins_over_default_and_templates_expand() {
        let vars = resolve(
            &manifest(),
            env(&[
                ("SPIN_VARIABLE_API_TOKEN", "t0k"),
                ("SPIN_VARIABLE_REDIS_PORT", "7000"),
            ]),
        )
        .unwrap();
        assert_eq!(vars.get("a", "redis_url"), Some("redis://127.0.0.1:7000/0"));
        assert_eq!(vars.get("a", "token"), Some("t0k"));
        assert_eq!(vars.application()["redis_host"], "127.0.0.1");
        let debug = format!("{vars:?}");
        assert!(
            debug.contains("api_token") && !debug.contains("t0k"),
            "{debug}"
        );
        assert_eq!(
            vars.expand_all(&manifest().components["a"].allowed_outbound_hosts)
                .unwrap(),
            vec!["redis://127.0.0.1:7000".to_string()]
        );
    }

    #[test]
    fn components_see_only_their_own_variables() {
        let vars = resolve(&manifest(), env(&[("SPIN_VARIABLE_API_TOKEN", "x")])).unwrap();
        assert_eq!(vars.get("b", "greeting"), Some("hello"));
        assert_eq!(vars.get("b", "redis_url"), None);
        assert_eq!(
            vars.get("b", "redis_host"),
            None,
            "app variables are not visible"
        );
        assert_eq!(vars.get("a", "greeting"), None);
        assert!(vars.component("nope").is_empty());
        assert_eq!(vars.component("b").len(), 1);
    }

    #[test]
    fn missing_required_variable_names_the_env_var() {
        let err = resolve(&manifest(), env(&[])).unwrap_err();
        assert_eq!(
            err,
            VariableError::Missing {
                name: "api_token".into()
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("`api_token`"), "{msg}");
        assert!(msg.contains("SPIN_VARIABLE_API_TOKEN"), "{msg}");
    }

    #[test]
    fn expand_template_mixes_literals_and_variables() {
        let values: BTreeMap<String, String> = [("host", "h"), ("port", "1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            expand_template("redis://{{ host }}:{{ port }}", &values).unwrap(),
            "redis://h:1"
        );
        assert_eq!(expand_template("plain", &values).unwrap(), "plain");
        assert!(matches!(
            expand_template("{{ nope }}", &values),
            Err(VariableError::Undefined { name, .. }) if name == "nope"
        ));
        assert!(matches!(
            expand_template("{{ host", &values),
            Err(VariableError::InvalidTemplate { .. })
        ));
    }

    #[test]
    fn env_names_are_uppercased_with_prefix() {
        assert_eq!(env_var_name("pg_url"), "SPIN_VARIABLE_PG_URL");
    }
}
