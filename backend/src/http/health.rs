//! `GET /healthz`: a readiness check — `ok` while the database takes writes, 503 with the reason
//! while it does not ([`crate::store::readiness`]).

use axum::extract::State;

use super::{AppError, AppState};

/// 就绪检查：数据库可写入时答 ok，否则 503
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "运维",
    responses((status = OK, description = "可写入", body = String, content_type = "text/plain"))
)]
pub async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state.store.check_writable().await?;
    Ok("ok")
}
