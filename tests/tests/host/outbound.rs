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
    let log = host.log();
    assert!(
        log.contains("Redis address not in allowed_outbound_hosts"),
        "{log}"
    );
    assert!(
        log.contains("Postgres address not in allowed_outbound_hosts"),
        "{log}"
    );
}
