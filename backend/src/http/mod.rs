//! The HTTP surface: `/api` (JSON), `/healthz`, `/metrics`, and the built frontend with SPA
//! fallback.

mod amendments;
mod assets;
mod attachments;
mod booking_declarations;
mod booking_orders;
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
use axum::{middleware, Router};
use tokio::sync::Semaphore;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub use booking_orders::IMPORTS_AT_ONCE;
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
    /// What bounds login ([`HttpConfig::login_attempts_per_minute`]).
    login_limits: session::LoginLimits,
    /// The slots of the 订仓单 line files read at once ([`booking_orders::IMPORTS_AT_ONCE`]).
    imports: Arc<Semaphore>,
}

impl AppState {
    pub fn new(store: Store, config: HttpConfig) -> Self {
        Self {
            keys: SigningKeys::new(store.clone()),
            login_limits: session::LoginLimits::new(&config),
            imports: Arc::new(Semaphore::new(booking_orders::IMPORTS_AT_ONCE)),
            store,
            config: Arc::new(config),
        }
    }
}

/// Every route of the server with its OpenAPI description: `routes!` registers a handler and
/// its `#[utoipa::path]` together ([`openapi`] serves the description), and `tests/routes.rs`
/// fails on a route the description lacks.
pub fn routes() -> OpenApiRouter<AppState> {
    let warehouses = warehouses::routes()
        .routes(routes!(warehouses::eligible))
        .routes(
            routes!(attachments::upload)
                .layer(DefaultBodyLimit::max(owf_shared::proof::MAX_FILE_BYTES + 1)),
        )
        .routes(routes!(attachments::download, attachments::remove));
    let api = OpenApiRouter::new()
        .routes(routes!(session::login, session::whoami, session::logout))
        .routes(routes!(session::refresh))
        .nest("/registrations", registrations::routes())
        .nest("/warehouses", warehouses)
        .nest(
            "/booking-orders",
            booking_orders::routes().merge(booking_declarations::routes()),
        )
        .routes(routes!(query::filings))
        .routes(routes!(codes::serve))
        .routes(routes!(openapi::serve))
        // Unknown API paths: 401 without a session (nothing is revealed), else 404.
        .fallback(|_: CurrentUser| async { AppError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(assets::compress_json());
    OpenApiRouter::with_openapi(openapi::base())
        .nest("/api", api)
        .routes(routes!(health::healthz))
        .routes(routes!(metrics::metrics))
}

/// The whole application: API, health check, metrics and the frontend from `dist`.
pub fn router(state: AppState, dist: &Path) -> Router {
    let [csp, nosniff, referrer] = headers::layers(dist);
    Router::from(routes())
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .fallback_service(assets::frontend(dist))
        .layer(middleware::from_fn_with_state(state.clone(), origin::guard))
        .layer(origin::cors(&state.config.allowed_origins))
        .layer(csp)
        .layer(nosniff)
        .layer(referrer)
        .layer(headers::hsts(state.config.secure_cookies))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .with_state(state)
}
