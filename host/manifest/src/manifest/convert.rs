//! Validation: from the raw, spanned manifest to the public types (triggers in
//! `triggers.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::error::Source;
use super::raw::{RawComponent, RawManifest, StrOr};
use super::{Application, ApplicationTrigger, Build, Component, Manifest, ManifestError, Variable};
use crate::names::{check_component_id, check_variable_name};
use crate::{outbound, template};

/// Only the version, read first so a version 1 manifest gets a clear message.
#[derive(Deserialize)]
struct VersionOnly {
    spin_manifest_version: Option<Spanned<toml::Value>>,
}

/// Validation context: the source text, the declared variables and component ids.
pub(super) struct Cx<'a> {
    src: &'a Source<'a>,
    variables: BTreeMap<String, Variable>,
    component_ids: Vec<String>,
}

pub(super) fn parse(text: &str, path: &Path) -> Result<Manifest, ManifestError> {
    let src = Source { path, text };
    let version: VersionOnly = toml::from_str(text).map_err(|e| src.toml_error(&e))?;
    match &version.spin_manifest_version {
        None => return Err(src.error(None, "missing `spin_manifest_version = 2`")),
        Some(v) if v.get_ref().as_integer() != Some(2) => {
            let m = format!(
                "spin_manifest_version = {} is not supported: only version 2 manifests \
                 (Spin 2 and later) are read",
                v.get_ref()
            );
            return Err(src.error(Some(v.span()), m));
        }
        Some(_) => {}
    }
    let raw: RawManifest = toml::from_str(text).map_err(|e| src.toml_error(&e))?;
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut cx = Cx {
        src: &src,
        variables: BTreeMap::new(),
        component_ids: raw.component.keys().map(|k| k.get_ref().clone()).collect(),
    };
    cx.variables = cx.variables(&raw)?;
    let mut components = BTreeMap::new();
    for (id, component) in &raw.component {
        components.insert(id.get_ref().clone(), cx.component(id, component, &dir)?);
    }
    let application = cx.application(&raw)?;
    let redis_default = raw.application.trigger.redis.as_ref().map(|r| &r.address);
    Ok(Manifest {
        http_triggers: cx.http_triggers(&raw)?,
        redis_triggers: cx.redis_triggers(&raw, redis_default)?,
        cron_triggers: cx.cron_triggers(&raw)?,
        path,
        dir,
        application,
        variables: cx.variables,
        components,
    })
}

impl Cx<'_> {
    /// An error located at a spanned value.
    pub(super) fn err<T>(&self, at: &Spanned<T>, message: impl Into<String>) -> ManifestError {
        self.src.error(Some(at.span()), message)
    }

    fn variables(&self, raw: &RawManifest) -> Result<BTreeMap<String, Variable>, ManifestError> {
        let mut out = BTreeMap::new();
        for (name, var) in &raw.variables {
            let n = name.get_ref();
            check_variable_name(n).map_err(|e| self.err(name, e))?;
            let v = var.get_ref();
            if v.required == v.default.is_some() {
                let problem = if v.required {
                    "has both `required = true` and a `default`"
                } else {
                    "needs either `required = true` or a `default`"
                };
                return Err(self.err(var, format!("variable `{n}` {problem}")));
            }
            let variable = Variable {
                default: v.default.clone(),
                required: v.required,
                secret: v.secret,
                description: v.description.clone(),
            };
            out.insert(n.clone(), variable);
        }
        Ok(out)
    }

    fn application(&self, raw: &RawManifest) -> Result<Application, ManifestError> {
        let app = &raw.application;
        if let Some(base) = app.trigger.http.as_ref().and_then(|h| h.base.as_ref())
            && base.get_ref() != "/"
        {
            let m = format!(
                "[application.trigger.http] base = {:?} is not supported: Spin 3 removed the \
                 base option; put a common prefix on the routes instead",
                base.get_ref()
            );
            return Err(self.err(base, m));
        }
        let redis_address = app.trigger.redis.as_ref().map(|r| &r.address);
        if let Some(address) = redis_address {
            self.templates(address, "[application.trigger.redis] address")?;
        }
        Ok(Application {
            name: app.name.clone(),
            version: app.version.clone(),
            description: app.description.clone(),
            authors: app.authors.clone(),
            trigger: ApplicationTrigger {
                http_base: "/".to_string(),
                redis_address: redis_address.map(|a| a.get_ref().clone()),
            },
        })
    }

    fn component(
        &self,
        id: &Spanned<String>,
        raw: &RawComponent,
        dir: &Path,
    ) -> Result<Component, ManifestError> {
        let name = id.get_ref();
        check_component_id(name).map_err(|e| self.err(id, e))?;
        let source = match raw.source.get_ref() {
            StrOr::Str(s) => dir.join(s),
            _ => {
                let m = format!(
                    "component `{name}`: `source` must be a path to a local .wasm file; URL \
                     and registry sources are not supported by this host"
                );
                return Err(self.err(&raw.source, m));
            }
        };
        let mut variables = BTreeMap::new();
        for (key, value) in &raw.variables {
            let k = key.get_ref();
            check_variable_name(k)
                .map_err(|e| self.err(key, format!("component `{name}`: {e}")))?;
            self.templates(value, &format!("component `{name}` variable `{k}`"))?;
            variables.insert(k.clone(), value.get_ref().clone());
        }
        for host in &raw.allowed_outbound_hosts {
            let what = format!("component `{name}` allowed_outbound_hosts");
            if self.templates(host, &what)? == 0 {
                outbound::check_rule(host.get_ref())
                    .map_err(|e| self.err(host, format!("component `{name}`: {e}")))?;
            }
        }
        let build = match &raw.build {
            None => None,
            Some(b) => {
                let commands = match b.command.get_ref() {
                    StrOr::Str(c) => vec![c.clone()],
                    StrOr::List(cs) => cs.clone(),
                    StrOr::Table(_) => {
                        let m = format!(
                            "component `{name}`: build `command` must be a string or a list of strings"
                        );
                        return Err(self.err(&b.command, m));
                    }
                };
                Some(Build {
                    command: commands.join(" && "),
                    commands,
                    workdir: b.workdir.clone(),
                    watch: b.watch.clone(),
                })
            }
        };
        Ok(Component {
            id: name.clone(),
            description: raw.description.clone(),
            source,
            allowed_outbound_hosts: raw
                .allowed_outbound_hosts
                .iter()
                .map(|h| h.get_ref().clone())
                .collect(),
            variables,
            build,
        })
    }

    /// Checks a template's syntax and names; returns how many variables it uses.
    pub(super) fn templates(
        &self,
        text: &Spanned<String>,
        what: &str,
    ) -> Result<usize, ManifestError> {
        let err = |m: String| self.err(text, format!("{what}: {m}"));
        let names = template::references(text.get_ref()).map_err(err)?;
        if let Some(unknown) = names.iter().find(|n| !self.variables.contains_key(**n)) {
            return Err(err(format!(
                "{{{{ {unknown} }}}} is not an application variable (declare it under [variables])"
            )));
        }
        Ok(names.len())
    }

    /// A trigger's `component`: the id of a declared component.
    pub(super) fn component_ref(
        &self,
        spec: &Spanned<StrOr<toml::Table>>,
        what: &str,
    ) -> Result<String, ManifestError> {
        match spec.get_ref() {
            StrOr::Str(id) if self.component_ids.contains(id) => Ok(id.clone()),
            StrOr::Str(id) => Err(self.err(
                spec,
                format!("{what}: component `{id}` is not defined (there is no [component.{id}])"),
            )),
            _ => Err(self.err(
                spec,
                format!(
                    "{what}: inline component tables are not supported: declare \
                     [component.<id>] and set `component = \"<id>\"`"
                ),
            )),
        }
    }
}
