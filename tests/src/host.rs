//! `tally up` as a child process on a free loopback port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::build::host_binary;
use crate::http::{self, Reply};

/// A running host, stopped when dropped.
pub struct Host {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Host {
    /// Starts `tally up -f manifest --listen 127.0.0.1:0 ARGS` with `env` added; panics
    /// with the host's output if it does not come up.
    pub fn start(manifest: &Path, env: &[(&str, &str)], args: &[&str]) -> Host {
        match Host::try_start(manifest, env, args) {
            Ok(host) => host,
            Err(output) => panic!("the host did not start:\n{output}"),
        }
    }

    /// Like [`Host::start`], but returns what the host printed if it exits instead.
    pub fn try_start(manifest: &Path, env: &[(&str, &str)], args: &[&str]) -> Result<Host, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("host.log");
        let mut command = Command::new(host_binary());
        command
            .arg("up")
            .arg("-f")
            .arg(manifest)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"));
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("tally starts");
        let stdout = child.stdout.take().expect("stdout piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent && let Some(url) = line.strip_prefix("Listening on ") {
                    let _ = tx.send(url.trim().to_string());
                    sent = true;
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => Ok(Host {
                child,
                url,
                log,
                _dir: dir,
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(std::fs::read_to_string(&log).unwrap_or_default())
            }
        }
    }

    /// `GET path` on this host.
    pub fn get(&self, path: &str) -> Reply {
        http::get(&format!("{}{path}", self.url))
    }

    /// `POST path` on this host.
    pub fn post(&self, path: &str, content_type: &str, body: &str) -> Reply {
        http::post(&format!("{}{path}", self.url), content_type, body)
    }

    /// Everything the host has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGINT (Ctrl-C) and waits for the host to exit; returns whether it exited cleanly.
    pub fn interrupt(&mut self) -> bool {
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        self.child.wait().map(|s| s.success()).unwrap_or(false)
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 50 ms until it returns `Some` or `timeout` passes.
pub fn eventually<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if std::time::Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
