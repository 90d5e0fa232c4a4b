//! The server under test: the release `owf serve` as a child process on a loopback port it picks,
//! its memory read from `/proc/<pid>/status`, and an HTTP client holding a session.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use serde_json::Value;

/// The secret between the server's relay and its customs sandbox.
pub const CUSTOMS_SECRET: &str = "bench-customs-secret-0123456789";

/// A running `owf serve`, killed when dropped.
pub struct Owf {
    child: Child,
    pub base: String,
    /// Base URL of its customs sandbox (its own loopback listener).
    pub customs: String,
}

/// Resident memory of a process, in KiB: now (VmRSS) and its peak so far (VmHWM).
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

impl Owf {
    /// Starts `owf serve --demo` on `database_url` serving `dist`, with `extra` flags, and waits
    /// until it answers `/healthz`.
    pub async fn start(bin: &Path, database_url: &str, dist: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(bin)
            .args(["serve", "--demo", "--database-url", database_url])
            .args(["--listen", "127.0.0.1:0", "--sandbox-listen", "127.0.0.1:0"])
            .args(["--customs-secret", CUSTOMS_SECRET])
            // Every load comes from 127.0.0.1: the per-client login limit would refuse the
            // cold loads' logins after the first ten.
            .args(["--login-attempts-per-minute", "100000"])
            .arg("--dist")
            .arg(dist)
            .args(extra)
            .env("OWF_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        // It says where its sandbox listens, then where it does.
        let mut customs = None;
        let said = owf_e2e::first_said(&mut child, Duration::from_secs(60), |line| {
            if let Some(url) = line.strip_prefix("海关沙箱：") {
                customs = Some(url.trim().to_owned());
            }
            line.strip_prefix("owf 已启动：")
                .map(|url| url.trim().to_owned())
        });
        let (Some(base), Some(customs)) = (said, customs) else {
            let _ = child.kill();
            panic!("owf serve did not say where it and its sandbox listen");
        };
        let server = Self {
            child,
            base,
            customs,
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answer = client.get(server.url("/healthz")).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            assert!(Instant::now() < deadline, "owf serve did not answer");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kib: field("VmRSS:"),
            hwm_kib: field("VmHWM:"),
        }
    }

    /// Logs in as `card` and returns a client carrying the session cookie.
    pub async fn login(&self, card: &str, password: &str) -> Api {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .expect("http client");
        let answer = http
            .post(self.url("/api/session"))
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::json!({ "card_no": card, "password": password }).to_string())
            .send()
            .await
            .expect("login request");
        assert!(answer.status().is_success(), "login refused");
        let cookie = answer
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("owf_session="))
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_owned();
        Api {
            http,
            base: self.base.clone(),
            token: cookie,
        }
    }
}

impl Drop for Owf {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An API client with a session.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    /// The `owf_session` cookie's value.
    pub token: String,
}

impl Api {
    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let answer = request
            .header(COOKIE, format!("owf_session={}", self.token))
            .send()
            .await
            .expect("request");
        let status = answer.status().as_u16();
        let body = answer.bytes().await.expect("response body");
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        )
        .await
    }
}

/// A temp folder for one database, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(prefix: &str) -> Self {
        Self(owf_e2e::temp_dir(prefix))
    }

    /// `sqlite:` URL of a database file in this folder.
    pub fn sqlite_url(&self) -> String {
        format!("sqlite:{}/owf.db", self.0.display())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh database on the PostgreSQL server of `admin_url` (`OWF_TEST_PG_URL`); its URL.
pub async fn postgres_database(admin_url: &str, name: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut admin)
        .await
        .expect("drop database");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    let base = admin_url.rsplit_once('/').expect("database in url").0;
    format!("{base}/{name}")
}

/// The version and durability settings of the PostgreSQL server at `admin_url`, as it reports
/// them.
pub async fn postgres_settings(admin_url: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    let mut settings = Vec::new();
    for name in [
        "server_version",
        "fsync",
        "synchronous_commit",
        "full_page_writes",
        "wal_sync_method",
        "shared_buffers",
    ] {
        let value: String = sqlx::query_scalar(&format!("SHOW {name}"))
            .fetch_one(&mut admin)
            .await
            .expect("SHOW setting");
        settings.push(format!("{name} = {value}"));
    }
    settings.join(", ")
}
