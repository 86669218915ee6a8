//! A Lambda Runtime API on loopback, and `tally lambda` (or a packaged `bootstrap`) run
//! against it: the test hands in events and gets back what the function answered.
//!
//! The server speaks the parts of the Runtime API (2018-06-01) a custom runtime uses:
//! `GET /runtime/invocation/next` (long-polled until the test queues an event, answered
//! with the `Lambda-Runtime-*` headers), `POST /runtime/invocation/<id>/response`,
//! `POST /runtime/invocation/<id>/error` and `POST /runtime/init/error`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tiny_http::{Header, Method, Response, Server};

/// The function ARN the fake runtime reports.
pub const FUNCTION_ARN: &str = "arn:aws:lambda:eu-west-1:123456789012:function:tally-test";

/// How long an invocation may take before the test gives up.
const INVOKE_TIMEOUT: Duration = Duration::from_secs(180);

/// What the function reported for an invocation (or for its start).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `POST /runtime/invocation/<id>/response`: the function's result.
    Response(Value),
    /// `POST /runtime/invocation/<id>/error`: `{errorType, errorMessage}`.
    Error(Value),
    /// `POST /runtime/init/error`.
    InitError(Value),
}

impl Outcome {
    /// The result of a successful invocation (panics with the outcome otherwise).
    pub fn response(self) -> Value {
        match self {
            Outcome::Response(v) => v,
            other => panic!("expected a response, got {other:?}"),
        }
    }

    /// The error message of a failed invocation (panics otherwise).
    pub fn error_message(self) -> String {
        match self {
            Outcome::Error(v) => v["errorMessage"].as_str().unwrap_or_default().to_string(),
            other => panic!("expected an invocation error, got {other:?}"),
        }
    }
}

/// The loopback Runtime API server.
pub struct RuntimeApi {
    /// `127.0.0.1:PORT`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    events: Option<Sender<(String, Value)>>,
    outcomes: Receiver<(Option<String>, Outcome)>,
    server: Arc<Server>,
    next_id: u64,
}

impl RuntimeApi {
    /// Starts the server on a free port.
    pub fn start() -> RuntimeApi {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("runtime API binds"));
        let address = server
            .server_addr()
            .to_ip()
            .expect("an IP address")
            .to_string();
        let (events_tx, events_rx) = mpsc::channel();
        let (outcomes_tx, outcomes) = mpsc::channel();
        let serving = server.clone();
        std::thread::spawn(move || serve(&serving, &events_rx, &outcomes_tx));
        RuntimeApi {
            address,
            events: Some(events_tx),
            outcomes,
            server,
            next_id: 0,
        }
    }

    /// Queues `event` for the function and returns the request id it gets.
    pub fn queue(&mut self, event: &Value) -> String {
        self.next_id += 1;
        let id = format!("req-{:04}", self.next_id);
        let sender = self.events.as_ref().expect("server running");
        sender
            .send((id.clone(), event.clone()))
            .expect("server running");
        id
    }

    /// The next outcome, as `(request id, outcome)`, if one comes within `timeout`.
    pub fn next_outcome(&self, timeout: Duration) -> Option<(Option<String>, Outcome)> {
        self.outcomes.recv_timeout(timeout).ok()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.events.take();
        self.server.unblock();
    }
}

fn serve(
    server: &Server,
    events: &Receiver<(String, Value)>,
    outcomes: &Sender<(Option<String>, Outcome)>,
) {
    for mut request in server.incoming_requests() {
        let url = request.url().to_string();
        let path = url.strip_prefix("/2018-06-01/runtime/").unwrap_or("");
        let mut body = String::new();
        let _ = request.as_reader().read_to_string(&mut body);
        let json = || serde_json::from_str(&body).unwrap_or(Value::String(body.clone()));
        let parts: Vec<&str> = path.split('/').collect();
        let accepted = || Response::from_string("{\"status\":\"OK\"}").with_status_code(202);
        match (request.method(), parts.as_slice()) {
            (Method::Get, ["invocation", "next"]) => {
                // Long poll: the function waits here until the test queues an event.
                let Ok((id, event)) = events.recv() else {
                    let _ = request.respond(Response::empty(500));
                    return;
                };
                let deadline =
                    SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + INVOKE_TIMEOUT;
                let response = Response::from_string(event.to_string())
                    .with_header(header("Content-Type", "application/json"))
                    .with_header(header("Lambda-Runtime-Aws-Request-Id", &id))
                    .with_header(header(
                        "Lambda-Runtime-Deadline-Ms",
                        &deadline.as_millis().to_string(),
                    ))
                    .with_header(header("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN))
                    .with_header(header("Lambda-Runtime-Trace-Id", &format!("Root=1-{id}")));
                let _ = request.respond(response);
            }
            (Method::Post, ["invocation", id, "response"]) => {
                let _ = outcomes.send((Some(id.to_string()), Outcome::Response(json())));
                let _ = request.respond(accepted());
            }
            (Method::Post, ["invocation", id, "error"]) => {
                let _ = outcomes.send((Some(id.to_string()), Outcome::Error(json())));
                let _ = request.respond(accepted());
            }
            (Method::Post, ["init", "error"]) => {
                let _ = outcomes.send((None, Outcome::InitError(json())));
                let _ = request.respond(accepted());
            }
            _ => {
                let _ =
                    request.respond(Response::from_string("unknown path").with_status_code(404));
            }
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// A function process (`tally lambda` or a `bootstrap`) polling its own [`RuntimeApi`].
pub struct Function {
    /// The Runtime API it polls.
    pub api: RuntimeApi,
    child: Mutex<Child>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Function {
    /// Runs `program args` with the Lambda environment for a fresh [`RuntimeApi`] plus
    /// `env`; precompiled components are cached under the target directory.
    pub fn start(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Function {
        let api = RuntimeApi::start();
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("function.log");
        let cache = crate::build::target_dir().join("tally-lambda-cache");
        let mut command = Command::new(program);
        command
            .args(args)
            .env("AWS_LAMBDA_RUNTIME_API", &api.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", "tally-test")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("TALLY_CACHE_DIR", &cache)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.path().join("stdout.log")).expect("log"))
            .stderr(std::fs::File::create(&log).expect("log"));
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.spawn().expect("the function starts");
        Function {
            api,
            child: Mutex::new(child),
            log,
            _dir: dir,
        }
    }

    /// Delivers `event` and waits for the function's outcome; panics with the function's
    /// log if it exits or does not answer.
    pub fn invoke(&mut self, event: &Value) -> Outcome {
        let id = self.api.queue(event);
        let deadline = Instant::now() + INVOKE_TIMEOUT;
        while Instant::now() < deadline {
            if let Some((got, outcome)) = self.api.next_outcome(Duration::from_millis(200)) {
                match got {
                    Some(got) if got == id => return outcome,
                    None => return outcome,
                    Some(other) => panic!("answer for {other} while waiting for {id}"),
                }
            }
            if let Ok(Some(status)) = self.child.lock().unwrap().try_wait() {
                panic!("the function exited ({status}):\n{}", self.log());
            }
        }
        panic!("no answer to {id} in {INVOKE_TIMEOUT:?}:\n{}", self.log());
    }

    /// What the function has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits up to `timeout` for the process to exit; its status code if it did.
    pub fn wait_exit(&self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.lock().unwrap().try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let mut child = self.child.lock().unwrap();
        let _ = child.kill();
        let _ = child.wait();
    }
}
