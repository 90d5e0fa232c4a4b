//! The HTTP surface: `/api` (JSON), `/healthz`, `/metrics`, and the built frontend with SPA
//! fallback.

mod amendments;
mod attachments;
mod codes;
mod current_user;
mod error;
mod filings;
mod health;
mod metrics;
pub mod openapi;
mod origin;
mod query;
mod registrations;
mod session;
mod warehouses;

use std::path::Path;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use owf_shared::form::{RegistrationForm, WarehouseForm};

use self::filings::FilingForm;
use axum::{middleware, Router};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub use current_user::CurrentUser;
pub use error::{AppError, AppJson, AppQuery};
pub use session::{LOCK_MINUTES, MAX_FAILED_LOGINS};

use crate::customs::keys::SigningKeys;
use crate::headers;
use crate::store::Store;

/// Largest accepted JSON body.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Settings the handlers need.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// How long a login lasts.
    pub session_hours: i64,
    /// Other origins (scheme://host:port) allowed to call the API with credentials.
    pub allowed_origins: Vec<String>,
    /// Login attempts per client address and minute.
    pub login_attempts_per_minute: u32,
    /// Served over HTTPS: the session cookie gets `Secure`, responses get HSTS.
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The enterprises' signing keys, for declaring.
    pub keys: SigningKeys,
    pub config: Arc<HttpConfig>,
}

impl AppState {
    pub fn new(store: Store, config: HttpConfig) -> Self {
        Self {
            keys: SigningKeys::new(store.clone()),
            store,
            config: Arc::new(config),
        }
    }
}

/// The whole application: API, health check and the frontend from `dist`.
pub fn router(state: AppState, dist: &Path) -> Router {
    let api = Router::new()
        .route("/session", session::routes(&state.config))
        .nest("/registrations", filing_routes::<RegistrationForm>())
        .nest(
            "/warehouses",
            filing_routes::<WarehouseForm>()
                .route("/eligibility", get(warehouses::eligible))
                .route(
                    "/{id}/attachments",
                    post(attachments::upload)
                        .layer(DefaultBodyLimit::max(owf_shared::proof::MAX_FILE_BYTES + 1)),
                )
                .route(
                    "/{id}/attachments/{attachment_id}",
                    get(attachments::download).delete(attachments::remove),
                ),
        )
        .route("/filings", get(query::filings))
        .route("/codes", get(codes::serve))
        .route("/openapi.json", get(openapi::serve))
        // Unknown API paths: 401 without a session (nothing is revealed), else 404.
        .fallback(|_: CurrentUser| async { AppError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let spa = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    let [csp, nosniff, referrer] = headers::layers(dist);
    Router::new()
        .nest("/api", api)
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .fallback_service(spa)
        .layer(middleware::from_fn_with_state(state.clone(), origin::guard))
        .layer(origin::cors(&state.config.allowed_origins))
        .layer(csp)
        .layer(nosniff)
        .layer(referrer)
        .layer(headers::hsts(state.config.secure_cookies))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The routes of one filing kind: list/create, read/update/delete, declare, and the 变更, 注销
/// and versions of an approved filing.
fn filing_routes<F: FilingForm>() -> Router<AppState> {
    Router::new()
        .route("/", get(filings::list::<F>).post(filings::create::<F>))
        .route(
            "/{id}",
            get(filings::read::<F>)
                .put(filings::update::<F>)
                .delete(filings::delete::<F>),
        )
        .route("/{id}/declare", post(filings::declare::<F>))
        .route("/{id}/change", post(amendments::open_change::<F>))
        .route("/{id}/cancel", post(amendments::cancel::<F>))
        .route("/{id}/versions", get(amendments::versions::<F>))
}
