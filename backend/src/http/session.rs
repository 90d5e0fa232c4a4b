//! `/api/session`: login (IC卡号 + password), who am I, extending the login, logout.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{AppendHeaders, IntoResponse, Response};
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
    state
        .store
        .create_session(&session::token_hash(&token), user_id, ends(&state, now))
        .await?;
    signed_in(&state, &token).await
}

/// When a session begun or extended `now` ends.
fn ends(state: &AppState, now: i64) -> i64 {
    now + state.config.session_hours * 3_600_000
}

/// The answer that hands the session `token` to the browser until the session ends.
async fn signed_in(state: &AppState, token: &str) -> Result<impl IntoResponse, AppError> {
    let info = state
        .store
        .session(&session::token_hash(token))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let max_age = (info.expires_at - now_ms()) / 1000;
    let secure = state.config.secure_cookies;
    let cookies = [
        (SET_COOKIE, session::set_cookie(token, max_age, secure)),
        (SET_COOKIE, session::hint_cookie(max_age, secure)),
    ];
    Ok((AppendHeaders(cookies), Json(info)))
}

/// 当前用户与企业
#[utoipa::path(
    get,
    path = "/session",
    tag = "会话",
    responses((status = OK, description = "当前会话", body = SessionInfo))
)]
pub async fn whoami(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
) -> Response {
    match user {
        Ok(user) => Json(user.session).into_response(),
        // The browser holds no login (any more): its cookie and the login hint go, so that its
        // next pages do not preload the screens after login.
        Err(AppError::Unauthenticated) => (
            AppendHeaders(session::clear_cookies(state.config.secure_cookies)),
            AppError::Unauthenticated,
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// 延长登录
///
/// Moves the end of the current session to one session length from now; an ended session
/// cannot be extended (401).
#[utoipa::path(
    post,
    path = "/session/refresh",
    tag = "会话",
    responses((
        status = OK,
        description = "已延长：会话到期时间 expires_at 后移",
        body = SessionInfo,
        headers(("set-cookie" = String, description = "owf_session=…; Max-Age 随之延长"))
    ))
)]
pub async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> Result<impl IntoResponse, AppError> {
    let token = session::token_from(&headers).ok_or(AppError::Unauthenticated)?;
    let extended = state
        .store
        .extend_session(&user.token_hash, ends(&state, now_ms()))
        .await?;
    if !extended {
        return Err(AppError::Unauthenticated);
    }
    signed_in(&state, &token).await
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
        AppendHeaders(session::clear_cookies(state.config.secure_cookies)),
        Json(serde_json::json!({})),
    ))
}
