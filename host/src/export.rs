//! `tally manifest`: the manifest cut down for another platform — one component and what
//! it uses, or without trigger kinds the platform cannot run (Spin's cron plugin expects
//! an interface the components do not export, so Spin and SpinKube get the manifest
//! without `[[trigger.cron]]` and run the jobs through their HTTP routes).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use tally_manifest::Filter;

/// Writes the filtered manifest to `out`, or to stdout.
pub fn export(
    manifest: &Path,
    component: Option<&str>,
    without_triggers: &[String],
    out: Option<&PathBuf>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let drop: Vec<&str> = without_triggers.iter().map(String::as_str).collect();
    let filter = Filter {
        component,
        drop_triggers: &drop,
        ..Default::default()
    };
    let body = tally_manifest::filter(&text, manifest, &filter)?;
    let mut command = vec!["tally manifest".to_string()];
    if let Some(id) = component {
        command.push(format!("--component {id}"));
    }
    command.extend(
        without_triggers
            .iter()
            .map(|k| format!("--without-trigger {k}")),
    );
    let header = format!(
        "# Generated from {} by `{}`: edit that file, not this one.\n",
        manifest.file_name().unwrap_or_default().to_string_lossy(),
        command.join(" ")
    );
    match out {
        Some(path) => std::fs::write(path, header + &body)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{header}{body}"),
    }
    Ok(())
}
