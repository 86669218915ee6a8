//! Building the host and the components, once per test process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// Cargo's target directory (`CARGO_TARGET_DIR` if set, else `<root>/target`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

fn cargo(args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(cargo)
        .args(args)
        .current_dir(workspace_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo {} failed", args.join(" "));
}

/// The host features every test run builds with (`scripts/test.sh` builds the same, so
/// one build serves all tests).
pub const HOST_FEATURES: &str = "lambda";

/// The `tally` binary (release build, [`HOST_FEATURES`]), built if it is missing or stale.
pub fn host_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            cargo(&[
                "build",
                "--release",
                "-p",
                "tally-host",
                "--features",
                HOST_FEATURES,
            ]);
            target_dir().join("release/tally")
        })
        .clone()
}

/// The `.wasm` of the component crate `package`, built for `wasm32-wasip2` once per run.
pub fn component_wasm(package: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap();
    if let Some(path) = built.get(package) {
        return path.clone();
    }
    cargo(&[
        "build",
        "--release",
        "--target",
        "wasm32-wasip2",
        "-p",
        package,
    ]);
    let path = target_dir().join(format!(
        "wasm32-wasip2/release/{}.wasm",
        package.replace('-', "_")
    ));
    assert!(path.exists(), "{} was not produced", path.display());
    built.insert(package.to_string(), path.clone());
    path
}
