//! The one typed client of the owf API: JSON in and out, every failure as a readable message.

use gloo_net::http::{Request, RequestBuilder, Response};
use owf_shared::api::{ApiError, LoginRequest, SessionInfo};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a request failed, ready to show to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// HTTP status; 0 when the server could not be reached.
    pub status: u16,
    pub error: ApiError,
}

impl Failure {
    fn network() -> Self {
        Self {
            status: 0,
            error: ApiError {
                code: "network".into(),
                message: "无法连接服务器，请检查网络后重试；已填写的内容不会丢失".into(),
                fields: Default::default(),
            },
        }
    }

    pub fn message(&self) -> &str {
        &self.error.message
    }
}

fn url(path: &str) -> String {
    format!("/api{path}")
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, Failure> {
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|_| Failure::network());
    }
    let error = response
        .json::<ApiError>()
        .await
        .unwrap_or_else(|_| ApiError {
            code: "http".into(),
            message: format!("服务器返回错误（HTTP {status}），请稍后重试"),
            fields: Default::default(),
        });
    Err(Failure { status, error })
}

async fn send<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, Failure> {
    let request = request.map_err(|_| Failure::network())?;
    let response = request.send().await.map_err(|_| Failure::network())?;
    json(response).await
}

fn with_body(builder: RequestBuilder, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
    builder.json(body)
}

pub async fn login(request: &LoginRequest) -> Result<SessionInfo, Failure> {
    send(with_body(Request::post(&url("/session")), request)).await
}

pub async fn whoami() -> Result<SessionInfo, Failure> {
    send(Request::get(&url("/session")).build()).await
}

pub async fn logout() -> Result<serde_json::Value, Failure> {
    send(Request::delete(&url("/session")).build()).await
}
