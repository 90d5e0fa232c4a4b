//! Test harness: the real router over a fresh, migrated database — a SQLite temp file, or a
//! new database on the PostgreSQL server named by `OWF_TEST_PG_URL` (the Makefile starts one).

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use owf_backend::http::{router, AppState, HttpConfig};
use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::Store;
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    pub store: Store,
    router: Router,
    _dir: Option<TempDir>,
}

/// A folder removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique(prefix: &str) -> String {
    use rand::Rng;
    format!(
        "{prefix}_{}_{:08x}",
        std::process::id(),
        rand::thread_rng().gen::<u32>()
    )
}

pub async fn sqlite() -> TestApp {
    let dir = TempDir(std::env::temp_dir().join(unique("owf_test")));
    let url = format!("sqlite:{}/owf.db", dir.0.display());
    let store = Store::connect(&url)
        .await
        .expect("sqlite store")
        .with_key_encryption(KeyEncryptionKey::demo());
    TestApp::new(store, Some(dir))
}

/// `None` when no PostgreSQL is configured, unless `OWF_REQUIRE_PG` says it must be.
pub async fn postgres() -> Option<TestApp> {
    let Ok(admin_url) = std::env::var("OWF_TEST_PG_URL") else {
        assert!(
            std::env::var_os("OWF_REQUIRE_PG").is_none(),
            "OWF_REQUIRE_PG is set but OWF_TEST_PG_URL is not"
        );
        eprintln!("skipped: OWF_TEST_PG_URL not set (make test starts PostgreSQL)");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = unique("owf_test");
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let base = admin_url.rsplit_once('/').expect("database in url").0;
    let store = Store::connect(&format!("{base}/{name}"))
        .await
        .expect("postgres store")
        .with_key_encryption(KeyEncryptionKey::demo());
    Some(TestApp::new(store, None))
}

impl TestApp {
    pub fn new(store: Store, dir: Option<TempDir>) -> Self {
        let state = AppState::new(
            store.clone(),
            HttpConfig {
                session_hours: 8,
                allowed_origins: vec!["http://static.test:9000".into()],
                // In-process requests have no client address and share one bucket.
                login_attempts_per_minute: 1000,
                secure_cookies: false,
            },
        );
        let router = router(state, std::path::Path::new("/nonexistent-dist"));
        Self {
            store,
            router,
            _dir: dir,
        }
    }

    /// Sends a request; returns status, the `Set-Cookie` session token if any, and the JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        cookie: Option<&str>,
        origin: Option<&str>,
    ) -> (StatusCode, Option<String>, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(token) = cookie {
            req = req.header(header::COOKIE, format!("owf_session={token}"));
        }
        if let Some(origin) = origin {
            req = req
                .header(header::ORIGIN, origin)
                .header(header::HOST, "owf.test");
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_owned())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let token = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("owf_session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .filter(|t| !t.is_empty());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, token, json)
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> (StatusCode, Value) {
        let (s, _, v) = self.send(Method::GET, path, None, cookie, None).await;
        (s, v)
    }

    /// Sends JSON (or nothing) as the logged-in user `token`; returns status and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: &str,
    ) -> (StatusCode, Value) {
        let body = body.map(|b| b.to_string());
        let (status, _, json) = self
            .send(method, path, body.as_deref(), Some(token), None)
            .await;
        (status, json)
    }

    /// Sends raw bytes (a file upload) as the logged-in user `token`.
    pub async fn upload(&self, path: &str, bytes: Vec<u8>, token: &str) -> (StatusCode, Value) {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, format!("owf_session={token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::CONTENT_LENGTH, bytes.len())
            .body(Body::from(bytes))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Status, headers and raw response bytes of a GET as the logged-in user `token`.
    pub async fn download(&self, path: &str, token: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let req = Request::builder()
            .uri(path)
            .header(header::COOKIE, format!("owf_session={token}"))
            .body(Body::empty())
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        (
            status,
            headers,
            res.into_body().collect().await.unwrap().to_bytes().to_vec(),
        )
    }

    /// Number of rows in `table` (to prove a refused request changed nothing).
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// Test setup only: puts a filing into `status` as if customs had answered.
    pub async fn force_status(&self, filing_id: i64, status: i64) {
        sqlx::query("UPDATE filings SET status = $1, version = version + 1 WHERE id = $2")
            .bind(status)
            .bind(filing_id)
            .execute(self.store.write_pool())
            .await
            .unwrap();
    }

    /// Logs in and returns the session token.
    pub async fn login(&self, card_no: &str, password: &str) -> String {
        let body = serde_json::json!({ "card_no": card_no, "password": password }).to_string();
        let (status, token, json) = self
            .send(Method::POST, "/api/session", Some(&body), None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "login failed: {json}");
        token.expect("login sets the session cookie")
    }
}

/// Runs each listed test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::common::sqlite().await).await
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                if let Some(app) = super::common::postgres().await {
                    super::$name(app).await
                }
            })*
        }
    };
}

pub const ZONE_CARD: &str = "8944030000001";
pub const ZONE_PASSWORD: &str = "zone-demo-2026";
pub const PLAIN_CARD: &str = "8933010000002";
pub const PLAIN_PASSWORD: &str = "plain-demo-2026";

/// Seeds the two demo enterprises and users.
pub async fn with_demo(app: TestApp) -> TestApp {
    owf_backend::demo::seed(&app.store)
        .await
        .expect("demo seed");
    app
}

pub fn ok(status: StatusCode) -> bool {
    status == StatusCode::OK
}
