//! Cross-origin rules: the API answers its own origin and an allow-list (a static frontend
//! hosted elsewhere on the same site); state-changing requests from any other origin are refused.

use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::{AppError, AppState};

/// CORS with credentials for the allow-listed origins only.
pub fn cors(allowed: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = allowed
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([CONTENT_TYPE])
}

/// Refuses a state-changing request whose `Origin` is neither this server nor allow-listed.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        if let Some(origin) = req.headers().get(ORIGIN).and_then(|o| o.to_str().ok()) {
            let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
            let same_origin = host.is_some_and(|h| {
                origin
                    .strip_prefix("http://")
                    .or_else(|| origin.strip_prefix("https://"))
                    == Some(h)
            });
            let listed = state.config.allowed_origins.iter().any(|o| o == origin);
            if !same_origin && !listed {
                return AppError::ForbiddenOrigin.into_response();
            }
        }
    }
    next.run(req).await
}
