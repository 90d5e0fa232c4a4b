//! `GET /healthz`: a readiness check — `ok` while the database takes writes, 503 with the reason
//! while it does not ([`crate::store::readiness`]).

use axum::extract::State;

use super::{AppError, AppState};

pub async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state.store.check_writable().await?;
    Ok("ok")
}
