//! `allowed_outbound_hosts` for HTTP, Redis and Postgres.

use std::io::{Read, Write};
use std::net::TcpListener;

use tally_tests::{Backends, Host, ManifestBuilder};

use super::{MODES, probe};

/// A one-purpose HTTP server on loopback that answers 200 to every request.
fn serve_ok() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    port
}

#[test]
fn outbound_http_only_to_allowed_hosts() {
    let allowed = serve_ok();
    let other = serve_ok();
    for mode in MODES {
        let dir = tempfile::tempdir().unwrap();
        let rule = format!("http://127.0.0.1:{allowed}");
        let manifest = ManifestBuilder::new()
            .http("/...", "probe")
            .component("probe", &probe(), &[&rule], &[("name", "probe")])
            .write(dir.path());
        let host = Host::start(&manifest, &[], mode);

        let reply = host.get(&format!("/outbound?url=http://127.0.0.1:{allowed}/x"));
        assert_eq!((reply.status, reply.body.as_str()), (200, "status 200"));

        let reply = host.get(&format!("/outbound?url=http://127.0.0.1:{other}/x"));
        assert_eq!(reply.status, 502);
        assert_eq!(reply.body, "refused: ErrorCode::HttpRequestDenied");
    }
}

#[test]
fn redis_and_postgres_refused_outside_allowed_hosts() {
    let backends = Backends::new("outbound_refused");
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("name", "probe"),
        ("redis_url", backends.redis_url.as_str()),
        ("postgres_url", backends.postgres_url.as_str()),
        ("prefix", backends.prefix.as_str()),
    ];
    let manifest = ManifestBuilder::new()
        .http("/...", "probe")
        .component("probe", &probe(), &["http://example.com"], &vars)
        .write(dir.path());
    let host = Host::start(&manifest, &[], &[]);
    assert_eq!(host.get("/redis").status, 500);
    assert_eq!(host.get("/pg/stream?n=1").status, 500);
    assert_refused_in_log(&host);
}

/// The host logged a refused Redis and a refused Postgres connection (log lines are
/// written by a background thread, so they may take a moment).
fn assert_refused_in_log(host: &Host) {
    let lines = ["Redis", "Postgres"].map(|b| format!("{b} address not in allowed_outbound_hosts"));
    let logged = tally_tests::host::eventually(std::time::Duration::from_secs(10), || {
        let log = host.log();
        lines.iter().all(|l| log.contains(l)).then_some(())
    });
    assert!(logged.is_some(), "{}", host.log());
}

/// A rule allows one scheme, host name and port: the same server reached on another port,
/// under another name (`localhost` for `127.0.0.1`), or named in the userinfo of a URL
/// whose real host is another is refused, for HTTP, Redis and Postgres alike.
#[test]
fn rules_match_scheme_host_and_port_exactly() {
    let allowed = serve_ok();
    let other = serve_ok();
    let backends = Backends::new("outbound_exact");
    let dir = tempfile::tempdir().unwrap();
    let http_rule = format!("http://127.0.0.1:{allowed}");
    // Redis and Postgres listen on 6379 and 5432; the rules name other ports or names.
    let redis_url = backends.redis_url.replace("127.0.0.1", "localhost");
    let rules = [
        http_rule.as_str(),
        "redis://127.0.0.1:6380",
        "postgres://127.0.0.1:5433",
        "https://127.0.0.1:6379",
    ];
    let vars = [
        ("name", "probe"),
        ("redis_url", redis_url.as_str()),
        ("postgres_url", backends.postgres_url.as_str()),
        ("prefix", backends.prefix.as_str()),
    ];
    let manifest = ManifestBuilder::new()
        .http("/...", "probe")
        .component("probe", &probe(), &rules, &vars)
        .write(dir.path());
    let host = Host::start(&manifest, &[], &[]);
    for url in [
        format!("http://127.0.0.1:{other}/x"),
        format!("http://localhost:{allowed}/x"),
        format!("http://127.0.0.1:{allowed}@127.0.0.1:{other}/x"),
        format!("https://127.0.0.1:{allowed}/x"),
    ] {
        let reply = host.get(&format!("/outbound?url={url}"));
        assert_eq!(reply.status, 502, "{url}: {}", reply.body);
        assert_eq!(reply.body, "refused: ErrorCode::HttpRequestDenied", "{url}");
    }
    let reply = host.get(&format!("/outbound?url=http://127.0.0.1:{allowed}/x"));
    assert_eq!((reply.status, reply.body.as_str()), (200, "status 200"));
    assert_eq!(host.get("/redis").status, 500);
    assert_eq!(host.get("/pg/stream?n=1").status, 500);
    assert_refused_in_log(&host);
    // Nothing reached Redis under the test's prefix.
    let mut conn = backends.redis();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}*", backends.prefix))
        .query(&mut conn)
        .unwrap();
    assert!(keys.is_empty(), "{keys:?}");
}
