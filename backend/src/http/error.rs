//! The one mapping from errors to HTTP responses: every failure is `{ code, message, fields }`.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header::RETRY_AFTER;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use owf_shared::api::ApiError;
use serde::de::DeserializeOwned;

use crate::customs::keys::KeyError;
use crate::store::readiness::Unwritable;
use crate::store::StoreError;
use owf_shared::api::lockout_rule;

/// When to try an import again after [`AppError::TooManyImports`] (s): a file takes well under a
/// second to read.
const IMPORT_RETRY_SECS: u64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请求格式错误：{0}")]
    BadRequest(String),
    #[error("请先登录")]
    Unauthenticated,
    /// The one answer for an unknown card, a wrong password and a locked card alike.
    #[error("IC卡号或密码错误（{}）", lockout_rule())]
    BadCredentials,
    #[error("登录请求过多，请 {} 秒后再试", retry_after_secs(*.retry_after))]
    TooManyLogins { retry_after: Duration },
    #[error("正在读取其他导入的文件，请 {IMPORT_RETRY_SECS} 秒后再试")]
    TooManyImports,
    #[error("请求来源不被允许")]
    ForbiddenOrigin,
    #[error("记录不存在或无权查看")]
    NotFound,
    #[error("此地址不支持该请求方法")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("请求未在时限内完成（请求内容发送过慢），请重试")]
    RequestTimeout,
    #[error("填写内容有误，请按提示修改")]
    Validation(BTreeMap<String, String>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Unavailable(#[from] Unwritable),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Self::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            Self::TooManyLogins { .. } | Self::TooManyImports => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests")
            }
            Self::ForbiddenOrigin => (StatusCode::FORBIDDEN, "forbidden_origin"),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            Self::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            Self::Store(_) | Self::Key(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        // A 503 says what is unavailable; other server errors only that one happened.
        let message = if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = %self, "request failed");
            "服务器内部错误，请稍后重试；数据未丢失".to_owned()
        } else {
            self.to_string()
        };
        let retry_after = match &self {
            Self::TooManyLogins { retry_after } => Some(retry_after_secs(*retry_after)),
            Self::TooManyImports => Some(IMPORT_RETRY_SECS),
            _ => None,
        };
        let fields = match self {
            Self::Validation(fields) => fields,
            _ => BTreeMap::new(),
        };
        let body = ApiError {
            code: code.to_owned(),
            message,
            fields,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Whole seconds to wait, at least one.
fn retry_after_secs(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis().div_ceil(1000))
        .unwrap_or(u64::MAX)
        .max(1)
}

/// A JSON body whose rejections (malformed, wrong types, too large) become `AppError`s.
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::PayloadTooLarge(
                    "请求内容超过上限（一般请求 1 MiB，订仓单 16 MiB）".to_owned(),
                ))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::BadRequest(
                "请求体必须是 JSON（Content-Type: application/json）".to_owned(),
            )),
            Err(rejection) => Err(AppError::BadRequest(rejection.body_text())),
        }
    }
}

/// A URL query whose rejection (wrong types, bad values) becomes a JSON 400. A NUL character
/// (`%00`) is refused too: no condition or file name holds one, and PostgreSQL cannot compare it.
pub struct AppQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for AppQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if parts.uri.query().is_some_and(|q| q.contains("%00")) {
            return Err(AppError::BadRequest("请求参数不能包含 NUL 字符".to_owned()));
        }
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
    }
}
