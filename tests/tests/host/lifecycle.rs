//! Manifest errors, migrations, graceful shutdown.

use std::process::Command;
use std::time::Duration;

use tally_tests::{Backends, Host, host_binary};

use super::probe_app;

#[test]
fn an_unknown_manifest_key_is_named_with_its_line() {
    let backends = Backends::new("manifest_error");
    let dir = tempfile::tempdir().unwrap();
    let text = probe_app(&backends).render();
    let source = text
        .lines()
        .position(|l| l.starts_with("source = "))
        .unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(source + 1, "colour = \"blue\"");
    let line = source + 2;
    let text = lines.join("\n");
    let manifest = dir.path().join("spin.toml");
    std::fs::write(&manifest, text).unwrap();
    let output = Host::try_start(&manifest, &[], &[])
        .err()
        .expect("up must refuse the manifest");
    assert!(output.contains("colour"), "{output}");
    assert!(output.contains(&format!("line {line}")), "{output}");
}

fn migrate(dir: &std::path::Path, url: &str) -> (bool, String) {
    let out = Command::new(host_binary())
        .args(["migrate", "-f"])
        .arg(dir.join("spin.toml"))
        .args(["--database-url", url])
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn migrations_apply_in_order_once() {
    let backends = Backends::new("migrations");
    let dir = tempfile::tempdir().unwrap();
    probe_app(&backends).write(dir.path());
    let migrations = dir.path().join("components/widgets/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("0001_create.sql"),
        "CREATE TABLE widgets (id int PRIMARY KEY, name text);",
    )
    .unwrap();
    std::fs::write(migrations.join("0002_seed.sql"), "INSERT INTO widgets VALUES (1, 'first'); ALTER TABLE widgets ADD COLUMN size int DEFAULT 7;").unwrap();

    let (ok, out) = migrate(dir.path(), &backends.postgres_url);
    assert!(ok, "{out}");
    assert!(out.contains("2 migrations applied"), "{out}");
    let (ok, out) = migrate(dir.path(), &backends.postgres_url);
    assert!(ok, "{out}");
    assert!(out.contains("0 migrations applied"), "{out}");

    let mut pg = backends.postgres();
    let row = pg
        .query_one("SELECT count(*), max(size) FROM widgets", &[])
        .unwrap();
    assert_eq!(
        (row.get::<_, i64>(0), row.get::<_, Option<i32>>(1)),
        (1, Some(7))
    );
    let applied: Vec<String> = pg
        .query(
            "SELECT name FROM tally_migrations WHERE component = 'widgets' ORDER BY name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(applied, ["0001_create.sql", "0002_seed.sql"]);

    // A failing migration names its file and the Postgres error, and leaves nothing behind.
    std::fs::write(
        migrations.join("0003_broken.sql"),
        "CREATE TABLE gadgets (id int); SELEC 1;",
    )
    .unwrap();
    let (ok, out) = migrate(dir.path(), &backends.postgres_url);
    assert!(!ok);
    assert!(
        out.contains("0003_broken.sql") && out.contains("syntax error"),
        "{out}"
    );
    let gadgets: i64 = pg.query_one("SELECT count(*) FROM pg_tables WHERE tablename = 'gadgets' AND schemaname = current_schema()", &[]).unwrap().get(0);
    assert_eq!(gadgets, 0);

    // Editing an applied migration is refused.
    std::fs::remove_file(migrations.join("0003_broken.sql")).unwrap();
    std::fs::write(
        migrations.join("0001_create.sql"),
        "CREATE TABLE widgets (id bigint);",
    )
    .unwrap();
    let (ok, out) = migrate(dir.path(), &backends.postgres_url);
    assert!(
        !ok && out.contains("0001_create.sql") && out.contains("changed"),
        "{out}"
    );
}

#[test]
fn up_applies_pending_migrations_before_serving() {
    let backends = Backends::new("up_migrates");
    let dir = tempfile::tempdir().unwrap();
    let manifest = probe_app(&backends).write(dir.path());
    let migrations = dir.path().join("components/probe/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(
        migrations.join("0001_t.sql"),
        "CREATE TABLE from_up (x int);",
    )
    .unwrap();
    let _host = Host::start(&manifest, &[], &[]);
    let mut pg = backends.postgres();
    let n: i64 = pg
        .query_one("SELECT count(*) FROM tally_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    pg.execute("INSERT INTO from_up VALUES (1)", &[]).unwrap();
}

#[test]
fn ctrl_c_lets_in_flight_requests_finish() {
    let backends = Backends::new("shutdown");
    let dir = tempfile::tempdir().unwrap();
    let manifest = probe_app(&backends).write(dir.path());
    let mut host = Host::start(&manifest, &[], &[]);
    let url = format!("{}/sleep?ms=1500", host.url);
    let slow = std::thread::spawn(move || tally_tests::http::get(&url));
    std::thread::sleep(Duration::from_millis(500));
    assert!(host.interrupt(), "the host exits cleanly on Ctrl-C");
    let reply = slow.join().unwrap();
    assert_eq!((reply.status, reply.body.as_str()), (200, "slept 1500ms"));
}
