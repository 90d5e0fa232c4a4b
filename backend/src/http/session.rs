//! `/api/session`: login (IC卡号 + password), who am I, logout.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use owf_shared::api::{LoginRequest, SessionInfo};

use super::filings::check;
use super::{AppError, AppJson, AppState, CurrentUser, HttpConfig};
use crate::auth::password_checks::PasswordChecks;
use crate::auth::rate_limit::ClientRateLimit;
use crate::auth::session;
use crate::clock::now_ms;
use crate::store::accounts::Lockout;

pub use owf_shared::api::{LOCK_MINUTES, MAX_FAILED_LOGINS};
/// When to try again while every password check slot is taken.
const BUSY_RETRY: Duration = Duration::from_secs(1);
/// Expired sessions deleted by each login (bounded work; each login adds one session).
const PURGE_PER_LOGIN: i64 = 100;

/// What bounds login: attempts per client, and password checks at once.
#[derive(Clone)]
pub struct LoginLimits {
    clients: Arc<ClientRateLimit>,
    checks: Arc<PasswordChecks>,
}

impl LoginLimits {
    pub fn new(config: &HttpConfig) -> Self {
        Self {
            clients: Arc::new(ClientRateLimit::new(config.login_attempts_per_minute)),
            checks: Arc::default(),
        }
    }
}

/// 登录（IC卡号 + 密码）
///
/// Every failure — unknown card, wrong password, locked card — gets the same answer after the
/// same work (one password check), so the answer does not tell which cards exist or are locked.
#[utoipa::path(
    post,
    path = "/session",
    tag = "会话",
    request_body = LoginRequest,
    responses((
        status = OK,
        description = "已登录：会话 cookie owf_session",
        body = SessionInfo,
        headers(("set-cookie" = String, description = "owf_session=…; HttpOnly; SameSite=Strict"))
    ))
)]
pub async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    AppJson(req): AppJson<LoginRequest>,
) -> Result<impl IntoResponse, AppError> {
    check(req.validate())?;
    let limits = &state.login_limits;
    let client = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    limits
        .clients
        .take(client)
        .map_err(|retry_after| AppError::TooManyLogins { retry_after })?;
    let check = limits.checks.reserve().ok_or(AppError::TooManyLogins {
        retry_after: BUSY_RETRY,
    })?;
    let now = now_ms();
    let lockout = Lockout {
        max_failures: MAX_FAILED_LOGINS,
        now,
        lock_until: now + LOCK_MINUTES * 60_000,
    };
    let attempt = state
        .store
        .count_login_attempt(req.card_no.trim(), lockout)
        .await?;
    let user_id = attempt.as_ref().map(|a| a.user_id);
    let matched = check
        .verify(req.password, attempt.map(|a| a.password_hash))
        .await;
    let Some(user_id) = user_id.filter(|_| matched) else {
        return Err(AppError::BadCredentials);
    };
    state.store.login_succeeded(user_id).await?;
    state.store.purge_expired_sessions(PURGE_PER_LOGIN).await?;
    let token = session::new_token();
    let max_age = state.config.session_hours * 3600;
    state
        .store
        .create_session(&session::token_hash(&token), user_id, now + max_age * 1000)
        .await?;
    let info = state
        .store
        .session(&session::token_hash(&token))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let cookie = session::set_cookie(&token, max_age, state.config.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Json(info)))
}

/// 当前用户与企业
#[utoipa::path(
    get,
    path = "/session",
    tag = "会话",
    responses((status = OK, description = "当前会话", body = SessionInfo))
)]
pub async fn whoami(user: CurrentUser) -> Json<SessionInfo> {
    Json(user.session)
}

/// 退出
#[utoipa::path(
    delete,
    path = "/session",
    tag = "会话",
    responses((status = OK, description = "已退出：会话 cookie 清除", body = Object))
)]
pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<impl IntoResponse, AppError> {
    state.store.delete_session(&user.token_hash).await?;
    Ok((
        [session::clear_cookie(state.config.secure_cookies)],
        Json(serde_json::json!({})),
    ))
}
