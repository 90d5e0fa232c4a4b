//! Harness for the end-to-end tests: the real `owf serve` (same code as the binary, on a free
//! port, a fresh SQLite file, demo accounts seeded) serving the built `dist/`, and a headless
//! Chromium driven through chromedriver. Screenshots go to `target/e2e-screenshots/`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use owf_backend::customs::sandbox::SandboxConfig;
use owf_backend::http::HttpConfig;
use owf_backend::listener::Limits;
use owf_backend::relay::backoff::Backoff;
use owf_backend::relay::RelayConfig;
use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::Store;
use owf_backend::{OwnSandbox, ServeConfig};
use owf_shared::fixtures::ZONE;
use owf_shared::status::Status;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower_http::services::{ServeDir, ServeFile};

pub use fantoccini;

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

/// A new folder under the temp dir, named with `prefix`.
pub fn temp_dir(prefix: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The secret between the test server's relay and its customs sandbox.
const CUSTOMS_SECRET: &str = "e2e-customs-secret-0123456789";

/// A running owf server with its own database.
pub struct Server {
    pub addr: SocketAddr,
    /// Its customs sandbox's listener.
    pub customs: SocketAddr,
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
        Self::launch(allowed_origins, dist(), Duration::from_millis(300)).await
    }

    /// Starts with a customs sandbox that takes `received_delay` to answer 海关入库, so that a
    /// test sees a message customs has but has not taken in (发送海关成功).
    pub async fn start_with_slow_customs(received_delay: Duration) -> Self {
        Self::launch(Vec::new(), dist(), received_delay).await
    }

    /// Starts serving the frontend from `dist` instead of the build's own folder.
    pub async fn start_serving(dist: PathBuf) -> Self {
        Self::launch(Vec::new(), dist, Duration::from_millis(300)).await
    }

    async fn launch(allowed_origins: Vec<String>, dist: PathBuf, received_delay: Duration) -> Self {
        let dir = temp_dir("owf-e2e");
        let sandbox = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let customs = sandbox.local_addr().unwrap();
        let config = ServeConfig {
            database_url: format!("sqlite:{}/owf.db", dir.display()),
            dist,
            http: HttpConfig {
                session_hours: 8,
                allowed_origins,
                login_attempts_per_minute: 10,
                secure_cookies: false,
            },
            limits: Limits::DEFAULT,
            // The real relay and customs sandbox, answering quickly; retries after an outage
            // within a second, so that a test sees the filing arrive well inside `WAIT` however
            // many attempts failed while customs was down (the default backoff grows to 60 s),
            // and no outage of a test lasts long enough to give a message up.
            relay: Some(RelayConfig {
                poll_interval: Duration::from_millis(50),
                max_attempts: 1000,
                backoff: Backoff {
                    initial: Duration::from_millis(300),
                    max: Duration::from_secs(1),
                },
                ..RelayConfig::DEFAULT
            }),
            customs_url: None,
            customs_secret: Some(CUSTOMS_SECRET.to_owned()),
            sandbox: Some(OwnSandbox {
                listener: sandbox,
                config: SandboxConfig {
                    received_delay,
                    verdict_delay: received_delay + Duration::from_millis(500),
                    ..SandboxConfig::DEFAULT
                },
            }),
        };
        let store = Store::connect(&config.database_url)
            .await
            .unwrap()
            .with_key_encryption(KeyEncryptionKey::demo());
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
            customs,
            store,
            dir,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Its database, for `owf admin` commands run against it.
    pub fn database_url(&self) -> String {
        format!("sqlite:{}/owf.db", self.dir.display())
    }

    /// Test setup: every login on the server ends `ms_from_now` from now (negative: has ended).
    pub async fn sessions_end_in(&self, ms_from_now: i64) {
        sqlx::query("UPDATE sessions SET expires_at = $1")
            .bind(owf_backend::clock::now_ms() + ms_from_now)
            .execute(self.store.write_pool())
            .await
            .unwrap();
    }

    /// Test setup: the filing `id` is in `status` in owf, whatever customs knows of it.
    pub async fn force_status(&self, id: i64, status: Status) {
        sqlx::query("UPDATE filings SET status = $1, version = version + 1 WHERE id = $2")
            .bind(i64::from(status.code()))
            .bind(id)
            .execute(self.store.write_pool())
            .await
            .unwrap();
    }

    /// When the only login on the server ends (Unix ms).
    pub async fn session_end(&self) -> i64 {
        sqlx::query_scalar("SELECT expires_at FROM sessions")
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// Status code of a plain GET with an optional session cookie (outside the browser).
    pub async fn status_of(&self, path: &str, session: Option<&str>) -> u16 {
        let cookie = session
            .map(|s| format!("Cookie: owf_session={s}\r\n"))
            .unwrap_or_default();
        raw_status(
            self.addr,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\n{cookie}Connection: close\r\n\r\n",
                self.addr
            ),
        )
        .await
    }

    /// Takes the customs sandbox down (every call answered 503) or brings it back up, through
    /// its fault knobs (on its own listener, with the secret).
    pub async fn customs_down(&self, down: bool) {
        let body =
            json!({ "latency_ms": 0, "error_rate": 0.0, "drop_ack_rate": 0.0, "down": down })
                .to_string();
        let status = raw_status(
            self.customs,
            &format!(
                "PUT /admin/faults HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {CUSTOMS_SECRET}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                self.customs,
                body.len()
            ),
        )
        .await;
        assert_eq!(status, 200, "fault knobs refused");
    }
}

/// Sends one raw HTTP/1.1 request to `addr`; returns the response status.
async fn raw_status(addr: SocketAddr, request: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("HTTP status line")
}

/// `dist/` served by a separate static web server on another port (another origin of the same
/// site), with a `config.json` that points the app at `api_base`.
pub struct StaticSite {
    pub addr: SocketAddr,
    dir: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl StaticSite {
    /// Serves on `port` (chosen beforehand, so the backend can allow the origin).
    pub async fn start_on(port: u16, api_base: &str) -> Self {
        let dir = temp_dir("owf-static");
        copy_dir(&dist(), &dir);
        std::fs::write(
            dir.join("config.json"),
            json!({ "api_base": api_base }).to_string(),
        )
        .unwrap();
        let app = axum::Router::new()
            .fallback_service(ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html"))));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Self {
            addr,
            dir,
            shutdown: Some(tx),
        }
    }

    /// The site's origin, e.g. `http://127.0.0.1:41234`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Copies the files of `from`, and of its folders (the split modules), into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.dir);
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

/// Reads the piped standard output of `child` until `pick` finds what it looks for in a line.
/// Returns `None` if the output ends first, or if `within` passes first. A thread of its own
/// reads the output, and keeps reading it afterwards so that the child never blocks on a full pipe.
pub fn first_said<T>(
    child: &mut Child,
    within: Duration,
    mut pick: impl FnMut(&str) -> Option<T>,
) -> Option<T> {
    let stdout = child.stdout.take().expect("the child's stdout is piped");
    let (lines, said) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let deadline = Instant::now() + within;
    loop {
        let line = said
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .ok()?;
        if let Some(found) = pick(&line) {
            return Some(found);
        }
    }
}

impl Browser {
    /// `test` names the screenshots of this test.
    pub async fn start(test: &'static str) -> Self {
        Self::start_sized(test, 1280, 900).await
    }

    pub async fn start_sized(test: &'static str, width: u32, height: u32) -> Self {
        Self::launch(test, width, height, &[]).await
    }

    /// Starts Chromium with `args` besides the usual ones, e.g. `--lang=en-US`.
    pub async fn start_with_args(test: &'static str, args: &[&str]) -> Self {
        Self::launch(test, 1280, 900, args).await
    }

    async fn launch(test: &'static str, width: u32, height: u32, extra: &[&str]) -> Self {
        let profile = temp_dir("owf-chromium");
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={width},{height}"),
        ];
        args.extend(extra.iter().map(|&arg| arg.to_owned()));
        let mut options = json!({ "binary": "/usr/bin/chromium", "args": args });
        // A window is at least 500 px wide: a phone's width is emulated instead.
        if width < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 }
            });
        }
        let caps = json!({ "goog:chromeOptions": options });
        let caps = caps.as_object().unwrap().clone();
        // Port 0: chromedriver listens where the system says, and says where.
        let mut driver = Command::new("chromedriver")
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver on PATH (make test installs chromium-driver)");
        // A loaded machine may take a while to start it.
        let port: u16 = first_said(&mut driver, Duration::from_secs(30), |line| {
            let (_, port) = line.split_once("started successfully on port ")?;
            port.trim_end_matches('.').parse().ok()
        })
        .expect("chromedriver did not say its port");
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..300 {
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
                Err(e) => last_error = format!("{e:?}"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = driver.kill();
        let _ = driver.wait();
        panic!("could not start a Chromium session: {last_error}");
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
        self.wait_text_within(WAIT, css, text).await
    }

    /// [`Browser::wait_text`] for a step that may take longer than [`WAIT`] on a loaded machine.
    pub async fn wait_text_within(&self, within: Duration, css: &str, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + within;
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

    /// Sets the value of the input matching `css` and tells the page, for inputs that take
    /// no typing in a fixed format (dates).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        let script = r#"
            const [css, value] = arguments;
            const input = document.querySelector(css);
            input.value = value;
            input.dispatchEvent(new Event('input', { bubbles: true }));
            input.dispatchEvent(new Event('change', { bubbles: true }));
        "#;
        self.client
            .execute(script, vec![json!(css), json!(value)])
            .await
            .unwrap();
    }

    /// Scrolls the element matching `css` to the middle of the window, for a screenshot.
    pub async fn scroll_to(&self, css: &str) {
        self.find(css).await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
                vec![json!(css)],
            )
            .await
            .unwrap();
    }

    /// Chooses a file named `name` holding `bytes` in the file input matching `css`. The file is
    /// written in the browser's profile folder, and goes with it.
    pub async fn choose_file(&self, css: &str, name: &str, bytes: &[u8]) {
        // A folder per file: a file chosen before may still be read under the same name.
        let uploads = self.profile.join("uploads");
        std::fs::create_dir_all(&uploads).unwrap();
        let dir = uploads.join(std::fs::read_dir(&uploads).unwrap().count().to_string());
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        self.find(css)
            .await
            .send_keys(path.to_str().unwrap())
            .await
            .unwrap();
    }

    /// Clicks the link whose text is `text` (e.g. a 申请编号 in a result table).
    pub async fn click_link(&self, text: &str) {
        self.client
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("no link {text}: {e}"))
            .click()
            .await
            .unwrap();
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

    /// Logs in at `base` (the app's origin) and waits for the layout.
    pub async fn login_at(&self, base: &str, card: &str, password: &str) {
        self.goto(&format!("{base}/login")).await;
        self.login(card, password).await;
        self.find("#enterprise-name").await;
    }

    /// Types `text` over the whole value of the input matching `css`, as a clerk who selects
    /// what is there and types (WebDriver's clear would also leave the field).
    pub async fn type_over(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.click().await.unwrap();
        self.client
            .execute(
                "document.querySelector(arguments[0]).select();",
                vec![json!(css)],
            )
            .await
            .unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Chooses the option with code `value` in the combobox matching `css` as a clerk does:
    /// typing the code and clicking the option it finds.
    pub async fn select(&self, css: &str, value: &str) {
        let el = self.find(css).await;
        let id = el.attr("id").await.unwrap().expect("a combobox has an id");
        self.type_over(css, value).await;
        self.click(&format!("#{id}-opt-{value}")).await;
        let chosen = el.prop("value").await.unwrap().unwrap_or_default();
        assert!(
            chosen.starts_with(value),
            "{css}: picked {chosen:?}, not {value}"
        );
    }

    /// Presses `key` in the element matching `css` (a combobox's ↓, ↑, Enter, Escape).
    pub async fn press(&self, css: &str, key: fantoccini::key::Key) {
        self.find(css)
            .await
            .send_keys(&String::from(char::from(key)))
            .await
            .unwrap();
    }

    /// Presses `keys` (e.g. Tab, or Shift+Tab as two keys) in whatever has the focus.
    pub async fn press_keys(&self, keys: &[fantoccini::key::Key]) {
        let keys: String = keys.iter().map(|&key| char::from(key)).collect();
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&keys)
            .await
            .unwrap();
    }

    /// The id of the element that has the focus ("" if it has none).
    pub async fn focused_id(&self) -> String {
        let id = self
            .client
            .execute("return document.activeElement.id;", vec![])
            .await
            .unwrap();
        id.as_str().unwrap_or_default().to_owned()
    }

    /// Whether the element matching `css` exists right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Waits until nothing matches `css` any more.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while tokio::time::Instant::now() < deadline {
            if !self.exists(css).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css} is still there");
    }

    /// An attribute of the element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    /// Calls the API from the page, with the browser's session: `{ "status": …, "body": … }`.
    pub async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let script = r#"
            const [method, path, body, done] = arguments;
            fetch('/api' + path, {
                method,
                headers: body === null ? {} : { 'Content-Type': 'application/json' },
                body: body === null ? undefined : JSON.stringify(body),
            }).then(async (r) => {
                const text = await r.text();
                done({ status: r.status, body: text ? JSON.parse(text) : null });
            });
        "#;
        let args = vec![json!(method), json!(path), body.unwrap_or(Value::Null)];
        self.client.execute_async(script, args).await.unwrap()
    }

    /// Creates a filing draft through the API; returns its detail.
    pub async fn create(&self, collection: &str, form: &impl Serialize) -> Value {
        let answer = self
            .api("POST", collection, Some(json!({ "form": form })))
            .await;
        assert_eq!(answer["status"], 201, "create failed: {answer}");
        answer["body"].clone()
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

/// Sets up what warehouse filing needs (rule R3): the zone enterprise's 企业登记, declared
/// through the API and approved by the customs sandbox. Returns its id.
pub async fn approved_registration(b: &Browser) -> i64 {
    let detail = b.create("/registrations", &ZONE.registration()).await;
    let id = detail["id"].as_i64().unwrap();
    approved(b, "/registrations", id).await;
    id
}

/// Stores `bytes` as a proof document of type `doc_type` of warehouse `id`, through the API.
pub async fn upload(b: &Browser, id: i64, doc_type: &str, file_name: &str, bytes: &[u8]) {
    let script = r#"
        const [path, bytes, done] = arguments;
        fetch('/api' + path, {
            method: 'POST',
            headers: { 'Content-Type': 'application/pdf' },
            body: new Uint8Array(bytes),
        }).then((r) => done(r.status));
    "#;
    let path = format!("/warehouses/{id}/attachments?doc_type={doc_type}&file_name={file_name}");
    let status = b
        .client
        .execute_async(script, vec![json!(path), json!(bytes)])
        .await
        .unwrap();
    assert_eq!(status, 201, "upload of {file_name} refused");
}

/// Declares the stored record `id` of `collection` through the API and waits until the
/// customs sandbox approved it.
pub async fn approved(b: &Browser, collection: &str, id: i64) {
    let current = b.api("GET", &format!("{collection}/{id}"), None).await;
    let version = current["body"]["lifecycle"]["version"].clone();
    let declared = b
        .api(
            "POST",
            &format!("{collection}/{id}/declare"),
            Some(json!({ "version": version })),
        )
        .await;
    assert_eq!(declared["status"], 200, "declare failed: {declared}");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let detail = b.api("GET", &format!("{collection}/{id}"), None).await;
        if detail["body"]["lifecycle"]["status"] == 399 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "customs never approved {collection}/{id}: {detail}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A valid 1×1 PNG (one orange pixel).
pub const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0xB8, 0x60, 0xA5, 0x05,
    0x00, 0x03, 0x12, 0x01, 0x35, 0x9B, 0x6C, 0x9C, 0x9F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// One DevTools command through chromedriver's pass-through (`goog/cdp/execute`), sent to the
/// page the session drives.
#[derive(Debug)]
struct Cdp {
    method: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A request of a page: its path, and when it started and its answer ended (ms from the
/// navigation).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Fetched {
    pub path: String,
    pub start: f64,
    pub end: f64,
}

impl Fetched {
    /// The file name: the path's last segment.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or_default()
    }
}

impl Browser {
    /// Runs the DevTools command `method` with `params` on the page (e.g.
    /// `Network.emulateNetworkConditions`); returns its answer.
    pub async fn cdp(&self, method: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { method, params })
            .await
            .unwrap_or_else(|e| panic!("DevTools {method}: {e}"))
    }

    /// Slows this browser's network through DevTools: `latency_ms` added to each request and
    /// `bytes_per_sec` each way; it holds across navigations.
    pub async fn slow_network(&self, latency_ms: u32, bytes_per_sec: u32) {
        self.cdp("Network.enable", json!({})).await;
        let conditions = json!({
            "offline": false,
            "latency": latency_ms,
            "downloadThroughput": bytes_per_sec,
            "uploadThroughput": bytes_per_sec,
        });
        self.cdp("Network.emulateNetworkConditions", conditions)
            .await;
    }

    /// Every request of the current page but the page itself, from the Performance API, in the
    /// order they started.
    pub async fn requests(&self) -> Vec<Fetched> {
        let entries = self
            .client
            .execute(
                "return performance.getEntriesByType('resource').map((e) => ({
                     path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(entries).unwrap()
    }

    /// Prints the page to PDF as the browser would on paper — the page's own `@page` size and
    /// margins, as a clerk's 打印 with the browser's default settings — keeps the PDF beside the
    /// screenshots (`<test>-<n>-<name>.pdf`) and returns its text.
    pub async fn print_pdf(&mut self, name: &str) -> String {
        use base64::Engine;
        let params = json!({ "preferCSSPageSize": true, "printBackground": false });
        let answer = self.cdp("Page.printToPDF", params).await;
        let data = answer["data"].as_str().expect("printToPDF answers data");
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        let dir = workspace().join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        self.shots += 1;
        std::fs::write(
            dir.join(format!("{}-{:02}-{name}.pdf", self.test, self.shots)),
            &pdf,
        )
        .unwrap();
        pdf_extract::extract_text_from_mem(&pdf).unwrap()
    }
}

/// Whether `text` holds a message guid (8-4-4-4-12 hexadecimal digits).
pub fn has_guid(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let groups = [8, 4, 4, 4, 12];
    (0..chars.len()).any(|start| {
        let mut at = start;
        groups.iter().enumerate().all(|(i, &n)| {
            let hex = chars
                .get(at..at + n)
                .is_some_and(|g| g.iter().all(char::is_ascii_hexdigit));
            at += n;
            let dash = i == groups.len() - 1 || chars.get(at) == Some(&'-');
            at += 1;
            hex && dash
        })
    })
}
