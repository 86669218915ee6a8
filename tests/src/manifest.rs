//! Writing a test's `spin.toml`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Builds a Spin manifest (version 2) piece by piece.
#[derive(Default, Clone)]
pub struct ManifestBuilder {
    variables: String,
    triggers: String,
    components: String,
}

impl ManifestBuilder {
    /// An empty application.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares application variable `name` as `decl`, e.g. `{ default = "x" }`.
    pub fn variable(mut self, name: &str, decl: &str) -> Self {
        writeln!(self.variables, "{name} = {decl}").unwrap();
        self
    }

    /// Adds component `id` from `wasm` with its outbound hosts and variable templates.
    pub fn component(
        mut self,
        id: &str,
        wasm: &Path,
        allowed: &[&str],
        variables: &[(&str, &str)],
    ) -> Self {
        let allowed: Vec<String> = allowed.iter().map(|h| format!("{h:?}")).collect();
        writeln!(
            self.components,
            "\n[component.{id}]\nsource = {:?}",
            wasm.display().to_string()
        )
        .unwrap();
        writeln!(
            self.components,
            "allowed_outbound_hosts = [{}]",
            allowed.join(", ")
        )
        .unwrap();
        writeln!(self.components, "[component.{id}.variables]").unwrap();
        for (name, value) in variables {
            writeln!(self.components, "{name} = {value:?}").unwrap();
        }
        self
    }

    /// Routes `route` to `component`.
    pub fn http(mut self, route: &str, component: &str) -> Self {
        writeln!(
            self.triggers,
            "\n[[trigger.http]]\nroute = {route:?}\ncomponent = {component:?}"
        )
        .unwrap();
        self
    }

    /// Subscribes `component` to `channel` at `address`.
    pub fn redis(mut self, address: &str, channel: &str, component: &str) -> Self {
        writeln!(self.triggers, "\n[[trigger.redis]]\naddress = {address:?}\nchannel = {channel:?}\ncomponent = {component:?}").unwrap();
        self
    }

    /// Runs `component` on the six-field schedule `expression`.
    pub fn cron(mut self, expression: &str, component: &str) -> Self {
        writeln!(
            self.triggers,
            "\n[[trigger.cron]]\ncron_expression = {expression:?}\ncomponent = {component:?}"
        )
        .unwrap();
        self
    }

    /// The manifest text.
    pub fn render(&self) -> String {
        format!(
            "spin_manifest_version = 2\n\n[application]\nname = \"test\"\n\n[variables]\n{}{}{}",
            self.variables, self.triggers, self.components
        )
    }

    /// Writes the manifest as `dir/spin.toml` and returns its path.
    pub fn write(&self, dir: &Path) -> PathBuf {
        let path = dir.join("spin.toml");
        std::fs::write(&path, self.render()).expect("manifest written");
        path
    }
}
