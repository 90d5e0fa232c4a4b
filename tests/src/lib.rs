//! Harness for the end-to-end tests: the real `owf serve` (same code as the binary, on a free
//! port, a fresh SQLite file, demo accounts seeded) serving the built `dist/`, and a headless
//! Chromium driven through chromedriver. Screenshots go to `target/e2e-screenshots/`.

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use owf_backend::customs::sandbox::SandboxConfig;
use owf_backend::http::HttpConfig;
use owf_backend::relay::RelayConfig;
use owf_backend::store::Store;
use owf_backend::ServeConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub use fantoccini;

pub const ZONE_CARD: &str = "8944030000001";
pub const ZONE_PASSWORD: &str = "zone-demo-2026";
pub const PLAIN_CARD: &str = "8933010000002";
pub const PLAIN_PASSWORD: &str = "plain-demo-2026";

/// How long a step may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The built frontend; the e2e tests need `make dist` (part of `make test`) first.
pub fn dist() -> PathBuf {
    let dist = workspace().join("dist");
    assert!(
        dist.join("index.html").exists(),
        "dist/index.html is missing: build the frontend first (`make dist`)"
    );
    dist
}

fn temp_dir(prefix: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running owf server with its own database.
pub struct Server {
    pub addr: SocketAddr,
    pub store: Store,
    dir: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(Vec::new()).await
    }

    /// Starts with extra origins allowed to call the API (a frontend hosted elsewhere).
    pub async fn start_with(allowed_origins: Vec<String>) -> Self {
        let dir = temp_dir("owf-e2e");
        let config = ServeConfig {
            database_url: format!("sqlite:{}/owf.db", dir.display()),
            dist: dist(),
            http: HttpConfig {
                session_hours: 8,
                allowed_origins,
            },
            relay: Some(RelayConfig::default()),
            customs_url: None,
            sandbox: Some(SandboxConfig::default()),
        };
        let store = Store::connect(&config.database_url).await.unwrap();
        owf_backend::demo::seed(&store).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let served = store.clone();
        tokio::spawn(async move {
            owf_backend::serve(config, served, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Self {
            addr,
            store,
            dir,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Status code of a plain GET with an optional session cookie (outside the browser).
    pub async fn status_of(&self, path: &str, session: Option<&str>) -> u16 {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let cookie = session
            .map(|s| format!("Cookie: owf_session={s}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{cookie}Connection: close\r\n\r\n",
            self.addr
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .expect("HTTP status line")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// chromedriver + a headless Chromium session; the whole process group dies with it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
    test: &'static str,
    shots: u32,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// `test` names the screenshots of this test.
    pub async fn start(test: &'static str) -> Self {
        Self::start_sized(test, 1280, 900).await
    }

    pub async fn start_sized(test: &'static str, width: u32, height: u32) -> Self {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver on PATH (make test installs chromium-driver)");
        let profile = temp_dir("owf-chromium");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        });
        let caps = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        profile,
                        test,
                        shots: 0,
                    }
                }
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session: {last_error:?}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// Waits until an element matching `css` is present.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Waits until the element matching `css` shows text containing `text`; returns its text.
    pub async fn wait_text(&self, css: &str, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut last = String::new();
        while tokio::time::Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = el.text().await {
                    if t.contains(text) {
                        return t;
                    }
                    last = t;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css} never showed {text:?}; last text: {last:?}");
    }

    /// Waits until the browser is at `path` (path and query of the current URL).
    pub async fn wait_path(&self, path: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut last = String::new();
        while tokio::time::Instant::now() < deadline {
            let url = self.client.current_url().await.unwrap();
            last = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            };
            if last == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("browser never reached {path}; it is at {last}");
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Fills the login form and submits it.
    pub async fn login(&self, card: &str, password: &str) {
        self.type_into("#card_no", card).await;
        self.type_into("#password", password).await;
        self.click("#login-submit").await;
    }

    /// The session cookie the browser holds, if any.
    pub async fn session_cookie(&self) -> Option<String> {
        self.client
            .get_named_cookie("owf_session")
            .await
            .ok()
            .map(|c| c.value().to_owned())
    }

    /// Saves a screenshot as `target/e2e-screenshots/<test>-<n>-<name>.png`.
    pub async fn screenshot(&mut self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let dir = workspace().join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        self.shots += 1;
        std::fs::write(
            dir.join(format!("{}-{:02}-{name}.png", self.test, self.shots)),
            png,
        )
        .unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
