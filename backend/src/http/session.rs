//! `/api/session`: login (IC卡号 + password), who am I, logout.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum::Json;
use owf_shared::api::{LoginRequest, SessionInfo};
use time::{format_description::well_known::Rfc3339, OffsetDateTime, UtcOffset};

use super::{AppError, AppJson, AppState};
use crate::auth::{password, session, CurrentUser};
use crate::store::now_ms;

/// Consecutive failures that lock an account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

pub async fn login(
    State(state): State<AppState>,
    AppJson(req): AppJson<LoginRequest>,
) -> Result<impl IntoResponse, AppError> {
    let card_no = req.card_no.trim();
    let Some(mut creds) = state.store.credentials(card_no).await? else {
        // As slow as a wrong password, so timing does not tell which cards exist.
        verify_off_runtime(req.password, unknown_card_hash().to_owned()).await;
        return Err(AppError::BadCredentials);
    };
    let now = now_ms();
    match creds.locked_until {
        Some(until) if until > now => return Err(locked(until)),
        Some(_) => {
            state.store.unlock_user(card_no).await?;
            creds.failed_logins = 0;
        }
        None => {}
    }
    if !verify_off_runtime(req.password, creds.password_hash.clone()).await {
        let lock_until = now + LOCK_MINUTES * 60_000;
        return match state
            .store
            .record_failed_login(creds.user_id, MAX_FAILED_LOGINS, lock_until)
            .await?
        {
            Some(until) => Err(locked(until)),
            None => Err(AppError::BadCredentials),
        };
    }
    if creds.failed_logins > 0 {
        state.store.unlock_user(card_no).await?;
    }
    let token = session::new_token();
    let max_age = state.config.session_hours * 3600;
    state
        .store
        .create_session(
            &session::token_hash(&token),
            creds.user_id,
            now + max_age * 1000,
        )
        .await?;
    let info = state
        .store
        .session(&session::token_hash(&token))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok((
        [(SET_COOKIE, session::set_cookie(&token, max_age))],
        Json(info),
    ))
}

/// Checks a password on the blocking pool: argon2id is deliberately slow and would otherwise
/// hold up every other request on this runtime thread.
async fn verify_off_runtime(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password::verify(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A hash to verify against when the card is unknown.
fn unknown_card_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| password::hash("owf: no such card"))
}

fn locked(until_ms: i64) -> AppError {
    let beijing = UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    let until = OffsetDateTime::from_unix_timestamp(until_ms / 1000)
        .map(|t| t.to_offset(beijing))
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .map(|s| s.replace('T', " ").trim_end_matches("+08:00").to_owned())
        .unwrap_or_default();
    AppError::Locked { until }
}

pub async fn whoami(user: CurrentUser) -> Json<SessionInfo> {
    Json(user.session)
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<impl IntoResponse, AppError> {
    state.store.delete_session(&user.token_hash).await?;
    Ok(([session::clear_cookie()], Json(serde_json::json!({}))))
}
