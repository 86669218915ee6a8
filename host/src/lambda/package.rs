//! `tally package-lambda`: the zip of one Lambda function (custom runtime, `provided.al2023`).
//!
//! ```text
//! bootstrap                         this binary; run with no arguments it is `tally lambda`
//! spin.toml                         the manifest cut down to the component, source `<id>.wasm`
//! <id>.wasm                         the component
//! cache/<wasm hash>-<engine>.cwasm  the component precompiled by this binary for Lambda's
//!                                   engine settings (found by `tally lambda` as a cache hit)
//! components/<id>/migrations/*.sql  the component's migrations, applied at start
//! ```
//!
//! The precompiled file is named by the same key as the host's compile cache (the `.wasm`
//! hash and the engine's compatibility hash, which covers the wasmtime version, settings
//! and CPU features), so `tally lambda` only ever loads it when its own engine would have
//! written the very same file; otherwise it compiles the `.wasm` at start.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use tally_manifest::{Filter, Manifest};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::engine;
use crate::migrate;
use crate::options::HostOptions;
use crate::up::DATABASE_VARIABLE;

/// `tally package-lambda` arguments.
#[derive(Args, Clone, Debug)]
pub struct PackageArgs {
    /// The component the function serves.
    #[arg(long)]
    pub component: String,
    /// The Spin manifest.
    #[arg(long, short = 'f', default_value = "spin.toml")]
    pub manifest: PathBuf,
    /// The folder the zip is written to (`<out>/<component>.zip`).
    #[arg(long, default_value = "dist")]
    pub out: PathBuf,
    /// The executable packaged as `bootstrap` (default: this one). It must be this same
    /// host build, for Lambda's OS; see docs/DEPLOY.md.
    #[arg(long)]
    pub bootstrap: Option<PathBuf>,
    #[command(flatten)]
    pub options: HostOptions,
}

/// Builds `<out>/<component>.zip` and prints its size and what is in it.
pub fn package(args: &PackageArgs) -> anyhow::Result<()> {
    let id = args.component.as_str();
    let text = std::fs::read_to_string(&args.manifest)
        .with_context(|| format!("cannot read {}", args.manifest.display()))?;
    let manifest = Manifest::parse(&text, &args.manifest)?;
    let component = manifest
        .component(id)
        .with_context(|| format!("no component `{id}` in {}", args.manifest.display()))?;
    let wasm = std::fs::read(&component.source).with_context(|| {
        format!(
            "cannot read {}; build the components first (`tally build`)",
            component.source.display()
        )
    })?;
    let filter = Filter {
        component: Some(id),
        source: Some("{id}.wasm"),
        drop_build: true,
        keep_variables: &[DATABASE_VARIABLE],
        ..Default::default()
    };
    let trimmed = tally_manifest::filter(&text, &args.manifest, &filter)?;

    // The engine `tally lambda` builds: the same settings, on-demand allocation.
    let mut options = args.options.clone();
    options.no_pooling = true;
    let engine = engine::new_engine(&options)?;
    let compiled = engine
        .precompile_component(&wasm)
        .map_err(|e| anyhow::anyhow!("compiling {}: {e}", component.source.display()))?;
    let cwasm_name = engine::cache_path(&engine, &wasm, Path::new("cache"));

    let bootstrap = match &args.bootstrap {
        Some(path) => path.clone(),
        None => std::env::current_exe().context("cannot find this executable")?,
    };
    let bootstrap = std::fs::read(&bootstrap)
        .with_context(|| format!("cannot read {}", bootstrap.display()))?;

    let mut entries: Vec<(String, Vec<u8>, u32)> = vec![
        ("bootstrap".into(), bootstrap, 0o755),
        ("spin.toml".into(), trimmed.into_bytes(), 0o644),
        (format!("{id}.wasm"), wasm, 0o644),
        (cwasm_name.to_string_lossy().into_owned(), compiled, 0o644),
    ];
    for m in migrate::discover(&manifest.dir)? {
        if m.component == id {
            let name = format!("components/{id}/migrations/{}", m.name);
            entries.push((name, m.sql.into_bytes(), 0o644));
        }
    }

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join(format!("{id}.zip"));
    let files = write_zip(&path, &entries)?;
    let size = std::fs::metadata(&path)?.len();
    println!("{}: {} ({size} bytes)", path.display(), human(size));
    for (name, bytes) in &files {
        println!("  {name}: {}", human(*bytes));
    }
    Ok(())
}

/// Writes `entries` (name, bytes, unix mode) deflated into a new zip at `path`; returns
/// each file's name and uncompressed size.
fn write_zip(
    path: &Path,
    entries: &[(String, Vec<u8>, u32)],
) -> anyhow::Result<Vec<(String, u64)>> {
    let tmp = path.with_extension("zip.tmp");
    let mut zip = ZipWriter::new(
        File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?,
    );
    let mut files = Vec::new();
    for (name, bytes, mode) in entries {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(*mode)
            .large_file(bytes.len() as u64 >= u32::MAX as u64);
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
        files.push((name.clone(), bytes.len() as u64));
    }
    zip.finish()?;
    std::fs::rename(&tmp, path)?;
    Ok(files)
}

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / (1 << 10) as f64),
        b => format!("{b} bytes"),
    }
}
