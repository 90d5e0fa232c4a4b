//! The logged-in user of a request, from its session cookie.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use owf_shared::api::SessionInfo;

use super::{AppError, AppState};
use crate::auth::session::{token_from, token_hash};

/// The logged-in user of a request: every `/api` handler that takes this is scoped to
/// `session.enterprise`. Without a valid session the request gets 401.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub session: SessionInfo,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = token_from(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let token_hash = token_hash(&token);
        let session = state
            .store
            .session(&token_hash)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok(Self {
            session,
            token_hash,
        })
    }
}
