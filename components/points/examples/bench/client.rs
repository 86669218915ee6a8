//! The two clients (the host over HTTP, Redis directly) and the measurements.

use std::io::{BufRead, BufReader, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tally_points::scripts::{
    Arg, Layout, Script, count_script, leaderboard_script, query_script, write_args, write_script,
};

use crate::data::{fresh_write, to_json};

/// Concurrent clients in the throughput phases.
pub const THREADS: usize = 8;

fn to_cmd(cmd: &mut redis::Cmd, args: &[Arg]) {
    for a in args {
        match a {
            Arg::Int(v) => cmd.arg(*v),
            Arg::Text(s) => cmd.arg(s.as_str()),
        };
    }
}

/// A native Redis client.
pub struct Redis {
    client: redis::Client,
    address: String,
}

impl Redis {
    /// A client of `url` (`redis://host:port/db`).
    pub fn new(url: &str) -> Redis {
        let address = url
            .trim_start_matches("redis://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        Redis {
            client: redis::Client::open(url).expect("a Redis URL"),
            address,
        }
    }

    /// A new connection.
    pub fn conn(&self) -> redis::Connection {
        self.client.get_connection().expect("Redis is reachable")
    }

    /// `SCRIPT LOAD`s the component's scripts.
    pub fn load_scripts(&self) {
        let mut c = self.conn();
        for s in [
            write_script(),
            query_script(),
            count_script(),
            leaderboard_script(),
        ] {
            let sha: String = redis::cmd("SCRIPT")
                .arg("LOAD")
                .arg(&s.source)
                .query(&mut c)
                .unwrap();
            assert_eq!(sha, s.sha);
        }
    }

    /// `EVALSHA script 0 args` on a fresh connection.
    pub fn eval(&self, script: &Script, args: &[Arg]) -> redis::Value {
        eval(&mut self.conn(), script, args)
    }

    /// Deletes every key starting with `prefix`; returns how many.
    pub fn delete_prefix(&self, prefix: &str) -> usize {
        let mut c = self.conn();
        let keys: Vec<String> = redis::cmd("SCAN")
            .cursor_arg(0)
            .arg("MATCH")
            .arg(format!("{prefix}*"))
            .arg("COUNT")
            .arg(10_000)
            .clone()
            .iter(&mut c)
            .unwrap()
            .filter_map(Result::ok)
            .collect();
        let mut c = self.conn();
        for chunk in keys.chunks(10_000) {
            let _: () = redis::cmd("UNLINK").arg(chunk).query(&mut c).unwrap();
        }
        keys.len()
    }

    /// How many commands that mention `needle` clients (not scripts) send while `f` runs,
    /// seen with MONITOR.
    pub fn count_commands(&self, needle: &str, f: impl FnOnce()) -> usize {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.write_all(b"MONITOR\r\n").unwrap();
        let seen = Arc::new(Mutex::new(0usize));
        let (sink, needle) = (seen.clone(), needle.to_string());
        let reader = BufReader::new(stream.try_clone().unwrap());
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                if line.contains(&needle) && !line.contains(" lua]") {
                    *sink.lock().unwrap() += 1;
                }
            }
        });
        std::thread::sleep(Duration::from_millis(200));
        f();
        std::thread::sleep(Duration::from_millis(300));
        let _ = stream.shutdown(std::net::Shutdown::Both);
        *seen.lock().unwrap()
    }
}

fn eval(c: &mut redis::Connection, script: &Script, args: &[Arg]) -> redis::Value {
    let mut cmd = redis::cmd("EVALSHA");
    cmd.arg(&script.sha).arg(0);
    to_cmd(&mut cmd, args);
    cmd.query(c).expect("the script runs")
}

/// Runs `work(thread, i)` (returning the writes it did) on THREADS threads for `phase`;
/// returns writes per second.
fn throughput(phase: Duration, work: impl Fn(usize, usize) -> usize + Sync) -> f64 {
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let total: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (stop, work) = (&stop, &work);
                s.spawn(move || {
                    let (mut i, mut done) = (0, 0);
                    while !stop.load(Ordering::Relaxed) {
                        done += work(t, i);
                        i += 1;
                    }
                    done
                })
            })
            .collect();
        std::thread::sleep(phase);
        stop.store(true, Ordering::Relaxed);
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    total as f64 / started.elapsed().as_secs_f64()
}

/// The direct client: the component's scripts and arguments over native connections.
pub struct Direct {
    redis: Redis,
}

impl Direct {
    /// A direct client of `url`.
    pub fn new(url: &str) -> Direct {
        Direct {
            redis: Redis::new(url),
        }
    }

    /// Writes per second, `batch` writes per script call.
    pub fn write_throughput(&self, layout: &Layout, batch: usize, phase: Duration) -> f64 {
        let conns: Vec<Mutex<redis::Connection>> = (0..THREADS)
            .map(|_| Mutex::new(self.redis.conn()))
            .collect();
        throughput(phase, |t, i| {
            let writes: Vec<_> = (0..batch)
                .map(|k| fresh_write(t + 100, i * batch + k))
                .collect();
            eval(
                &mut conns[t].lock().unwrap(),
                write_script(),
                &write_args(layout, &writes),
            );
            batch
        })
    }

    /// One call of `script` (a query).
    pub fn eval(&self, script: &Script, args: &[Arg]) {
        thread_local!(static CONN: std::cell::RefCell<Option<redis::Connection>> = const { std::cell::RefCell::new(None) });
        CONN.with(|c| {
            let mut c = c.borrow_mut();
            let conn = c.get_or_insert_with(|| self.redis.conn());
            eval(conn, script, args);
        });
    }
}

/// `tally up` serving points, stopped when dropped.
pub struct HostProcess {
    child: Child,
    url: String,
    agent: ureq::Agent,
    _dir: PathBuf,
}

impl HostProcess {
    /// Starts the host with the component on `/points/...`, keys under `prefix`.
    pub fn start(redis_url: &str, prefix: &str) -> HostProcess {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let wasm = root.join("target/wasm32-wasip2/release/tally_points.wasm");
        assert!(
            wasm.exists(),
            "build the component first (bench/points.sh does)"
        );
        let dir = std::env::temp_dir().join(format!("points-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = format!(
            "spin_manifest_version = 2\n[application]\nname = \"points-bench\"\n\
             [[trigger.http]]\nroute = \"/points/...\"\ncomponent = \"points\"\n\
             [component.points]\nsource = {:?}\nallowed_outbound_hosts = [\"redis://127.0.0.1:6379\"]\n\
             [component.points.variables]\nredis_url = {redis_url:?}\nkey_prefix = {prefix:?}\n\
             expire_seconds = \"86400\"\n",
            wasm.display().to_string()
        );
        std::fs::write(dir.join("spin.toml"), manifest).unwrap();
        let mut child = Command::new(root.join("target/release/tally"))
            .args(["up", "-f"])
            .arg(dir.join("spin.toml"))
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("target/release/tally runs");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let url = stdout
            .lines()
            .map_while(Result::ok)
            .find_map(|l| {
                l.strip_prefix("Listening on ")
                    .map(|u| u.trim().to_string())
            })
            .expect("the host starts");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        HostProcess {
            child,
            url,
            agent,
            _dir: dir,
        }
    }

    /// `POST path`: the status and the body.
    fn post(&self, path: &str, content_type: &str, body: &str) -> (u16, String) {
        let mut r = self
            .agent
            .post(format!("{}{path}", self.url))
            .header("content-type", content_type)
            .send(body)
            .expect("the host answers");
        let body = r.body_mut().read_to_string().unwrap();
        (r.status().as_u16(), body)
    }

    /// Writes per second, `batch` writes per request, and how many requests were refused
    /// with a 503 (Redis did not answer within the host's response timeout: on a machine
    /// shared with builds, 8 concurrent 100-write scripts can queue past it).
    pub fn write_throughput(&self, batch: usize, phase: Duration) -> (f64, usize) {
        let refused = AtomicUsize::new(0);
        let rate = throughput(phase, |t, i| {
            let writes: Vec<String> = (0..batch)
                .map(|k| to_json(&fresh_write(t, i * batch + k)))
                .collect();
            let body = if batch == 1 {
                writes[0].clone()
            } else {
                format!("[{}]", writes.join(","))
            };
            match self.post("/points/v1/write", "application/json", &body) {
                (200, _) => batch,
                (503, _) => {
                    refused.fetch_add(1, Ordering::Relaxed);
                    0
                }
                (status, body) => panic!("write: {status} {body}"),
            }
        });
        (rate, refused.into_inner())
    }

    /// The path and form of a `query_ids` or `mumt_query` request for uids 1..=users.
    pub fn query_request(
        &self,
        route: &str,
        users: usize,
        start: i64,
        end: i64,
    ) -> (String, String) {
        let ids: Vec<String> = (1..=users).map(|u| u.to_string()).collect();
        let ids = ids.join(",");
        match route {
            "query_ids" => (
                format!("/points/v1/query_ids/steps/all/{start}/{end}"),
                format!("ids={ids}"),
            ),
            _ => (
                format!("/points/v1/mumt_query/all/{start}/{end}"),
                format!("things=steps&ids={ids}"),
            ),
        }
    }

    /// One query, repeated while it is refused with a 503 (for up to a minute): after a
    /// write phase that overran the host's Redis timeout, Redis still works through the
    /// scripts the host gave up on, and the first queries would time out behind them.
    pub fn settled_query(&self, path: &str, form: &str) -> String {
        for _ in 0..120 {
            match self.post(path, "application/x-www-form-urlencoded", form) {
                (503, _) => std::thread::sleep(Duration::from_millis(500)),
                (status, body) => {
                    assert_eq!(status, 200, "{path}: {body}");
                    return body;
                }
            }
        }
        panic!("{path}: still refused after a minute");
    }

    /// One query; returns the body.
    pub fn query(&self, path: &str, form: &str) -> String {
        let (status, body) = self.post(path, "application/x-www-form-urlencoded", form);
        assert_eq!(status, 200, "{path}: {body}");
        body
    }
}

impl Drop for HostProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

/// p50 and p95 latency in milliseconds of each of `calls` over `n` rounds that call each
/// once in turn (after 10 warm-up rounds).
pub fn interleaved_latencies(n: usize, calls: &mut [Box<dyn FnMut() + '_>]) -> Vec<(f64, f64)> {
    for _ in 0..10 {
        calls.iter_mut().for_each(|f| f());
    }
    let mut ms = vec![Vec::with_capacity(n); calls.len()];
    for _ in 0..n {
        for (f, ms) in calls.iter_mut().zip(&mut ms) {
            let t = Instant::now();
            f();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms.into_iter()
        .map(|mut ms| {
            ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
            (ms[n / 2], ms[(n * 95 / 100).min(n - 1)])
        })
        .collect()
}
