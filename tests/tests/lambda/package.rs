//! `tally package-lambda`: the zip's contents, and the packaged `bootstrap` run as Lambda
//! runs it (no arguments, `LAMBDA_TASK_ROOT`), using the precompiled component.

use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

use tally_tests::lambda::Function;
use tally_tests::{Backends, host_binary};

use super::events::{failures, kinesis};
use super::ingest_app;

/// Extracts `zip` into `dir`, keeping the files' unix modes; returns the names in order.
fn extract(zip: &Path, dir: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let path = dir.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        std::fs::write(&path, bytes).unwrap();
        if let Some(mode) = file.unix_mode() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        names.push(name);
    }
    names
}

#[test]
fn the_package_runs_as_lambda_runs_it() {
    let backends = Backends::new("lambda_package");
    let dir = tempfile::tempdir().unwrap();
    tally_tests::apps::copy_migrations("ingest", dir.path());
    let manifest = ingest_app(&backends).write(dir.path());
    let out = dir.path().join("dist");
    let output = Command::new(host_binary())
        .arg("package-lambda")
        .args(["--component", "ingest", "-f"])
        .arg(&manifest)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let zip = out.join("ingest.zip");
    let size = std::fs::metadata(&zip).unwrap().len();
    assert!(
        stdout.starts_with(&format!("{}: ", zip.display()))
            && stdout.contains(&format!("({size} bytes)")),
        "the size is printed: {stdout}"
    );

    let task = dir.path().join("task");
    let names = extract(&zip, &task);
    assert_eq!(names[..3], ["bootstrap", "spin.toml", "ingest.wasm"]);
    assert!(
        names[3].starts_with("cache/") && names[3].ends_with(".cwasm"),
        "{names:?}"
    );
    assert!(
        names[4..]
            .iter()
            .all(|n| n.starts_with("components/ingest/migrations/")),
        "{names:?}"
    );
    assert!(names.len() > 4, "migrations are packaged: {names:?}");
    let mode = std::fs::metadata(task.join("bootstrap"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    let packaged = tally_manifest::Manifest::load(task.join("spin.toml")).unwrap();
    assert_eq!(packaged.components.keys().collect::<Vec<_>>(), ["ingest"]);
    assert_eq!(
        packaged.components["ingest"].source,
        task.join("ingest.wasm")
    );
    assert!(packaged.components["ingest"].build.is_none());

    // Lambda starts `bootstrap` without arguments in the task root.
    let cache = task.join("cache");
    let mut function = Function::start(
        &task.join("bootstrap"),
        &[],
        &[
            ("LAMBDA_TASK_ROOT", task.to_str().unwrap()),
            ("TALLY_CACHE_DIR", cache.to_str().unwrap()),
        ],
    );
    let record = serde_json::json!({"post": {"id": "p1"}, "author": {"id": "a1"},
                                    "viewed_at": 1483228800})
    .to_string();
    let answer = function.invoke(&kinesis(&[record.into_bytes()])).response();
    assert_eq!(failures(&answer), Vec::<String>::new(), "{answer}");
    let rows: i64 = backends
        .postgres()
        .query_one("SELECT count(*) FROM impressions", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "migrated at start and ingested");
    // The packaged precompiled component was used: nothing was compiled or written.
    let cached: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(cached.len(), 1, "{}", function.log());
    assert!(!function.log().contains("cache"), "{}", function.log());
}
