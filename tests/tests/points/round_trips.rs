//! Each write and each query is one Redis command from the host, however many users,
//! things and buckets it spans (seen with MONITOR, filtered by the test's prefix).

use std::io::{BufRead, BufReader, Write as _};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;

/// Records every command Redis receives from clients (not from scripts) that mentions
/// `needle`.
struct Monitor {
    lines: Arc<Mutex<Vec<String>>>,
    _stream: TcpStream,
}

impl Monitor {
    fn start(needle: &str) -> Monitor {
        let mut stream = TcpStream::connect("127.0.0.1:6379").expect("Redis is reachable");
        stream.write_all(b"MONITOR\r\n").unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (sink, needle) = (lines.clone(), needle.to_string());
        let reader = BufReader::new(stream.try_clone().unwrap());
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                if line.contains(&needle) && !line.contains(" lua]") {
                    sink.lock().unwrap().push(line);
                }
            }
        });
        std::thread::sleep(Duration::from_millis(200));
        Monitor {
            lines,
            _stream: stream,
        }
    }

    /// The commands recorded while `f` ran (after letting the stream catch up).
    fn during(&self, f: impl FnOnce()) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(200));
        let before = self.lines.lock().unwrap().len();
        f();
        std::thread::sleep(Duration::from_millis(300));
        self.lines.lock().unwrap()[before..].to_vec()
    }
}

#[test]
fn one_round_trip_per_write_and_per_query() {
    let backends = Backends::new("points_round_trips");
    let dir = tempfile::tempdir().unwrap();
    let manifest = points_app(&backends).write(dir.path());
    let host = Host::start(&manifest, &[], &[]);
    let t0 = 1_458_061_005;
    // Warm up: Redis learns the scripts (EVALSHA falls back to EVAL once).
    write_ok(&host, &metric("steps", 1, 1, 1, 1, t0, t0));
    let ids: Vec<String> = (1..=100).map(|i| i.to_string()).collect();
    let form = format!("things=steps,points,calories&ids={}", ids.join(","));
    post_form(
        &host,
        &format!("/points/v1/mumt_query/all/{}/{t0}", t0 - 365 * 86_400),
        &form,
    );
    query(&host, 1, "steps", "all", t0 - 365 * 86_400, t0);
    host.get(&format!(
        "/points/v1/leaderboard/steps/{}/{t0}",
        t0 - 30 * 86_400
    ));

    let monitor = Monitor::start(&backends.prefix);
    let seen = monitor.during(|| {
        let batch: Vec<String> = (0..20)
            .map(|i| metric("steps", i, 1, 100 + i, 10, t0 - 86_400, t0 + i))
            .collect();
        ok_json(post_json(
            &host,
            "/points/v1/write",
            &format!("[{}]", batch.join(",")),
        ));
    });
    assert_eq!(seen.len(), 1, "a 20-write batch: {seen:#?}");
    assert!(seen[0].contains("\"EVALSHA\""), "{}", seen[0]);
    let windows = [("minute", 59), ("day", 86_399), ("year", 365 * 86_400 - 1)];
    for (name, len) in windows {
        let seen = monitor.during(|| {
            let body = ok_json(post_form(
                &host,
                &format!("/points/v1/mumt_query/all/{}/{t0}", t0 - len),
                &form,
            ));
            assert_eq!(body["data"].as_object().unwrap().len(), 100);
        });
        assert_eq!(
            seen.len(),
            1,
            "a one-{name} 100-user 3-thing query: {seen:#?}"
        );
        let seen = monitor.during(|| {
            query(&host, 1, "steps", "all", t0 - len, t0);
        });
        assert_eq!(seen.len(), 1, "a one-{name} single query: {seen:#?}");
    }
    let seen = monitor.during(|| {
        ok_json(host.get(&format!(
            "/points/v1/leaderboard/steps/{}/{t0}",
            t0 - 30 * 86_400
        )));
    });
    assert_eq!(seen.len(), 1, "a 30-day leaderboard: {seen:#?}");
}
