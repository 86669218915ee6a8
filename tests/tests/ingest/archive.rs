//! Archiving: partitions past the retention are exported as CSV to an S3-style archive
//! (a real HTTP server on loopback here) and dropped only after the export succeeded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use serde_json::json;

use super::{App, count, event, rows};

/// A tiny S3-like server: stores each PUT body under its path, or fails every request.
struct Archive {
    port: u16,
    dir: tempfile::TempDir,
}

impl Archive {
    fn start(fail: bool) -> Archive {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || serve(stream, &root, fail));
            }
        });
        Archive { port, dir }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every stored object: (path below the root, body).
    fn objects(&self) -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, root, out);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    out.push((rel, std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), self.dir.path(), &mut out);
        out.sort();
        out
    }
}

fn serve(stream: std::net::TcpStream, root: &std::path::Path, fail: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        if h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).unwrap();
    let status = if fail {
        "500 Internal Server Error"
    } else if method == "PUT" {
        let target: PathBuf = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, body).unwrap();
        "200 OK"
    } else {
        "405 Method Not Allowed"
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
}

fn app(test: &str, archive: &Archive) -> App {
    let url = archive.url();
    App::start_with(
        test,
        &[],
        &[("ingest_archive_url", &url), ("ingest_retention_days", "3")],
        &[&url],
        |b| b,
    )
}

fn old_and_recent(app: &App) {
    let e = |at: &str, post: &str, viewer: Option<&str>| {
        event(at, post, "a,1", viewer, Some("email"), None, None)
    };
    let batch = json!([
        e("2017-01-01T10:00:00Z", "p2", None),
        e("2017-01-01T09:00:00Z", "p1", Some("v\"1")),
        e("2017-01-01T10:00:00Z", "p3", Some("v3")),
        e("2017-01-08T10:00:00Z", "p4", Some("v4")),
    ]);
    assert_eq!(app.ingest(&batch).json()["accepted"], 4);
}

#[test]
fn old_partitions_are_archived_then_dropped() {
    let archive = Archive::start(false);
    let app = app("archive", &archive);
    old_and_recent(&app);
    let report = app.admin(
        "POST",
        "/impressions/partitions/maintain?now=2017-01-10T00:00:00Z",
    );
    assert_eq!(report["archive_errors"], json!([]), "{report}");
    assert_eq!(
        report["archived"][0]["partition"],
        "impressions_p2017_01_01"
    );
    assert_eq!(report["archived"][0]["rows"], 3);
    assert_eq!(report["archived"].as_array().unwrap().len(), 1);

    let objects = archive.objects();
    assert_eq!(objects.len(), 1, "{objects:?}");
    let (path, body) = &objects[0];
    assert!(
        path.starts_with("archive/impressions/impressions_p2017_01_01-")
            && path.ends_with("/part-00000.csv"),
        "{path}"
    );
    assert_eq!(
        report["archived"][0]["objects"][0]
            .as_str()
            .map(|k| format!("archive/{k}")),
        Some(path.clone())
    );
    assert_eq!(
        body,
        "created_at,viewer_id,post_id,author_id,stream_kind,stream_id,artist_invite_id\n\
         2017-01-01T09:00:00.000000Z,\"v\"\"1\",p1,\"a,1\",email,,\n\
         2017-01-01T10:00:00.000000Z,,p2,\"a,1\",email,,\n\
         2017-01-01T10:00:00.000000Z,v3,p3,\"a,1\",email,,\n"
    );
    let mut pg = app.pg();
    let tables = rows(
        &mut pg,
        "SELECT count(*)::text FROM pg_class WHERE relname = 'impressions_p2017_01_01' \
            AND relnamespace = current_schema()::regnamespace",
    );
    assert_eq!(tables, [["0"]]);
    assert_eq!(count(&mut pg, "SELECT count(*) FROM impressions"), 1);
    assert_eq!(
        count(&mut pg, "SELECT count(*) FROM impressions_p2017_01_08"),
        1
    );
    // Nothing more to archive on the next run.
    let again = app.admin(
        "POST",
        "/impressions/partitions/maintain?now=2017-01-10T01:00:00Z",
    );
    assert_eq!(again["archived"], json!([]));
    assert_eq!(archive.objects().len(), 1);
}

#[test]
fn a_failed_export_keeps_the_partition() {
    let archive = Archive::start(true);
    let app = app("archive_fails", &archive);
    old_and_recent(&app);
    let report = app.admin(
        "POST",
        "/impressions/partitions/maintain?now=2017-01-10T00:00:00Z",
    );
    assert_eq!(report["archived"], json!([]));
    let errors = report["archive_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    assert!(errors[0].as_str().unwrap().contains("500"), "{report}");
    let mut pg = app.pg();
    assert_eq!(
        count(&mut pg, "SELECT count(*) FROM impressions_p2017_01_01"),
        3
    );
    assert_eq!(count(&mut pg, "SELECT count(*) FROM impressions"), 4);
    let attached = count(
        &mut pg,
        "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'impressions_p2017_01_01'::regclass",
    );
    assert_eq!(attached, 1);
}

#[test]
fn without_an_archive_nothing_is_dropped() {
    let app = App::start("archive_disabled", &[], &[("ingest_retention_days", "3")]);
    old_and_recent(&app);
    let report = app.admin(
        "POST",
        "/impressions/partitions/maintain?now=2017-01-10T00:00:00Z",
    );
    assert_eq!(report["archive_enabled"], false);
    assert_eq!(report["archived"], json!([]));
    assert_eq!(count(&mut app.pg(), "SELECT count(*) FROM impressions"), 4);
}
