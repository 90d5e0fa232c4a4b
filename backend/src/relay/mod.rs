//! The customs relay: a worker inside `owf serve` that delivers the outbox to customs and
//! applies customs' receipts (回执).
//!
//! Sending: claim a batch of due outbox rows under a lease, with the proof documents frozen with
//! them ([`Store::claim_outbox`]), call customs for all of them at once outside any database
//! transaction, record the batch's outcomes in one transaction ([`Store::record_deliveries`]).
//! While a batch is in flight the next one is claimed, up to
//! [`RelayConfig::batches_in_flight`]. An idle relay wakes when a declaration writes a message
//! (in this process, or on PostgreSQL in any server sharing the database), else at its next
//! poll. Acknowledged → 发送海关成功; transient failure → retry with
//! capped exponential backoff and jitter while the filing stays 申报中; refused (4xx) or out of
//! attempts → 发送海关失败 with the reason. A relay that dies mid-send leaves its rows leased; when
//! the lease runs out another (or the restarted) relay sends them again, and customs, deduping by
//! guid, acknowledges without processing twice.
//!
//! A declaration's proof documents are the ones frozen with it: each is checked against the hash
//! and size recorded at declaration before it is sent, and a missing or changed one fails the
//! message for good with the reason — customs never gets other content than was declared.
//!
//! Receiving: read a page of the receipt stream after the stored cursor and take it in one
//! transaction ([`Store::take_receipts`]): each receipt applied once, the cursor moved past the
//! page. A receipt that cannot be read — an item that does not parse, an unknown status, a
//! missing guid — is kept as a dead letter with its raw text (counted in `/metrics`) and the
//! cursor moves past it. Should a batch's or a page's transaction fail, its items are recorded
//! one at a time, so that one that cannot be recorded holds back no other.
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
use crate::clock::{display_time, now_ms};
use crate::customs::envelope::{Ack, Envelope, FileData, IssuedReceipt, MessageHead, RECEIVER_ID};
use crate::customs::message::Receipt;
use crate::customs::xml::Element;
use crate::store::attachments::FrozenAttachment;
use crate::store::outbox::{
    Claim, ClaimedMessage, DeadReceipt, Delivery, IncomingReceipt, ReceiptApplied, ReceiptItem,
};
use crate::store::{Store, StoreError};

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
    /// Batches being sent at once: the next is claimed while the ones before are in flight.
    pub batches_in_flight: u32,
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
        batches_in_flight: 2,
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
fn checked_file(frozen: &FrozenAttachment) -> Result<FileData, RelayError> {
    let file = frozen
        .file
        .as_ref()
        .ok_or(RelayError::MissingDocument(frozen.attachment_id))?;
    let sha256 = hex::encode(Sha256::digest(&file.content));
    if sha256 != frozen.sha256 || file.content.len() as u64 != frozen.size {
        return Err(RelayError::ChangedDocument(file.file_name.clone()));
    }
    Ok(FileData::new(
        file.file_name.clone(),
        file.doc_type.clone(),
        &file.content,
    ))
}

/// An item of the receipt stream that cannot be applied: its text and why.
struct Unreadable {
    raw: String,
    reason: String,
}

/// An item of the receipt stream: the receipt it carries, or a dead letter.
fn read_item(item: &Value) -> ReceiptItem {
    match read_receipt(item) {
        Ok(receipt) => ReceiptItem::Readable(receipt),
        Err(Unreadable { raw, reason }) => {
            let seq = item.get("seq").and_then(Value::as_i64);
            tracing::error!(?seq, %reason, "unreadable receipt kept as a dead letter");
            ReceiptItem::Unreadable(DeadReceipt {
                seq,
                digest: hex::encode(Sha256::digest(item.to_string())),
                raw,
                reason,
            })
        }
    }
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

    /// Claims one batch of due messages, delivers them concurrently and records their outcomes
    /// in one transaction. Returns how many were claimed.
    pub async fn send_due(&self) -> Result<usize, RelayError> {
        let claimed = self.claim().await?;
        let count = claimed.len();
        self.deliver(claimed).await?;
        Ok(count)
    }

    async fn claim(&self) -> Result<Vec<ClaimedMessage>, RelayError> {
        let lease_until = now_ms() + millis(self.config.lease);
        Ok(self
            .store
            .claim_outbox(&self.owner, lease_until, i64::from(self.config.batch_size))
            .await?)
    }

    /// Delivers a claimed batch, all at once, and records the outcomes.
    async fn deliver(&self, claimed: Vec<ClaimedMessage>) -> Result<(), RelayError> {
        if claimed.is_empty() {
            return Ok(());
        }
        let mut sends = JoinSet::new();
        for message in claimed {
            let relay = self.clone();
            sends.spawn(async move {
                let delivery = relay.attempt(&message).await;
                (message.claim(), delivery)
            });
        }
        let mut outcomes = Vec::with_capacity(sends.len());
        while let Some(sent) = sends.join_next().await {
            match sent {
                Ok(outcome) => outcomes.push(outcome),
                // Its lease runs out and it is sent again.
                Err(e) => tracing::error!(error = %e, "a delivery task failed"),
            }
        }
        outcomes.sort_by_key(|(claim, _)| claim.id);
        self.record(outcomes).await
    }

    /// Records a batch's outcomes in one transaction; should that fail, one at a time.
    async fn record(&self, outcomes: Vec<(Claim, Delivery)>) -> Result<(), RelayError> {
        if let Err(e) = self.record_now(outcomes.clone()).await {
            if outcomes.len() == 1 {
                return Err(e);
            }
            tracing::warn!(error = %e, "recording a batch of deliveries failed; recording them one at a time");
            let mut first_error = None;
            for outcome in outcomes {
                if let Err(e) = self.record_now(vec![outcome]).await {
                    tracing::warn!(error = %e, "recording a delivery failed; the lease will expire and it is sent again");
                    first_error.get_or_insert(e);
                }
            }
            return first_error.map_or(Ok(()), Err);
        }
        Ok(())
    }

    async fn record_now(&self, outcomes: Vec<(Claim, Delivery)>) -> Result<(), RelayError> {
        let guids: Vec<String> = outcomes.iter().map(|(c, _)| c.guid.clone()).collect();
        let recorded = self.store.record_deliveries(outcomes).await?;
        for (guid, current) in guids.iter().zip(recorded) {
            if !current {
                tracing::info!(%guid, "delivery outcome not recorded: the claim is no longer current");
            }
        }
        Ok(())
    }

    /// Sends one claimed message: what became of it.
    async fn attempt(&self, message: &ClaimedMessage) -> Delivery {
        let delivery = match self.envelope(message) {
            Ok(envelope) => self.outcome(message, self.client.send(&envelope).await),
            Err(e) => Delivery::Failed {
                error: e.to_string(),
            },
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
        delivery
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

    /// The transport envelope: the signed XML and the proof documents frozen with it, each
    /// checked against what the declaration recorded.
    fn envelope(&self, message: &ClaimedMessage) -> Result<Envelope, RelayError> {
        let sender = Element::parse(&message.payload)?
            .find("BaseTransfer")?
            .text_of("dxpId")?;
        let files = message
            .documents
            .iter()
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

    /// Reads one page of receipts after the cursor and takes it in one transaction: applies
    /// the receipts in order, keeps the unreadable ones as dead letters, moves the cursor past
    /// them. Returns how many it moved the cursor past.
    pub async fn pull_receipts(&self) -> Result<usize, RelayError> {
        const PAGE: i64 = 500;
        let cursor = self.store.receipt_cursor().await?;
        let page = self.client.receipts(cursor, PAGE).await?;
        // Each item with the cursor after it: the highest seq so far.
        let mut read = cursor;
        let mut passed = 0;
        let mut items = Vec::with_capacity(page.receipts.len());
        for item in &page.receipts {
            if let Some(seq) = item
                .get("seq")
                .and_then(Value::as_i64)
                .filter(|s| *s > read)
            {
                read = seq;
                passed += 1;
            }
            items.push((read_item(item), read));
        }
        if items.is_empty() {
            return Ok(0);
        }
        let (receipts, _): (Vec<ReceiptItem>, Vec<i64>) = items.iter().cloned().unzip();
        if let Err(e) = self.take(receipts, read).await {
            tracing::warn!(error = %e, "taking a page of receipts failed; taking them one at a time");
            for (item, after) in items {
                self.take(vec![item], after).await?;
            }
        }
        Ok(passed)
    }

    /// Takes receipt items in one transaction, moving the cursor to `cursor`.
    async fn take(&self, items: Vec<ReceiptItem>, cursor: i64) -> Result<(), RelayError> {
        let taken = self.store.take_receipts(items.clone(), cursor).await?;
        for (item, applied) in items.iter().zip(taken) {
            if let (ReceiptItem::Readable(receipt), Some(ReceiptApplied::Ignored(why))) =
                (item, applied)
            {
                tracing::warn!(receipt = %receipt.receipt_id, guid = %receipt.guid, %why, "receipt not applied");
            }
        }
        Ok(())
    }

    /// Claims and delivers batches until the task is dropped, up to
    /// [`RelayConfig::batches_in_flight`] at once; idle, it waits for a declaration or the
    /// next poll.
    async fn send_continuously(&self) {
        let poll = self.config.poll_interval;
        let depth = usize::try_from(self.config.batches_in_flight.max(1)).unwrap_or(1);
        let full = usize::try_from(self.config.batch_size).unwrap_or(usize::MAX);
        let mut in_flight = JoinSet::new();
        loop {
            if in_flight.len() < depth {
                match self.claim().await {
                    Ok(batch) if !batch.is_empty() => {
                        let more_due = batch.len() >= full;
                        let relay = self.clone();
                        in_flight.spawn(async move { relay.deliver(batch).await });
                        if more_due {
                            continue;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming messages to send failed");
                        tokio::time::sleep(poll).await;
                        continue;
                    }
                }
            }
            let room = in_flight.len() < depth;
            tokio::select! {
                Some(done) = in_flight.join_next() => {
                    if let Err(e) = done.map_err(RelayError::from).and_then(|r| r) {
                        tracing::warn!(error = %e, "recording a delivery failed; the lease will expire and it is sent again");
                    }
                }
                () = self.store.outbox_written(), if room => {}
                () = tokio::time::sleep(poll), if in_flight.is_empty() => {}
            }
        }
    }

    /// Sends and receives until the task is dropped.
    pub async fn run(self) {
        tracing::info!(customs = %self.client.base(), owner = %self.owner, "customs relay started");
        let poll = self.config.poll_interval;
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
        tokio::join!(
            self.send_continuously(),
            receiving,
            self.store.listen_for_outbox(poll)
        );
    }
}
