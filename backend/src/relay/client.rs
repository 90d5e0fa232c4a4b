//! The HTTP client of customs: deliver a message, read the receipt stream. Every call has a
//! timeout; failures are sorted into transient (retry) and permanent (give up).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};

use crate::customs::envelope::{
    Ack, Envelope, ReceiptPage, ReceiptQuery, MAX_ANSWER_BYTES, MESSAGES_PATH, RECEIPTS_PATH,
};

/// Why a call to customs failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomsError {
    /// Connection refused, timeout, 5xx, 408/429, an unreadable answer: worth retrying.
    #[error("{0}")]
    Transient(String),
    /// Any other 4xx: customs refused the message; sending it again would not help.
    #[error("{0}")]
    Permanent(String),
}

/// Where customs is: its base URL, and the shared secret sent on every call as
/// `Authorization: Bearer …` (the customs sandbox requires it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomsEndpoint {
    pub url: String,
    pub secret: Option<String>,
}

/// The customs endpoint at a base URL.
#[derive(Debug, Clone)]
pub struct CustomsClient {
    http: reqwest::Client,
    base: String,
}

fn transport(e: reqwest::Error) -> CustomsError {
    let kind = if e.is_timeout() {
        "连接海关超时"
    } else if e.is_connect() {
        "无法连接海关"
    } else {
        "与海关通信失败"
    };
    CustomsError::Transient(format!("{kind}：{e}"))
}

/// The body of an answer, read up to [`MAX_ANSWER_BYTES`] and refused beyond.
async fn read_answer(mut response: reqwest::Response) -> Result<String, CustomsError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(CustomsError::Transient(format!(
                "海关应答超过 {} MiB 上限",
                MAX_ANSWER_BYTES >> 20
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

impl CustomsClient {
    pub fn new(customs: &CustomsEndpoint, timeout: Duration) -> Result<Self, reqwest::Error> {
        let mut headers = HeaderMap::new();
        if let Some(secret) = &customs.secret {
            let mut bearer = HeaderValue::from_str(&format!("Bearer {secret}"))
                .expect("the secret is printable ASCII");
            bearer.set_sensitive(true);
            headers.insert(AUTHORIZATION, bearer);
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .default_headers(headers)
            .build()?;
        Ok(Self {
            http,
            base: customs.url.trim_end_matches('/').to_owned(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Delivers a message; customs' acknowledgement on success.
    pub async fn send(&self, envelope: &Envelope) -> Result<Ack, CustomsError> {
        let body = serde_json::to_vec(envelope).expect("an envelope serialises");
        let response = self
            .http
            .post(format!("{}{MESSAGES_PATH}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let text = read_answer(response).await?;
        if status.is_success() {
            return serde_json::from_str(&text)
                .map_err(|e| CustomsError::Transient(format!("海关确认无法解析：{e}")));
        }
        let detail = format!("HTTP {}：{}", status.as_u16(), text.trim());
        let transient = status.is_server_error()
            || status == reqwest::StatusCode::REQUEST_TIMEOUT
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
        Err(if transient {
            CustomsError::Transient(format!("海关暂时不可用（{detail}）"))
        } else {
            CustomsError::Permanent(format!("海关拒收报文（{detail}）"))
        })
    }

    /// Receipts issued after sequence number `after`, each item as it came.
    pub async fn receipts(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<ReceiptPage<serde_json::Value>, CustomsError> {
        let response = self
            .http
            .get(format!("{}{RECEIPTS_PATH}", self.base))
            .query(&ReceiptQuery { after, limit })
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let text = read_answer(response).await?;
        if !status.is_success() {
            return Err(CustomsError::Transient(format!(
                "读取海关回执失败（HTTP {}：{}）",
                status.as_u16(),
                text.trim()
            )));
        }
        serde_json::from_str(&text)
            .map_err(|e| CustomsError::Transient(format!("海关回执列表无法解析：{e}")))
    }
}
