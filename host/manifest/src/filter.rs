//! Cutting a manifest down: one component and what it needs (a Lambda function's
//! manifest), or the whole application without some trigger kinds (a platform that lacks
//! them). Works on the TOML document, so the output is a manifest any Spin reads.

use std::collections::BTreeSet;
use std::path::Path;

use thiserror::Error;
use toml::{Table, Value};

use crate::manifest::{Manifest, ManifestError};
use crate::template;

/// What to keep of a manifest.
#[derive(Debug, Default, Clone)]
pub struct Filter<'a> {
    /// Keep only this component, its triggers and the application variables they refer
    /// to; `None` keeps every component and variable.
    pub component: Option<&'a str>,
    /// Trigger kinds to leave out, e.g. `["cron"]`.
    pub drop_triggers: &'a [&'a str],
    /// A new `source` for every kept component (`{id}` is replaced by the component id).
    pub source: Option<&'a str>,
    /// Leave out `[component.<id>.build]` (the output is not built from source).
    pub drop_build: bool,
    /// Application variables kept even when nothing in the kept part refers to them.
    pub keep_variables: &'a [&'a str],
}

/// Why a manifest cannot be filtered.
#[derive(Debug, Error)]
pub enum FilterError {
    /// The input is not a valid manifest.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The component to keep is not in the manifest.
    #[error("no component `{0}` in the manifest")]
    NoComponent(String),
    /// The filtered document cannot be written as TOML.
    #[error("cannot write the filtered manifest: {0}")]
    Write(String),
}

/// Applies `filter` to the manifest `text` (read from `path`, which only names it in
/// errors) and returns the new manifest text. The input is validated first.
pub fn filter(text: &str, path: &Path, filter: &Filter<'_>) -> Result<String, FilterError> {
    let manifest = Manifest::parse(text, path)?;
    if let Some(id) = filter.component
        && manifest.component(id).is_none()
    {
        return Err(FilterError::NoComponent(id.to_string()));
    }
    let mut doc: Table = text
        .parse()
        .map_err(|e: toml::de::Error| FilterError::Write(e.to_string()))?;
    let keeps = |component: &str| filter.component.is_none_or(|id| id == component);

    if let Some(Value::Table(triggers)) = doc.get_mut("trigger") {
        triggers.retain(|kind, _| !filter.drop_triggers.contains(&kind));
        for (_, list) in triggers.iter_mut() {
            if let Value::Array(list) = list {
                list.retain(|t| {
                    t.get("component")
                        .and_then(Value::as_str)
                        .is_some_and(keeps)
                });
            }
        }
        triggers.retain(|_, list| list.as_array().is_none_or(|l| !l.is_empty()));
    }
    if let Some(Value::Table(components)) = doc.get_mut("component") {
        components.retain(|id, _| keeps(id));
        for (id, component) in components.iter_mut() {
            let Value::Table(component) = component else {
                continue;
            };
            if let Some(source) = filter.source {
                component.insert("source".into(), source.replace("{id}", id).into());
            }
            if filter.drop_build {
                component.remove("build");
            }
        }
    }
    if filter.component.is_some() {
        let used = referenced_variables(&doc, filter.keep_variables);
        if let Some(Value::Table(variables)) = doc.get_mut("variables") {
            variables.retain(|name, _| used.contains(name));
        }
    }
    if doc
        .get("trigger")
        .and_then(Value::as_table)
        .is_some_and(Table::is_empty)
    {
        doc.remove("trigger");
    }
    let out = toml::to_string(&doc).map_err(|e| FilterError::Write(e.to_string()))?;
    Manifest::parse(&out, path)?;
    Ok(out)
}

/// Every application variable a template in `doc` refers to, plus `keep`.
fn referenced_variables(doc: &Table, keep: &[&str]) -> BTreeSet<String> {
    let mut templates: Vec<&str> = Vec::new();
    if let Some(components) = doc.get("component").and_then(Value::as_table) {
        for component in components.values() {
            if let Some(vars) = component.get("variables").and_then(Value::as_table) {
                templates.extend(vars.values().filter_map(Value::as_str));
            }
            if let Some(hosts) = component
                .get("allowed_outbound_hosts")
                .and_then(Value::as_array)
            {
                templates.extend(hosts.iter().filter_map(Value::as_str));
            }
        }
    }
    if let Some(redis) = doc.get("trigger").and_then(|t| t.get("redis")) {
        for trigger in redis.as_array().into_iter().flatten() {
            for key in ["address", "channel"] {
                templates.extend(trigger.get(key).and_then(Value::as_str));
            }
        }
    }
    let app_redis = doc
        .get("application")
        .and_then(|a| a.get("trigger"))
        .and_then(|t| t.get("redis"))
        .and_then(|r| r.get("address"))
        .and_then(Value::as_str);
    templates.extend(app_redis);
    let mut used: BTreeSet<String> = keep.iter().map(|s| s.to_string()).collect();
    for text in templates {
        // The input was validated, so every template parses.
        used.extend(
            template::references(text)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string),
        );
    }
    used
}

#[cfg(test)]
mod tests;
