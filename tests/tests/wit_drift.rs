//! The vendored Spin WIT in `wit/deps/` must stay identical to the copy inside the
//! spin-sdk crate the components build against.

use std::path::PathBuf;
use std::process::Command;

fn spin_sdk_dir() -> PathBuf {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1"])
        .current_dir(tally_tests::workspace_root())
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("cargo metadata is JSON");
    let package = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "spin-sdk")
        .expect("spin-sdk is a dependency");
    assert_eq!(
        package["version"], "7.0.0",
        "components must pin spin-sdk 7.0.0"
    );
    PathBuf::from(package["manifest_path"].as_str().unwrap())
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn vendored_spin_wit_matches_spin_sdk() {
    let sdk = spin_sdk_dir();
    let root = tally_tests::workspace_root();
    for package in [
        "spin-redis@3.0.0",
        "spin-postgres@4.2.0",
        "spin-variables@3.0.0",
    ] {
        let ours = root.join("wit/deps").join(package);
        let theirs = sdk.join("wit/deps").join(package);
        let mut names: Vec<_> = std::fs::read_dir(&theirs)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        let mut our_names: Vec<_> = std::fs::read_dir(&ours)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        our_names.sort();
        assert_eq!(our_names, names, "{package}: the same files");
        for name in names {
            let a = std::fs::read(ours.join(&name)).unwrap();
            let b = std::fs::read(theirs.join(&name)).unwrap();
            assert!(
                a == b,
                "wit/deps/{package}/{} differs from spin-sdk 7.0.0's copy",
                name.to_string_lossy()
            );
        }
    }
}
