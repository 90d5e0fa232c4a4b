//! The sandbox's own store: its `sandbox_*` tables (messages it accepted, receipts it will issue
//! and has issued) plus read access to the customs master data in `enterprises` (企业, their
//! public keys). It shares the database with owf — the enterprises table *is* the customs master
//! data that `owf admin enterprise add` maintains — but never touches owf's tables otherwise.

use std::sync::Arc;

use owf_shared::amendment::AppType;
use owf_shared::enterprise::EnterpriseInfo;
use sqlx::{AnyConnection, Row};

use super::super::message::{MessageType, Receipt};
use crate::clock::c17;
use crate::store::accounts::{enterprise_from_row, ENTERPRISE_COLUMNS};
use crate::store::{Store, StoreError};

/// An enterprise as customs knows it.
#[derive(Debug, Clone)]
pub struct MasterData {
    pub enterprise: EnterpriseInfo,
    /// SM2 public key of its certificate, hex SEC1.
    pub public_key: String,
}

/// One receipt to issue later.
#[derive(Debug, Clone)]
pub struct PlannedReceipt {
    pub return_status: i32,
    pub return_info: String,
    pub due_at: i64,
}

/// A message the sandbox has judged, to be stored with its acknowledgement and receipts.
#[derive(Debug, Clone)]
pub struct AcceptedMessage {
    pub guid: String,
    pub message_type: MessageType,
    pub cop_code: String,
    /// 申请编号, or the 订仓单编号 of a CEB303.
    pub apply_no: String,
    /// 电商平台代码 of a CEB303; empty for the OWH messages.
    pub ebp_code: String,
    /// 新增, 变更 or 注销
    pub app_type: AppType,
    /// 监管方式 of a registration (what later warehouses may use).
    pub trade_modes: Vec<String>,
    /// The final `returnStatus` (399, 100 or negative).
    pub verdict: i32,
    pub verdict_info: String,
    pub receipts: Vec<PlannedReceipt>,
}

/// A 订仓单 the sandbox holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldOrder {
    /// What its last accepted message asked: 新增, 变更, or 删除 (then it is deleted).
    pub app_type: AppType,
    /// Whether the 120 海关入库 of that message has been issued.
    pub taken_in: bool,
}

/// How often one message was received and how many receipts it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageStats {
    pub guid: String,
    pub deliveries: i64,
    pub receipts: i64,
    pub verdict: i32,
}

/// The sandbox's store.
#[derive(Clone)]
pub struct SandboxStore {
    store: Store,
}

impl SandboxStore {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The enterprise holding certificate `cert_no`.
    pub async fn enterprise_by_cert(
        &self,
        cert_no: &str,
    ) -> Result<Option<MasterData>, StoreError> {
        let sql = format!(
            "SELECT {ENTERPRISE_COLUMNS}, e.public_key FROM enterprises e \
             WHERE e.cert_no = $1 AND e.cert_no <> ''"
        );
        let row = sqlx::query(&sql)
            .bind(cert_no)
            .fetch_optional(self.store.pool())
            .await?;
        Ok(row
            .map(|r| -> Result<_, sqlx::Error> {
                Ok(MasterData {
                    enterprise: enterprise_from_row(&r)?,
                    public_key: r.try_get("public_key")?,
                })
            })
            .transpose()?)
    }

    /// 监管方式 of the enterprise's 企业登记 as customs last approved it, `None` without one
    /// (never approved, or cancelled).
    pub async fn registered_trade_modes(
        &self,
        cop_code: &str,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let row = sqlx::query(
            "SELECT trade_modes, app_type FROM sandbox_messages WHERE cop_code = $1 \
             AND message_type = $2 AND verdict = 399 ORDER BY received_at DESC LIMIT 1",
        )
        .bind(cop_code)
        .bind(MessageType::Registration.code())
        .fetch_optional(self.store.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.try_get::<i64, _>("app_type")? == i64::from(AppType::Cancel.code()) {
            return Ok(None);
        }
        let modes: String = row.try_get("trade_modes")?;
        Ok(Some(
            modes
                .split(',')
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect(),
        ))
    }

    /// What customs last approved for the filing `apply_no` of enterprise `cop_code`: `None`
    /// when it never approved one, else the appType of that approval (注销 = cancelled).
    pub async fn approved(
        &self,
        cop_code: &str,
        apply_no: &str,
    ) -> Result<Option<AppType>, StoreError> {
        let app_type: Option<i64> = sqlx::query_scalar(
            "SELECT app_type FROM sandbox_messages WHERE cop_code = $1 AND apply_no = $2 \
             AND verdict = 399 ORDER BY received_at DESC LIMIT 1",
        )
        .bind(cop_code)
        .bind(apply_no)
        .fetch_optional(self.store.pool())
        .await?;
        Ok(app_type
            .and_then(|code| u8::try_from(code).ok())
            .and_then(AppType::from_code))
    }

    /// The 订仓单 `order_no` of enterprise `cop_code` as the sandbox holds it, if it ever
    /// accepted one.
    pub async fn held_order(
        &self,
        cop_code: &str,
        order_no: &str,
    ) -> Result<Option<HeldOrder>, StoreError> {
        let row = sqlx::query(
            "SELECT guid, app_type FROM sandbox_orders WHERE cop_code = $1 AND order_no = $2",
        )
        .bind(cop_code)
        .bind(order_no)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let guid: String = row.try_get("guid")?;
        let code: i64 = row.try_get("app_type")?;
        let issued: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sandbox_receipts WHERE guid = $1 AND seq IS NOT NULL \
             AND return_status = 120",
        )
        .bind(&guid)
        .fetch_one(self.store.pool())
        .await?;
        Ok(Some(HeldOrder {
            app_type: u8::try_from(code)
                .ok()
                .and_then(AppType::from_code)
                .unwrap_or(AppType::New),
            taken_in: issued > 0,
        }))
    }

    /// A message seen before: counts the delivery and returns the acknowledgement it got.
    pub async fn repeat_delivery(&self, guid: &str) -> Result<Option<String>, StoreError> {
        let guid: Arc<str> = guid.into();
        self.store
            .write_alone(move |conn| {
                let guid = guid.clone();
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "UPDATE sandbox_messages SET deliveries = deliveries + 1 WHERE guid = $1 \
                         RETURNING ack",
                    )
                    .bind(&*guid)
                    .fetch_optional(conn)
                    .await?)
                })
            })
            .await
    }

    /// Stores a judged message, its acknowledgement and its receipts in one write (the store's
    /// group-commit queue: the sandbox shares owf's database). `false` when the guid is already
    /// stored (a concurrent delivery won): nothing written.
    pub async fn accept(
        &self,
        message: &AcceptedMessage,
        ack: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (message, ack) = (message.clone(), ack.to_owned());
        self.store
            .write(move |conn| Box::pin(accept_in(conn, message.clone(), ack.clone(), now)))
            .await
    }

    /// Issues the receipts that are due: numbers them in due order after the last issued one.
    /// The counter row is written first, so concurrent issuers (several `owf serve` sharing one
    /// PostgreSQL) take turns and the stream never gets a gap filled in later.
    pub async fn issue_due_receipts(&self, now: i64) -> Result<(), StoreError> {
        self.store
            .write_alone(move |conn| Box::pin(issue_due_receipts_in(conn, now)))
            .await
    }

    /// Issued receipts after `after`, in order, with their sequence numbers.
    pub async fn receipts_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Receipt)>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, receipt_id, guid, message_type, apply_no, cop_code, ebp_code, \
             return_status, return_info, return_time FROM sandbox_receipts WHERE seq > $1 \
             ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| -> Result<_, sqlx::Error> {
                let code: String = r.try_get("message_type")?;
                let status: i64 = r.try_get("return_status")?;
                Ok((
                    r.try_get("seq")?,
                    Receipt {
                        receipt_id: r.try_get("receipt_id")?,
                        message_type: MessageType::from_code(&code).ok_or_else(|| {
                            sqlx::Error::Decode(format!("unknown message type {code}").into())
                        })?,
                        guid: r.try_get("guid")?,
                        apply_no: r.try_get("apply_no")?,
                        customs_code: r.try_get("cop_code")?,
                        ebp_code: r.try_get("ebp_code")?,
                        return_status: i32::try_from(status).unwrap_or(i32::MIN),
                        return_time: r.try_get("return_time")?,
                        return_info: r.try_get("return_info")?,
                    },
                ))
            })
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    /// Every message received, with its delivery and receipt counts (what tests inspect to
    /// prove that each was processed once).
    pub async fn message_stats(&self) -> Result<Vec<MessageStats>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.guid, m.deliveries, m.verdict, \
             (SELECT COUNT(*) FROM sandbox_receipts r WHERE r.guid = m.guid) AS receipts \
             FROM sandbox_messages m ORDER BY m.received_at, m.guid",
        )
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| -> Result<_, sqlx::Error> {
                let verdict: i64 = r.try_get("verdict")?;
                Ok(MessageStats {
                    guid: r.try_get("guid")?,
                    deliveries: r.try_get("deliveries")?,
                    receipts: r.try_get("receipts")?,
                    verdict: i32::try_from(verdict).unwrap_or(i32::MIN),
                })
            })
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}

/// [`SandboxStore::accept`] inside the store's write transaction.
async fn accept_in(
    conn: &mut AnyConnection,
    message: AcceptedMessage,
    ack: String,
    now: i64,
) -> Result<bool, StoreError> {
    let inserted: Option<String> = sqlx::query_scalar(
        "INSERT INTO sandbox_messages (guid, message_type, cop_code, apply_no, trade_modes, \
         verdict, verdict_info, ack, deliveries, received_at, app_type) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10) \
         ON CONFLICT (guid) DO NOTHING RETURNING guid",
    )
    .bind(&message.guid)
    .bind(message.message_type.code())
    .bind(&message.cop_code)
    .bind(&message.apply_no)
    .bind(format!(",{},", message.trade_modes.join(",")))
    .bind(i64::from(message.verdict))
    .bind(&message.verdict_info)
    .bind(&ack)
    .bind(now)
    .bind(i64::from(message.app_type.code()))
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_none() {
        return Ok(false);
    }
    if message.message_type == MessageType::Order && message.verdict == ORDER_TAKEN_IN {
        hold_order_in(conn, &message).await?;
    }
    for receipt in &message.receipts {
        sqlx::query(
            "INSERT INTO sandbox_receipts (receipt_id, guid, message_type, apply_no, cop_code, \
             ebp_code, return_status, return_info, due_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(uuid::Uuid::new_v4().to_string().to_uppercase())
        .bind(&message.guid)
        .bind(
            message
                .message_type
                .receipt_with(receipt.return_status)
                .code(),
        )
        .bind(&message.apply_no)
        .bind(&message.cop_code)
        .bind(&message.ebp_code)
        .bind(i64::from(receipt.return_status))
        .bind(&receipt.return_info)
        .bind(receipt.due_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// The verdict of a 订仓单 customs takes in: 120 海关入库.
const ORDER_TAKEN_IN: i32 = 120;

/// An accepted 订仓单 message becomes the one the sandbox holds under its 订仓单编号: the
/// receipts of the one it replaces (a 变更 or 删除 before 入库) that are not issued yet are
/// withdrawn, so customs answers only the latest.
async fn hold_order_in(
    conn: &mut AnyConnection,
    message: &AcceptedMessage,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM sandbox_receipts WHERE seq IS NULL AND guid IN \
         (SELECT guid FROM sandbox_orders WHERE cop_code = $1 AND order_no = $2)",
    )
    .bind(&message.cop_code)
    .bind(&message.apply_no)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO sandbox_orders (cop_code, order_no, guid, app_type) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (cop_code, order_no) DO UPDATE SET guid = excluded.guid, \
         app_type = excluded.app_type",
    )
    .bind(&message.cop_code)
    .bind(&message.apply_no)
    .bind(&message.guid)
    .bind(i64::from(message.app_type.code()))
    .execute(conn)
    .await?;
    Ok(())
}

/// [`SandboxStore::issue_due_receipts`] inside the store's write transaction.
async fn issue_due_receipts_in(conn: &mut AnyConnection, now: i64) -> Result<(), StoreError> {
    let last: i64 = sqlx::query_scalar(
        "UPDATE sandbox_counters SET value = value WHERE name = 'receipt_seq' RETURNING value",
    )
    .fetch_one(&mut *conn)
    .await?;
    let due = sqlx::query(
        "SELECT id, due_at FROM sandbox_receipts WHERE seq IS NULL AND due_at <= $1 \
         ORDER BY due_at, id LIMIT 1000",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    if due.is_empty() {
        return Ok(());
    }
    let mut seq = last;
    for row in &due {
        seq += 1;
        let id: i64 = row.try_get("id")?;
        let due_at: i64 = row.try_get("due_at")?;
        sqlx::query("UPDATE sandbox_receipts SET seq = $1, return_time = $2 WHERE id = $3")
            .bind(seq)
            .bind(c17(due_at))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE sandbox_counters SET value = $1 WHERE name = 'receipt_seq'")
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
