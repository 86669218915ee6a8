//! `tally build`: runs each component's `[component.<id>.build] command`, as `spin build`
//! does, then precompiles the results into the cache.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use tally_manifest::Manifest;

use crate::engine;
use crate::options::HostOptions;

/// Builds every component of the manifest at `path`, then warms the compile cache.
pub fn build(path: &Path, options: &HostOptions) -> anyhow::Result<()> {
    let manifest = Manifest::load(path)?;
    let mut done = BTreeSet::new();
    for (id, component) in &manifest.components {
        let Some(build) = &component.build else {
            continue;
        };
        let workdir = manifest.dir.join(build.workdir.as_deref().unwrap_or("."));
        if !done.insert((build.command.clone(), workdir.clone())) {
            continue;
        }
        println!("Building component {id} with `{}`", build.command);
        let status = Command::new("sh")
            .arg("-c")
            .arg(&build.command)
            .current_dir(&workdir)
            .status()
            .with_context(|| format!("running the build command of `{id}`"))?;
        if !status.success() {
            bail!("the build command of component `{id}` failed ({status})");
        }
    }
    let engine = engine::new_engine(options)?;
    let cache = options.cache_dir();
    for (id, component) in &manifest.components {
        engine::load_component(&engine, &component.source, cache.as_deref())
            .with_context(|| format!("component `{id}`"))?;
    }
    println!(
        "Built and precompiled {} components",
        manifest.components.len()
    );
    Ok(())
}
