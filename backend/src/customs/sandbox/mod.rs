//! The customs sandbox: a stand-in for China Customs' side of the message exchange, as its own
//! axum router with its own store (see [`store`]).
//!
//! * `POST /messages` — a declaration in its JSON envelope. A guid seen before gets the same
//!   acknowledgement again and is never judged twice. A new message is judged ([`review`]) and
//!   stored with its receipts in one transaction, then acknowledged. An envelope that cannot be
//!   read is refused with 400.
//! * `GET /receipts?after=N&limit=M` — receipts issued after sequence number N: 120 海关入库
//!   after `received_delay`, the verdict (399 审核通过 / 100 退单) after `verdict_delay`, or at
//!   once an OWH900 format-error receipt with a negative code.
//! * `GET|PUT /admin/faults` — the fault knobs, answered only to loopback peers.

pub mod review;
pub mod store;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;
use serde::{Deserialize, Serialize};

use self::store::{AcceptedMessage, PlannedReceipt, SandboxStore};
use super::envelope::{
    Ack, Envelope, IssuedReceipt, ReceiptPage, ReceiptQuery, MESSAGES_PATH, RECEIPTS_PATH,
};
use super::message::{c17, MessageType};
use crate::store::{now_ms, Store, StoreError};

/// Largest accepted envelope (the message with its proof documents).
pub const MAX_ENVELOPE_BYTES: usize = 64 << 20;
/// Most receipts in one page.
const MAX_PAGE: i64 = 1000;

/// Faults to inject, for tests and demos.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Added to every answer, in milliseconds (for a message, after it is stored).
    pub latency_ms: u64,
    /// Share of requests (0–1) answered 500 without doing anything.
    pub error_rate: f64,
    /// Share of new messages (0–1) processed and stored but whose acknowledgement is lost
    /// (answered 503, so the sender must send again).
    pub drop_ack_rate: f64,
    /// Answer everything 503, as if customs were down.
    pub down: bool,
}

/// Sandbox settings.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// From acceptance to the 120 海关入库 receipt.
    pub received_delay: Duration,
    /// From acceptance to the verdict receipt.
    pub verdict_delay: Duration,
    pub faults: Faults,
}

impl SandboxConfig {
    /// The defaults `owf serve` documents: 入库 after about 1 s, the verdict after about 3 s,
    /// no faults.
    pub const DEFAULT: SandboxConfig = SandboxConfig {
        received_delay: Duration::from_secs(1),
        verdict_delay: Duration::from_secs(3),
        faults: Faults {
            latency_ms: 0,
            error_rate: 0.0,
            drop_ack_rate: 0.0,
            down: false,
        },
    };
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The sandbox service: store, settings and the live fault knobs.
#[derive(Clone)]
pub struct Sandbox {
    store: SandboxStore,
    config: Arc<SandboxConfig>,
    faults: Arc<RwLock<Faults>>,
}

#[derive(Debug, thiserror::Error)]
enum SandboxError {
    #[error("{0}")]
    Refused(String),
    #[error("仅允许本机访问")]
    NotLocal,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        match self {
            Self::Refused(why) => (StatusCode::BAD_REQUEST, why).into_response(),
            Self::NotLocal => (StatusCode::FORBIDDEN, self.to_string()).into_response(),
            Self::Store(e) => {
                tracing::error!(error = %e, "customs sandbox store failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "海关系统内部错误").into_response()
            }
        }
    }
}

fn chance(rate: f64) -> bool {
    rate > 0.0 && rand::thread_rng().gen::<f64>() < rate
}

impl Sandbox {
    pub fn new(store: Store, config: SandboxConfig) -> Self {
        let faults = Arc::new(RwLock::new(config.faults.clone()));
        Self {
            store: SandboxStore::new(store),
            config: Arc::new(config),
            faults,
        }
    }

    pub fn store(&self) -> &SandboxStore {
        &self.store
    }

    pub fn faults(&self) -> Faults {
        self.faults.read().expect("faults lock").clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.faults.write().expect("faults lock") = faults;
    }

    /// The sandbox's routes, to serve alone or to nest under `/customs-sandbox`.
    pub fn router(&self) -> Router {
        Router::new()
            .route(MESSAGES_PATH, post(receive))
            .route(RECEIPTS_PATH, get(receipts))
            .route("/admin/faults", get(read_faults).put(write_faults))
            .layer(DefaultBodyLimit::max(MAX_ENVELOPE_BYTES))
            .with_state(self.clone())
    }

    /// Down and random errors, common to every request.
    fn injected_fault(&self) -> Option<Response> {
        let faults = self.faults();
        if faults.down {
            return Some((StatusCode::SERVICE_UNAVAILABLE, "海关系统维护中").into_response());
        }
        if chance(faults.error_rate) {
            return Some(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "海关系统繁忙（注入故障）",
                )
                    .into_response(),
            );
        }
        None
    }

    /// The injected latency. A message's answer is delayed after the message is stored, so a
    /// sender that times out or dies meanwhile loses an acknowledgement of a processed message.
    async fn delay(&self) {
        let latency = self.faults().latency_ms;
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
    }

    /// The message's receipts: a format error at once; else 入库 and the verdict, each strictly
    /// later than the one before so receipt times order them.
    fn plan(&self, verdict: i32, info: &str, now: i64) -> Vec<PlannedReceipt> {
        if verdict < 0 {
            return vec![PlannedReceipt {
                return_status: verdict,
                return_info: info.to_owned(),
                due_at: now,
            }];
        }
        let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let received = now + millis(self.config.received_delay);
        let decided = (now + millis(self.config.verdict_delay)).max(received + 1);
        vec![
            PlannedReceipt {
                return_status: 120,
                return_info: "海关入库成功".into(),
                due_at: received,
            },
            PlannedReceipt {
                return_status: verdict,
                return_info: info.to_owned(),
                due_at: decided,
            },
        ]
    }
}

fn ack_response(ack: String) -> Response {
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        ack,
    )
        .into_response()
}

async fn receive(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Response, SandboxError> {
    if let Some(fault) = sandbox.injected_fault() {
        return Ok(fault);
    }
    let envelope: Envelope = serde_json::from_slice(&body)
        .map_err(|e| SandboxError::Refused(format!("报文信封格式错误：{e}")))?;
    let head = &envelope.message.message_head;
    let guid = head.message_id.clone();
    if guid.len() != 36 {
        return Err(SandboxError::Refused(format!(
            "报文编号 MessageId 必须为 36 位：{guid}"
        )));
    }
    let message_type = MessageType::from_code(&head.message_type)
        .filter(|t| matches!(t, MessageType::Registration | MessageType::Warehouse))
        .ok_or_else(|| SandboxError::Refused(format!("不支持的报文类型 {}", head.message_type)))?;
    let xml = envelope
        .xml()
        .ok_or_else(|| SandboxError::Refused("报文体 data 不是 UTF-8 报文的 base64".into()))?;
    if let Some(ack) = sandbox.store.repeat_delivery(&guid).await? {
        sandbox.delay().await;
        return Ok(ack_response(ack));
    }
    let judgement = review::judge(
        &sandbox.store,
        message_type,
        &guid,
        &xml,
        &envelope.message.message_body.files,
    )
    .await?;
    let now = now_ms();
    let ack = serde_json::to_string(&Ack {
        message_id: guid.clone(),
        received_at: c17(now),
        info: "报文已接收".into(),
    })
    .expect("an acknowledgement serialises");
    let message = AcceptedMessage {
        receipts: sandbox.plan(judgement.verdict, &judgement.info, now),
        guid: guid.clone(),
        message_type,
        cop_code: judgement.cop_code,
        apply_no: judgement.apply_no,
        trade_modes: judgement.trade_modes,
        verdict: judgement.verdict,
        verdict_info: judgement.info,
    };
    if !sandbox.store.accept(&message, &ack, now).await? {
        let ack = sandbox.store.repeat_delivery(&guid).await?.unwrap_or(ack);
        return Ok(ack_response(ack));
    }
    sandbox.delay().await;
    if chance(sandbox.faults().drop_ack_rate) {
        return Ok((StatusCode::SERVICE_UNAVAILABLE, "回执丢失（注入故障）").into_response());
    }
    Ok(ack_response(ack))
}

async fn receipts(
    State(sandbox): State<Sandbox>,
    Query(query): Query<ReceiptQuery>,
) -> Result<Response, SandboxError> {
    sandbox.delay().await;
    if let Some(fault) = sandbox.injected_fault() {
        return Ok(fault);
    }
    sandbox.store.issue_due_receipts(now_ms()).await?;
    let page = sandbox
        .store
        .receipts_after(query.after, query.limit.clamp(1, MAX_PAGE))
        .await?;
    Ok(Json(ReceiptPage {
        receipts: page
            .into_iter()
            .map(|(seq, receipt)| IssuedReceipt {
                seq,
                xml: receipt.to_document(),
            })
            .collect(),
    })
    .into_response())
}

/// Only a direct loopback peer may turn the knobs (not one relayed by a local proxy).
fn is_local(peer: SocketAddr, headers: &HeaderMap) -> bool {
    let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    peer.ip().is_loopback() && !proxied
}

async fn read_faults(
    State(sandbox): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Faults>, SandboxError> {
    if !is_local(peer, &headers) {
        return Err(SandboxError::NotLocal);
    }
    Ok(Json(sandbox.faults()))
}

async fn write_faults(
    State(sandbox): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(faults): Json<Faults>,
) -> Result<Json<Faults>, SandboxError> {
    if !is_local(peer, &headers) {
        return Err(SandboxError::NotLocal);
    }
    tracing::info!(?faults, "customs sandbox faults changed");
    sandbox.set_faults(faults.clone());
    Ok(Json(faults))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_direct_loopback_peers_turn_the_knobs() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let v6: SocketAddr = "[::1]:5000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        let none = HeaderMap::new();
        assert!(is_local(local, &none));
        assert!(is_local(v6, &none));
        assert!(!is_local(remote, &none));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", "192.0.2.7".parse().unwrap());
        assert!(!is_local(local, &proxied));
    }
}
