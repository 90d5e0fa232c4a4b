//! The harness: the real router over a fresh, migrated database — a SQLite temp file, or a new
//! database on the PostgreSQL server named by `OWF_TEST_PG_URL` (`scripts/with-postgres.sh`
//! starts one) — with raw requests for the tests about the wire, and logins that give a
//! [`User`] for the typed calls.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use owf_backend::http::{router, AppState, HttpConfig};
use owf_backend::store::Store;
use owf_shared::api::LoginRequest;
use owf_shared::fixtures::Account;
use owf_shared::status::Status;
use serde_json::Value;
use tower::ServiceExt;

use crate::common::database::{self, TempDir};
use crate::user::User;

/// Runs each listed test body (an `async fn(TestApp)`) against SQLite and against PostgreSQL,
/// as `sqlite::<name>` and `postgres::<name>` ([`postgres_only`]). A name may carry `#[tokio::test]` arguments:
/// `name(flavor = "multi_thread", worker_threads = 4)`.
macro_rules! both_databases {
    ($($name:ident $(($($runtime:tt)*))?),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test$(($($runtime)*))?]
            async fn $name() {
                super::$name($crate::helpers::sqlite().await).await
            })+
        }
        $crate::helpers::postgres_only!($($name $(($($runtime)*))?),+);
    };
}
pub(crate) use both_databases;

/// Runs each listed test body (an `async fn(TestApp)`) against PostgreSQL only, as
/// `postgres::<name>`: ignored unless included (`-- --include-ignored`), which
/// `scripts/with-postgres.sh` makes possible; included without a server, they fail.
macro_rules! postgres_only {
    ($($name:ident $(($($runtime:tt)*))?),+ $(,)?) => {
        mod postgres {
            $(#[tokio::test$(($($runtime)*))?]
            #[ignore = "needs PostgreSQL: run under scripts/with-postgres.sh with `-- --include-ignored`"]
            async fn $name() {
                super::$name($crate::helpers::postgres().await).await
            })+
        }
    };
}
pub(crate) use postgres_only;

/// `OWF_REQUIRE_PG` (`scripts/with-postgres.sh` sets it) means the PostgreSQL variants must run:
/// a run that leaves them out as ignored fails here.
#[test]
fn the_postgres_variants_run_where_postgres_is_required() {
    if std::env::var_os("OWF_REQUIRE_PG").is_some() {
        assert!(
            std::env::args().any(|arg| arg == "--include-ignored"),
            "OWF_REQUIRE_PG is set but the PostgreSQL tests are left out: pass -- --include-ignored"
        );
    }
}

/// The real router over a migrated database, and that database's store.
pub struct TestApp {
    /// The database's URL.
    pub url: String,
    pub store: Store,
    /// The app; cloned to send a request whose answer is not awaited.
    pub router: Router,
    _dir: Option<TempDir>,
}

fn unique(prefix: &str) -> String {
    use rand::Rng;
    format!(
        "{prefix}_{}_{:08x}",
        std::process::id(),
        rand::thread_rng().gen::<u32>()
    )
}

/// The app on a new SQLite file.
pub async fn sqlite() -> TestApp {
    let dir = TempDir(std::env::temp_dir().join(unique("owf_test")));
    let url = dir.sqlite_url();
    TestApp::connect(url, Some(dir)).await
}

/// The app on a new database of the test PostgreSQL server.
pub async fn postgres() -> TestApp {
    let admin_url = std::env::var("OWF_TEST_PG_URL")
        .expect("OWF_TEST_PG_URL is not set: run under scripts/with-postgres.sh");
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
    TestApp::connect(format!("{base}/{name}"), None).await
}

impl TestApp {
    /// The router with the harness's HTTP settings ([`TestApp::config`]) over the migrated
    /// database at `url`, which lives in `dir` if given.
    pub async fn connect(url: String, dir: Option<TempDir>) -> Self {
        let store = database::connect(&url).await;
        let router = Self::router(&store, Self::config());
        Self {
            url,
            store,
            router,
            _dir: dir,
        }
    }

    /// The harness's HTTP settings: one allowed foreign origin, no login limit to speak of.
    pub fn config() -> HttpConfig {
        HttpConfig {
            session_hours: 8,
            allowed_origins: vec!["http://static.test:9000".into()],
            // In-process requests have no client address and share one bucket.
            login_attempts_per_minute: 1000,
            secure_cookies: false,
        }
    }

    /// The app over `store` with other HTTP settings, serving no frontend.
    pub fn router(store: &Store, config: HttpConfig) -> Router {
        router(
            AppState::new(store.clone(), config),
            std::path::Path::new("/nonexistent-dist"),
        )
    }

    /// Seeds the two demo enterprises and users ([`owf_shared::fixtures::ZONE`], `PLAIN`).
    pub async fn with_demo(self) -> Self {
        owf_backend::demo::seed(&self.store)
            .await
            .expect("demo seed");
        self
    }

    /// Sends `request`; returns status, headers and body.
    pub async fn answer(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
        let res = self.router.clone().oneshot(request).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes)
    }

    /// Sends a request with a JSON body (or none), the session `cookie` and an `Origin`; returns
    /// status, the `Set-Cookie` session token if any, and the JSON body (`Null` if none).
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
        let (status, headers, bytes) = self.answer(req).await;
        let token = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("owf_session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .filter(|t| !t.is_empty());
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, token, json)
    }

    /// A GET with the session `cookie`; status and JSON body.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> (StatusCode, Value) {
        let (s, _, v) = self.send(Method::GET, path, None, cookie, None).await;
        (s, v)
    }

    /// A login with `card_no` and `password`; status, session token and JSON body.
    pub async fn try_login(
        &self,
        card_no: &str,
        password: &str,
    ) -> (StatusCode, Option<String>, Value) {
        let body = serde_json::to_string(&LoginRequest {
            card_no: card_no.to_owned(),
            password: password.to_owned(),
        })
        .unwrap();
        self.send(Method::POST, "/api/session", Some(&body), None, None)
            .await
    }

    /// Logs in as `account`, which must succeed.
    pub async fn login(&self, account: &Account) -> User<'_> {
        let (status, token, json) = self.try_login(account.card_no, account.password).await;
        assert_eq!(status, StatusCode::OK, "login failed: {json}");
        User::new(self, token.expect("login sets the session cookie"))
    }

    /// `/healthz`: status and text.
    pub async fn healthz(&self) -> (StatusCode, String) {
        let (status, _, body) = self
            .answer(Request::get("/healthz").body(Body::empty()).unwrap())
            .await;
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// The value of the `/metrics` line `name`.
    pub async fn metric(&self, name: &str) -> i64 {
        let (status, _, body) = self
            .answer(Request::get("/metrics").body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8(body.to_vec()).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("{name} missing in {text}"))
            .parse()
            .unwrap()
    }

    /// Number of rows in `table` (to prove a refused request changed nothing).
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    /// Test setup only: puts a filing into `status` as if customs had answered.
    pub async fn force_status(&self, filing_id: i64, status: Status) {
        sqlx::query("UPDATE filings SET status = $1, version = version + 1 WHERE id = $2")
            .bind(i64::from(status.code()))
            .bind(filing_id)
            .execute(self.store.write_pool())
            .await
            .unwrap();
    }
}
