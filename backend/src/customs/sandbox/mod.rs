//! The customs sandbox: a stand-in for China Customs' side of the message exchange, as its own
//! axum router with its own store (see [`store`]).
//!
//! * `POST /messages` — a declaration in its JSON envelope. A guid seen before gets the same
//!   acknowledgement again and is never judged twice. A new message is judged ([`review`]) and
//!   stored with its receipts in one transaction, then acknowledged. An envelope that cannot be
//!   read is refused with 400.
//! * `GET /receipts?after=N&limit=M` — receipts issued after sequence number N: 120 海关入库
//!   after `received_delay`, the verdict (399 审核通过 / 100 退单) after `verdict_delay`, or at
//!   once an OWH900 format-error receipt with a negative code. A 订仓单 (CEB303) is answered
//!   once, in CEB304: 120 海关入库 or 100 退单 after `received_delay`, a negative code at once.
//! * `GET|PUT /admin/faults` — the fault knobs; values out of range are refused with 422.
//!
//! Every route answers only a caller presenting the shared secret (`Authorization: Bearer …`,
//! compared in constant time), else 401: the relay, or an operator who holds the secret.
//! Message bodies being received at once are bounded ([`INTAKE_BUDGET_BYTES`]); beyond that a
//! message is answered 503 and the relay sends it again later.

pub mod order_review;
pub mod review;
pub mod store;

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use owf_shared::proof::{MAX_FILES, MAX_FILE_BYTES};
use rand::Rng;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use self::store::{AcceptedMessage, PlannedReceipt, SandboxStore};
use super::envelope::{
    Ack, Envelope, IssuedReceipt, ReceiptPage, ReceiptQuery, MESSAGES_PATH, RECEIPTS_PATH,
};
use super::message::MessageType;
use crate::clock::{c17, now_ms};
use crate::store::{Store, StoreError};

/// The length of the base64 of `bytes` bytes.
const fn base64_len(bytes: usize) -> usize {
    bytes.div_ceil(3) * 4
}

/// The largest signed XML message (its proof documents travel beside it, not inside).
const MAX_XML_BYTES: usize = super::xml::MAX_DOCUMENT_BYTES;
/// The rest of an envelope: its head, the JSON syntax, each document's name and type.
const ENVELOPE_OVERHEAD_BYTES: usize = 64 << 10;
/// Largest accepted envelope: the XML and the most proof documents of the largest size, each
/// base64 in the JSON — 11,184,812 + 20 × 13,981,016 + 65,536 = 290,870,668 bytes (277 MiB).
pub const MAX_ENVELOPE_BYTES: usize =
    base64_len(MAX_XML_BYTES) + MAX_FILES * base64_len(MAX_FILE_BYTES) + ENVELOPE_OVERHEAD_BYTES;
/// Message bodies received and judged at once, in bytes: one envelope of the largest size, or
/// many ordinary ones (a few KiB each). A message that would exceed it is answered 503.
pub const INTAKE_BUDGET_BYTES: usize = MAX_ENVELOPE_BYTES;
/// Largest body of the other routes (the fault knobs).
const MAX_SMALL_BODY_BYTES: usize = 1 << 10;
/// Longest latency the fault knob accepts, in milliseconds.
pub const MAX_LATENCY_MS: u64 = 60_000;
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

/// Whether `rate` is a share between 0 and 1.
pub fn is_rate(rate: f64) -> bool {
    (0.0..=1.0).contains(&rate)
}

impl Faults {
    /// What is wrong with these knobs, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.latency_ms > MAX_LATENCY_MS {
            return Some(format!("latency_ms 不能超过 {MAX_LATENCY_MS} 毫秒"));
        }
        [
            ("error_rate", self.error_rate),
            ("drop_ack_rate", self.drop_ack_rate),
        ]
        .into_iter()
        .find(|(_, rate)| !is_rate(*rate))
        .map(|(name, rate)| format!("{name} 必须是 0 到 1 之间的比例，收到 {rate}"))
    }
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

/// The sandbox service: store, settings, the live fault knobs, the shared secret and the
/// message intake budget.
#[derive(Clone)]
pub struct Sandbox {
    store: SandboxStore,
    config: Arc<SandboxConfig>,
    faults: Arc<RwLock<Faults>>,
    secret: Arc<str>,
    intake: Arc<Semaphore>,
}

#[derive(Debug, thiserror::Error)]
enum SandboxError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Invalid(String),
    #[error("缺少或错误的海关接口密钥")]
    Unauthorized,
    #[error("海关系统繁忙，请稍后重发")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        match self {
            Self::Refused(why) => (StatusCode::BAD_REQUEST, why).into_response(),
            Self::Invalid(why) => (StatusCode::UNPROCESSABLE_ENTITY, why).into_response(),
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                [(WWW_AUTHENTICATE, "Bearer")],
                self.to_string(),
            )
                .into_response(),
            Self::Busy => (StatusCode::SERVICE_UNAVAILABLE, self.to_string()).into_response(),
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
    /// The sandbox answering only callers that present `secret`.
    pub fn new(store: Store, config: SandboxConfig, secret: &str) -> Self {
        let faults = Arc::new(RwLock::new(config.faults.clone()));
        Self {
            store: SandboxStore::new(store),
            config: Arc::new(config),
            faults,
            secret: secret.into(),
            intake: Arc::new(Semaphore::new(INTAKE_BUDGET_BYTES)),
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

    /// The sandbox's routes, with the secret required and the security headers on every one.
    pub fn router(&self) -> Router {
        let [csp, nosniff, referrer] = crate::headers::api_layers();
        Router::new()
            .route(
                MESSAGES_PATH,
                post(receive)
                    .layer::<_, Infallible>(middleware::from_fn_with_state(
                        self.clone(),
                        within_budget,
                    ))
                    .layer(DefaultBodyLimit::max(MAX_ENVELOPE_BYTES)),
            )
            .route(RECEIPTS_PATH, get(receipts))
            .route("/admin/faults", get(read_faults).put(write_faults))
            .layer(DefaultBodyLimit::max(MAX_SMALL_BODY_BYTES))
            .layer(middleware::from_fn_with_state(self.clone(), authorised))
            .layer(csp)
            .layer(nosniff)
            .layer(referrer)
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

    /// The message's receipts: a format error at once; a 订仓单's one answer after
    /// `received_delay`; else 入库 and the verdict, each strictly later than the one before so
    /// receipt times order them.
    fn plan(
        &self,
        message_type: MessageType,
        verdict: i32,
        info: &str,
        now: i64,
    ) -> Vec<PlannedReceipt> {
        let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let received = now + millis(self.config.received_delay);
        if verdict < 0 || message_type == MessageType::Order {
            return vec![PlannedReceipt {
                return_status: verdict,
                return_info: info.to_owned(),
                due_at: if verdict < 0 { now } else { received },
            }];
        }
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

/// Lets through only a caller presenting the shared secret.
async fn authorised(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if bool::from(presented.as_bytes().ct_eq(sandbox.secret.as_bytes())) {
        next.run(request).await
    } else {
        SandboxError::Unauthorized.into_response()
    }
}

/// Holds a message's share of the intake budget (its declared length; the largest envelope when
/// it declares none) while it is received and judged; 503 when the budget is spent.
async fn within_budget(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok())
        .unwrap_or(MAX_ENVELOPE_BYTES)
        .min(MAX_ENVELOPE_BYTES);
    let share = u32::try_from(declared).expect("the largest envelope fits in u32");
    match sandbox.intake.clone().try_acquire_many_owned(share) {
        Ok(_share) => next.run(request).await,
        Err(_) => SandboxError::Busy.into_response(),
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
        .filter(|t| {
            matches!(
                t,
                MessageType::Registration | MessageType::Warehouse | MessageType::Order
            )
        })
        .ok_or_else(|| SandboxError::Refused(format!("不支持的报文类型 {}", head.message_type)))?;
    let xml = envelope
        .xml()
        .ok_or_else(|| SandboxError::Refused("报文体 data 不是 UTF-8 报文的 base64".into()))?;
    if let Some(ack) = sandbox.store.repeat_delivery(&guid).await? {
        sandbox.delay().await;
        return Ok(ack_response(ack));
    }
    let judgement = if message_type == MessageType::Order {
        order_review::judge(&sandbox.store, &guid, &xml).await?
    } else {
        review::judge(
            &sandbox.store,
            message_type,
            &guid,
            &xml,
            &envelope.message.message_body.files,
        )
        .await?
    };
    let now = now_ms();
    let ack = serde_json::to_string(&Ack {
        message_id: guid.clone(),
        received_at: c17(now),
        info: "报文已接收".into(),
    })
    .expect("an acknowledgement serialises");
    let message = AcceptedMessage {
        receipts: sandbox.plan(message_type, judgement.verdict, &judgement.info, now),
        guid: guid.clone(),
        message_type,
        cop_code: judgement.cop_code,
        apply_no: judgement.apply_no,
        ebp_code: judgement.ebp_code,
        app_type: judgement.app_type,
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

async fn read_faults(State(sandbox): State<Sandbox>) -> Json<Faults> {
    Json(sandbox.faults())
}

async fn write_faults(
    State(sandbox): State<Sandbox>,
    Json(faults): Json<Faults>,
) -> Result<Json<Faults>, SandboxError> {
    if let Some(problem) = faults.problem() {
        return Err(SandboxError::Invalid(problem));
    }
    tracing::info!(?faults, "customs sandbox faults changed");
    sandbox.set_faults(faults.clone());
    Ok(Json(faults))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_knobs_out_of_range_are_named() {
        assert_eq!(Faults::default().problem(), None);
        let bad_rate = Faults {
            error_rate: -5.0,
            ..Faults::default()
        };
        assert!(bad_rate.problem().unwrap().contains("error_rate"));
        let not_a_number = Faults {
            drop_ack_rate: f64::NAN,
            ..Faults::default()
        };
        assert!(not_a_number.problem().unwrap().contains("drop_ack_rate"));
        let too_slow = Faults {
            latency_ms: MAX_LATENCY_MS + 1,
            ..Faults::default()
        };
        assert!(too_slow.problem().unwrap().contains("latency_ms"));
    }
}
