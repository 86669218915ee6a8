//! Headless Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`,
//! installed by `scripts/setup.sh --browser`): one chromedriver process and one browser
//! session per test, stopped when dropped. Blocking methods over `fantoccini`.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a page may take to settle.
const PATIENCE: Duration = Duration::from_secs(30);

/// One cell of a data table: the text a person reads and the raw `data-value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// `textContent`.
    pub text: String,
    /// `data-value` (empty when absent).
    pub value: String,
}

/// A browser session on a host.
pub struct Browser {
    rt: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    base: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Where screenshots go (test artifacts).
pub fn screenshot_dir() -> PathBuf {
    tally_tests::build::target_dir().join("dashboard-screenshots")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session for pages of `base`.
    pub fn open(base: &str) -> Browser {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                std::path::Path::new(path).exists(),
                "{path} is missing: run scripts/setup.sh --browser (it installs Debian's {package})"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let options = json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1100", "--force-device-scale-factor=1", "--lang=en-US"],
        });
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = rt
            .block_on(
                ClientBuilder::new(HttpConnector::new())
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .expect("a Chromium session");
        Browser {
            rt,
            client: Some(client),
            driver,
            base: base.to_string(),
        }
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("open")
    }

    /// Opens `path` of the host.
    pub fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.rt
            .block_on(self.client().goto(&url))
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) and returns its value.
    pub fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.rt
            .block_on(self.client().execute(script, args))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `script` until it returns something other than `null`/`false`; panics
    /// naming `what` (with the page's visible text) after 30 s.
    pub fn wait_for(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let v = self.js(script, args.clone());
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            if Instant::now() >= deadline {
                let page = self.js("return document.body.innerText", vec![]);
                panic!(
                    "timed out waiting for {what}; the page says:\n{}",
                    page.as_str().unwrap_or("")
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until card `id` has finished loading and returns its state
    /// (`ready`, `empty` or `error`).
    pub fn settled(&self, id: &str) -> String {
        let script = "const c = document.getElementById(arguments[0]); \
                      return c && c.dataset.state !== 'loading' ? c.dataset.state : null;";
        let state = self.wait_for(&format!("card #{id}"), script, vec![json!(id)]);
        state.as_str().expect("a string").to_string()
    }

    /// The message a card shows (its `.status`).
    pub fn status(&self, id: &str) -> String {
        let v = self.js(
            "return document.querySelector('#' + arguments[0] + ' > .status').textContent",
            vec![json!(id)],
        );
        v.as_str().unwrap_or_default().to_string()
    }

    /// The body rows of table `id` (also when it sits in a closed `<details>`).
    pub fn table(&self, id: &str) -> Vec<Vec<Cell>> {
        let script = "return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')].map(r => \
                      [...r.cells].map(c => [c.textContent, c.dataset.value ?? '']))";
        let rows = self.js(script, vec![json!(id)]);
        serde_json::from_value::<Vec<Vec<(String, String)>>>(rows)
            .expect("rows of cells")
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|(text, value)| Cell { text, value })
                    .collect()
            })
            .collect()
    }

    /// The texts of table `id`'s body rows.
    pub fn table_text(&self, id: &str) -> Vec<Vec<String>> {
        self.table(id)
            .into_iter()
            .map(|r| r.into_iter().map(|c| c.text).collect())
            .collect()
    }

    /// An attribute of the element matching `selector` (`None` when it has none).
    pub fn attr(&self, selector: &str, name: &str) -> Option<String> {
        let v = self.js(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(selector), json!(name)],
        );
        v.as_str().map(str::to_string)
    }

    /// The visible text of the element matching `selector`.
    pub fn text(&self, selector: &str) -> String {
        self.rt
            .block_on(async {
                self.client()
                    .find(Locator::Css(selector))
                    .await?
                    .text()
                    .await
            })
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
    }

    /// Clicks the element matching `selector`, as a person would.
    pub fn click(&self, selector: &str) {
        self.rt
            .block_on(async {
                self.client()
                    .find(Locator::Css(selector))
                    .await?
                    .click()
                    .await
            })
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    /// Sets form field `name` of `#form` to `value` (inputs and selects alike).
    pub fn set_field(&self, name: &str, value: &str) {
        self.js(
            "const f = document.getElementById('form').elements.namedItem(arguments[0]); \
             f.value = arguments[1]; f.dispatchEvent(new Event('change'));",
            vec![json!(name), json!(value)],
        );
    }

    /// Resizes the window (a phone is about 420 pixels wide).
    pub fn resize(&self, width: u32, height: u32) {
        self.rt
            .block_on(self.client().set_window_size(width, height))
            .expect("the window resizes");
    }

    /// Saves a screenshot of the window as `target/dashboard-screenshots/<name>.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .rt
            .block_on(self.client().screenshot())
            .expect("a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("the screenshot directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.rt.block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `n` with thousands separators, as the pages write integers (`12,345`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
