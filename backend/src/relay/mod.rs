//! The customs relay: a worker inside `owf serve` that delivers the outbox to customs and
//! applies customs' receipts (回执).
//!
//! Sending: claim due outbox rows under a lease ([`Store::claim_outbox`]), call customs outside
//! any database transaction, record each outcome in a short transaction
//! ([`Store::record_delivery`]). Acknowledged → 发送海关成功; transient failure → retry with
//! capped exponential backoff and jitter while the filing stays 申报中; refused (4xx) or out of
//! attempts → 发送海关失败 with the reason. A relay that dies mid-send leaves its rows leased; when
//! the lease runs out another (or the restarted) relay sends them again, and customs, deduping by
//! guid, acknowledges without processing twice.
//!
//! A declaration's proof documents are the ones frozen with it: each is checked against the hash
//! and size recorded at declaration before it is sent, and a missing or changed one fails the
//! message for good with the reason — customs never gets other content than was declared.
//!
//! Receiving: read the receipt stream after the stored cursor and apply each receipt once
//! ([`Store::apply_receipt`]), then move the cursor. A receipt that cannot be read — an item that
//! does not parse, an unknown status, a missing guid — is kept as a dead letter with its raw text
//! ([`Store::add_dead_receipt`], counted in `/metrics`) and the cursor moves past it.
//!
//! Tests step it with [`Relay::send_due`] and [`Relay::pull_receipts`].

pub mod backoff;
pub mod client;

use std::sync::Arc;
use std::time::Duration;

use owf_shared::status::ReceiptStatus;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;

use self::backoff::Backoff;
use self::client::{CustomsClient, CustomsEndpoint, CustomsError};
use crate::customs::envelope::{Ack, Envelope, FileData, IssuedReceipt, MessageHead, RECEIVER_ID};
use crate::customs::message::Receipt;
use crate::customs::xml::Element;
use crate::store::attachments::FrozenAttachment;
use crate::store::filings::display_time;
use crate::store::outbox::{
    ClaimedMessage, DeadReceipt, Delivery, IncomingReceipt, ReceiptApplied,
};
use crate::store::{now_ms, Store, StoreError};

/// Relay settings.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Attempts before a message is given up as 发送海关失败.
    pub max_attempts: u32,
    pub backoff: Backoff,
    /// How long a claim is exclusive; longer than `request_timeout`.
    pub lease: Duration,
    /// Pause when there is nothing to do.
    pub poll_interval: Duration,
    /// Messages claimed (and sent concurrently) at once.
    pub batch_size: u32,
    /// Timeout of every call to customs.
    pub request_timeout: Duration,
}

impl RelayConfig {
    /// The defaults `owf serve` documents.
    pub const DEFAULT: RelayConfig = RelayConfig {
        max_attempts: 8,
        backoff: Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
        },
        lease: Duration::from_secs(30),
        poll_interval: Duration::from_millis(200),
        batch_size: 32,
        request_timeout: Duration::from_secs(10),
    };
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("HTTP 客户端无法创建：{0}")]
    Client(#[from] reqwest::Error),
    #[error(transparent)]
    Customs(#[from] CustomsError),
    #[error("发送任务异常结束：{0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("待发送的报文无法读取：{0}")]
    Unreadable(#[from] crate::customs::xml::XmlError),
    #[error("申报时的证明材料（编号 {0}）已不存在，报文未发送")]
    MissingDocument(i64),
    #[error("证明材料“{0}”的内容与申报时记录的校验值或大小不符，报文未发送")]
    ChangedDocument(String),
}

/// A frozen document's content, if it is still what the declaration recorded.
fn checked_file(frozen: FrozenAttachment) -> Result<FileData, RelayError> {
    let file = frozen
        .file
        .ok_or(RelayError::MissingDocument(frozen.attachment_id))?;
    let sha256 = hex::encode(Sha256::digest(&file.content));
    if sha256 != frozen.sha256 || file.content.len() as u64 != frozen.size {
        return Err(RelayError::ChangedDocument(file.file_name));
    }
    Ok(FileData::new(file.file_name, file.doc_type, &file.content))
}

/// An item of the receipt stream that cannot be applied: its text and why.
struct Unreadable {
    raw: String,
    reason: String,
}

/// The receipt an item of the receipt stream carries.
fn read_receipt(item: &Value) -> Result<IncomingReceipt, Unreadable> {
    let issued = IssuedReceipt::deserialize(item).map_err(|e| Unreadable {
        raw: item.to_string(),
        reason: format!("回执条目格式错误：{e}"),
    })?;
    let unreadable = |reason: String| Unreadable {
        raw: issued.xml.clone(),
        reason,
    };
    let receipt =
        Receipt::parse(&issued.xml).map_err(|e| unreadable(format!("回执报文无法解析：{e}")))?;
    let return_status = ReceiptStatus::from_code(receipt.return_status)
        .ok_or_else(|| unreadable(format!("未知的回执状态 {}", receipt.return_status)))?;
    Ok(IncomingReceipt {
        receipt_id: receipt.receipt_id,
        guid: receipt.guid,
        return_status,
        return_time: receipt.return_time,
        return_info: receipt.return_info,
    })
}

/// One relay worker.
#[derive(Clone)]
pub struct Relay {
    store: Store,
    client: CustomsClient,
    config: Arc<RelayConfig>,
    /// Lease owner name of this worker.
    owner: String,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Relay {
    /// A relay sending to customs at `customs_url`.
    pub fn new(
        store: Store,
        customs: &CustomsEndpoint,
        config: RelayConfig,
    ) -> Result<Self, RelayError> {
        let client = CustomsClient::new(customs, config.request_timeout)?;
        let owner = format!(
            "relay-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        );
        Ok(Self {
            store,
            client,
            config: Arc::new(config),
            owner,
        })
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Claims the due messages (one batch), delivers them concurrently and records each
    /// outcome. Returns how many were claimed.
    pub async fn send_due(&self) -> Result<usize, RelayError> {
        let lease_until = now_ms() + millis(self.config.lease);
        let claimed = self
            .store
            .claim_outbox(&self.owner, lease_until, i64::from(self.config.batch_size))
            .await?;
        let count = claimed.len();
        let mut tasks = JoinSet::new();
        for message in claimed {
            let relay = self.clone();
            tasks.spawn(async move { relay.deliver(message).await });
        }
        let mut first_error = None;
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = done.map_err(RelayError::from).and_then(|r| r) {
                tracing::warn!(error = %e, "recording a delivery failed; the lease will expire and it is sent again");
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(count),
        }
    }

    /// Delivers one claimed message and records the outcome.
    async fn deliver(&self, message: ClaimedMessage) -> Result<(), RelayError> {
        let delivery = match self.envelope(&message).await {
            Ok(envelope) => self.outcome(&message, self.client.send(&envelope).await),
            Err(
                e @ (RelayError::Unreadable(_)
                | RelayError::MissingDocument(_)
                | RelayError::ChangedDocument(_)),
            ) => Delivery::Failed {
                error: e.to_string(),
            },
            Err(other) => return Err(other),
        };
        match &delivery {
            Delivery::Delivered => {
                tracing::debug!(guid = %message.guid, attempt = message.attempt, "delivered")
            }
            Delivery::Retry { error, .. } => {
                tracing::info!(guid = %message.guid, attempt = message.attempt, %error, "delivery failed; will retry")
            }
            Delivery::Failed { error } => {
                tracing::warn!(guid = %message.guid, attempt = message.attempt, %error, "delivery failed for good")
            }
        }
        if !self.store.record_delivery(&message, &delivery).await? {
            tracing::info!(guid = %message.guid, "delivery outcome not recorded: the claim is no longer current");
        }
        Ok(())
    }

    /// What a send's result means for the message: delivered, retry later, or give up.
    fn outcome(&self, message: &ClaimedMessage, sent: Result<Ack, CustomsError>) -> Delivery {
        let error = match sent {
            Ok(ack) if ack.message_id == message.guid => return Delivery::Delivered,
            Ok(ack) => format!(
                "海关确认的报文编号 {} 与发送的 {} 不符",
                ack.message_id, message.guid
            ),
            Err(CustomsError::Permanent(why)) => return Delivery::Failed { error: why },
            Err(CustomsError::Transient(why)) => why,
        };
        if message.attempt >= i64::from(self.config.max_attempts) {
            Delivery::Failed {
                error: format!("已尝试 {} 次仍未送达海关：{error}", message.attempt),
            }
        } else {
            let wait = self.config.backoff.random_delay(message.attempt);
            Delivery::Retry {
                at: now_ms() + millis(wait),
                error,
            }
        }
    }

    /// The transport envelope: the signed XML and the proof documents frozen with it.
    async fn envelope(&self, message: &ClaimedMessage) -> Result<Envelope, RelayError> {
        let sender = Element::parse(&message.payload)?
            .find("BaseTransfer")?
            .text_of("dxpId")?;
        let files = self
            .store
            .frozen_attachments(message.id)
            .await?
            .into_iter()
            .map(checked_file)
            .collect::<Result<_, _>>()?;
        let head = MessageHead {
            message_id: message.guid.clone(),
            message_type: message.message_type.clone(),
            sender_id: sender,
            receiver_id: RECEIVER_ID.to_owned(),
            send_time: display_time(now_ms()),
            version: "1.0".to_owned(),
        };
        Ok(Envelope::new(head, &message.payload, files))
    }

    /// Reads one page of receipts after the cursor, applies them in order and keeps the
    /// unreadable ones as dead letters. Returns how many it moved the cursor past.
    pub async fn pull_receipts(&self) -> Result<usize, RelayError> {
        const PAGE: i64 = 500;
        let cursor = self.store.receipt_cursor().await?;
        let page = self.client.receipts(cursor, PAGE).await?;
        let mut read = cursor;
        let mut passed = 0;
        let mut result = Ok(());
        for item in &page.receipts {
            if let Err(e) = self.take(item).await {
                result = Err(e);
                break;
            }
            if let Some(seq) = item
                .get("seq")
                .and_then(Value::as_i64)
                .filter(|s| *s > read)
            {
                read = seq;
                passed += 1;
            }
        }
        if read > cursor {
            self.store.advance_receipt_cursor(read).await?;
        }
        result.map(|()| passed)
    }

    /// Applies one item of the receipt stream, or keeps it as a dead letter.
    async fn take(&self, item: &Value) -> Result<(), RelayError> {
        match read_receipt(item) {
            Ok(receipt) => {
                let (id, guid) = (receipt.receipt_id.clone(), receipt.guid.clone());
                if let ReceiptApplied::Ignored(why) = self.store.apply_receipt(receipt).await? {
                    tracing::warn!(receipt = %id, %guid, %why, "receipt not applied");
                }
            }
            Err(Unreadable { raw, reason }) => {
                let seq = item.get("seq").and_then(Value::as_i64);
                tracing::error!(?seq, %reason, "unreadable receipt kept as a dead letter");
                let dead = DeadReceipt {
                    seq,
                    digest: hex::encode(Sha256::digest(item.to_string())),
                    raw,
                    reason,
                };
                self.store.add_dead_receipt(&dead).await?;
            }
        }
        Ok(())
    }

    /// Sends and receives until the task is dropped.
    pub async fn run(self) {
        tracing::info!(customs = %self.client.base(), owner = %self.owner, "customs relay started");
        let poll = self.config.poll_interval;
        let sending = async {
            loop {
                match self.send_due().await {
                    // Idle: the next poll, or sooner when a declaration is written here.
                    Ok(0) => {
                        tokio::select! {
                            () = tokio::time::sleep(poll) => {}
                            () = self.store.outbox_written() => {}
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "relay send round failed");
                        tokio::time::sleep(poll).await;
                    }
                }
            }
        };
        let receiving = async {
            loop {
                match self.pull_receipts().await {
                    Ok(0) => tokio::time::sleep(poll).await,
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "reading customs receipts failed");
                        tokio::time::sleep(poll).await;
                    }
                }
            }
        };
        tokio::join!(sending, receiving);
    }
}
