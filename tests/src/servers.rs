//! A Redis and a Postgres server of a test's own, on free loopback ports, that the test
//! may stop abruptly and start again (fault injection) without harming anything else.
//!
//! Both keep their data across a stop: Redis with an fsync-always append-only file,
//! Postgres in its own data directory (an immediate stop is a crash, recovered on start).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something accepts connections on `port`, or panics after `timeout`.
pub fn wait_for_port(port: u16, timeout: Duration) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + timeout;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `redis-server` on its own port and directory.
pub struct RedisServer {
    /// The port it listens on.
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a new, empty server.
    pub fn start() -> RedisServer {
        let mut server = RedisServer {
            port: free_port(),
            dir: tempfile::tempdir().expect("temp dir"),
            child: None,
        };
        server.restart();
        server
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:PORT`, as `allowed_outbound_hosts` names it.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL: no goodbye to clients).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, reloading its append-only file.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs (scripts/setup.sh installs it)");
        self.child = Some(child);
        wait_for_port(self.port, Duration::from_secs(10));
        // Answering PING means the append-only file has been loaded.
        let client = redis::Client::open(self.url()).expect("redis url");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let ping = client
                .get_connection()
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if ping.is_ok() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer PING"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The directory holding PostgreSQL's server programs (`initdb`, `pg_ctl`).
fn postgres_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .map(|v| v.join("bin"))
        .expect("PostgreSQL server programs under /usr/lib/postgresql (scripts/setup.sh)")
}

/// A PostgreSQL cluster of its own (`initdb` in a temp dir, trust auth, user `tally`,
/// database `tally`).
pub struct PostgresServer {
    /// The port it listens on.
    pub port: u16,
    dir: tempfile::TempDir,
    running: bool,
}

impl PostgresServer {
    /// Creates and starts a new cluster.
    pub fn start() -> PostgresServer {
        let dir = tempfile::Builder::new()
            .prefix("tally-pg")
            .tempdir()
            .expect("temp dir");
        let mut server = PostgresServer {
            port: free_port(),
            dir,
            running: false,
        };
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(server.dir.path())
                .status()
                .expect("chown runs");
            assert!(status.success(), "chown of the Postgres test dir failed");
        }
        let mut initdb = server.program("initdb");
        initdb
            .args(["-A", "trust", "-U", "tally", "--no-sync", "-D"])
            .arg(server.data());
        run(initdb);
        server.restart();
        let mut psql = server.program("psql");
        psql.args(["-h", "127.0.0.1", "-U", "tally", "-d", "postgres", "-qc"])
            .arg("CREATE DATABASE tally")
            .args(["-p", &server.port.to_string()]);
        run(psql);
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `postgres://tally@127.0.0.1:PORT/tally`.
    pub fn url(&self) -> String {
        format!("postgres://tally@127.0.0.1:{}/tally", self.port)
    }

    /// `127.0.0.1:PORT`, as `allowed_outbound_hosts` names it.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`: a crash, as far as clients
    /// and recovery can tell).
    pub fn kill(&mut self) {
        if self.running {
            let mut stop = self.program("pg_ctl");
            stop.args(["stop", "-m", "immediate", "-w", "-D"])
                .arg(self.data());
            run(stop);
            self.running = false;
        }
    }

    /// Starts the server (again) on the same port and data.
    pub fn restart(&mut self) {
        self.kill();
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}' -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let mut start = self.program("pg_ctl");
        start
            .args(["start", "-w", "-l"])
            .arg(self.dir.path().join("server.log"))
            .arg("-o")
            .arg(options)
            .arg("-D")
            .arg(self.data());
        run(start);
        self.running = true;
        wait_for_port(self.port, Duration::from_secs(20));
    }

    /// A PostgreSQL server program; as the `postgres` user when we are root (Postgres
    /// refuses to run as root).
    fn program(&self, name: &str) -> Command {
        let path = postgres_bin().join(name);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs `command` to completion, panicking with its output when it fails.
fn run(mut command: Command) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .expect("PostgreSQL programs run");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        self.kill();
    }
}
