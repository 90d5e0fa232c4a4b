//! The HTTP surface: `/api` (JSON), `/healthz`, and the built frontend with SPA fallback.

mod error;
mod origin;
mod session;

use std::path::Path;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{middleware, Router};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub use error::{AppError, AppJson};
pub use session::{LOCK_MINUTES, MAX_FAILED_LOGINS};

use crate::auth::CurrentUser;
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
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<HttpConfig>,
}

/// The whole application: API, health check and the frontend from `dist`.
pub fn router(state: AppState, dist: &Path) -> Router {
    let api = Router::new()
        .route(
            "/session",
            post(session::login)
                .get(session::whoami)
                .delete(session::logout),
        )
        // Unknown API paths: 401 without a session (nothing is revealed), else 404.
        .fallback(|_: CurrentUser| async { AppError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let spa = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    Router::new()
        .nest("/api", api)
        .route("/healthz", get(|| async { "ok" }))
        .fallback_service(spa)
        .layer(middleware::from_fn_with_state(state.clone(), origin::guard))
        .layer(origin::cors(&state.config.allowed_origins))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
