//! The outbox seen from the relay: claiming due messages under a lease (with the proof documents
//! frozen with them), recording what became of a batch of deliveries, applying a page of customs
//! receipts (回执) exactly once with the receipts it could not read (dead letters) and the
//! receipt cursor, waking relays when a declaration writes a message, and the counts `/metrics`
//! shows.
//!
//! Fencing: a claim increments `attempts`, and an outcome is recorded only while the row is still
//! `pending` at that attempt, so a relay whose lease ran out cannot overwrite a newer claim.
//! Claiming, recording a batch's outcomes and taking a page of receipts are each one
//! transaction through the writer's second door ([`Store::write_alone`]): of the group-commit
//! queue on SQLite, of their own on PostgreSQL; each step writes first (outbox row or filing row),
//! so on PostgreSQL it holds the row lock before it reads.
//!
//! Waking: a declaration signals the relay of its own process ([`Store::outbox_written`]) and,
//! on PostgreSQL, sends `NOTIFY` on [`OUTBOX_CHANNEL`] with its commit, which the relays of every
//! server sharing the database listen to ([`Store::listen_for_outbox`]). The relays' poll stays
//! as the fallback (retries falling due, leases running out, a notification lost while a
//! listener reconnects).

use std::sync::Arc;
use std::time::Duration;

use owf_shared::amendment::AppType;
use owf_shared::receipt::ReceiptText;
use owf_shared::status::{
    apply_receipt, apply_relay, ReceiptStatus, RelayOutcome, Status, Subject,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::amendments::on_approved_in;
use super::attachments::FrozenAttachment;
use super::history::{
    append_history, transition_in, HistoryRecord, Ledger, Transition, CUSTOMS_ACTOR, SYSTEM_ACTOR,
};
use super::{Dialect, Store, StoreError};
use crate::clock::now_ms;

const CURSOR: &str = "customs";
/// The PostgreSQL channel a declaration notifies when it writes an outbox message.
pub const OUTBOX_CHANNEL: &str = "owf_outbox";

/// The record an outbox message declares: a filing or a 订仓单.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub ledger: Ledger,
    pub id: i64,
}

impl Owner {
    /// The outbox column naming a record of this ledger.
    fn outbox_column(ledger: Ledger) -> &'static str {
        match ledger {
            Ledger::Filings => "filing_id",
            Ledger::BookingOrders => "booking_order_id",
        }
    }

    /// The owner named by an outbox row's `filing_id` and `booking_order_id`.
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let filing: Option<i64> = row.try_get("filing_id")?;
        let order: Option<i64> = row.try_get("booking_order_id")?;
        match (filing, order) {
            (Some(id), _) => Ok(Self {
                ledger: Ledger::Filings,
                id,
            }),
            (None, Some(id)) => Ok(Self {
                ledger: Ledger::BookingOrders,
                id,
            }),
            (None, None) => Err(sqlx::Error::Decode("an outbox row without owner".into())),
        }
    }
}

/// A message claimed for sending, with what its envelope needs; `attempt` is its fencing token.
#[derive(Debug, Clone)]
pub struct ClaimedMessage {
    pub id: i64,
    pub owner: Owner,
    pub guid: String,
    pub message_type: String,
    pub payload: String,
    pub attempt: i64,
    /// The proof documents frozen with it, each with what is stored under its id now.
    pub documents: Vec<FrozenAttachment>,
}

/// The claim a delivery outcome is recorded under.
#[derive(Debug, Clone)]
pub struct Claim {
    pub id: i64,
    pub owner: Owner,
    pub guid: String,
    pub attempt: i64,
}

impl ClaimedMessage {
    pub fn claim(&self) -> Claim {
        Claim {
            id: self.id,
            owner: self.owner,
            guid: self.guid.clone(),
            attempt: self.attempt,
        }
    }
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Customs acknowledged the message: 发送海关成功.
    Delivered,
    /// A transient failure; try again at `at` (epoch ms).
    Retry { at: i64, error: String },
    /// Given up (refused, or out of attempts): 发送海关失败.
    Failed { error: String },
}

/// The delivery state of a filing's latest message, for its detail page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct OutboxState {
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
}

/// A receipt as the relay read it.
#[derive(Debug, Clone)]
pub struct IncomingReceipt {
    pub receipt_id: String,
    /// guid of the declaration it answers.
    pub guid: String,
    pub return_status: ReceiptStatus,
    pub return_time: String,
    pub return_info: String,
}

/// What applying a receipt did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptApplied {
    /// The filing moved to this status.
    Applied(Status),
    /// Seen before (same receipt id): nothing done.
    Duplicate,
    /// Recorded but not applied, with the reason.
    Ignored(String),
}

/// Counts for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayCounts {
    /// Messages waiting to be delivered.
    pub depth: i64,
    pub sent: i64,
    /// Attempts beyond each message's first.
    pub retried: i64,
    pub failed: i64,
    pub receipts_applied: i64,
    /// Receipts that could not be read, kept as dead letters.
    pub receipts_dead: i64,
    /// When the oldest message waiting to be delivered was written (ms since the epoch);
    /// `None` when none waits.
    pub oldest_waiting: Option<i64>,
}

/// An item of customs' receipt stream, as the relay read it.
#[derive(Debug, Clone)]
pub enum ReceiptItem {
    Readable(IncomingReceipt),
    Unreadable(DeadReceipt),
}

/// A receipt the relay could not read.
#[derive(Debug, Clone)]
pub struct DeadReceipt {
    /// Its place in customs' receipt stream, when that much could be read.
    pub seq: Option<i64>,
    /// Lower-case hex SHA-256 of the item as received: an item read twice is kept once.
    pub digest: String,
    /// The receipt's text (the XML, or the whole item when even that could not be found).
    pub raw: String,
    /// Why it could not be read.
    pub reason: String,
}

/// The claim statement (`$1` owner, `$2` lease end, `$3` now, `$4` batch size): concurrent
/// relays on PostgreSQL skip each other's locked rows; SQLite has one writer at a time, so the
/// single statement is already exclusive.
pub fn claim_sql(dialect: Dialect) -> String {
    let skip_locked = match dialect {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    format!(
        "UPDATE outbox SET attempts = attempts + 1, lease_owner = $1, lease_until = $2 \
         WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3 \
         AND (lease_until IS NULL OR lease_until <= $3) ORDER BY next_attempt_at, id LIMIT $4{skip_locked}) \
         RETURNING id, filing_id, booking_order_id, guid, message_type, payload, attempts"
    )
}

/// A declared record's enterprise, status, version, last applied receipt time and what its
/// declaration asks customs, after locking its row.
struct RecordState {
    enterprise_id: i64,
    status: Status,
    version: i64,
    last_return_time: Option<String>,
    app_type: i64,
}

impl RecordState {
    /// What customs' receipts do to the record of `ledger` (see [`Subject`]).
    fn subject(&self, ledger: Ledger) -> Subject {
        match ledger {
            Ledger::Filings => Subject::Filing,
            Ledger::BookingOrders if self.app_type == i64::from(AppType::Cancel.code()) => {
                Subject::BookingDeletion
            }
            Ledger::BookingOrders => Subject::BookingOrder,
        }
    }
}

async fn lock_record(conn: &mut AnyConnection, owner: Owner) -> Result<RecordState, StoreError> {
    let row = sqlx::query(&format!(
        "UPDATE {} SET updated_at = updated_at WHERE id = $1 \
         RETURNING enterprise_id, status, version, last_return_time, app_type",
        owner.ledger.table()
    ))
    .bind(owner.id)
    .fetch_one(conn)
    .await?;
    let code: i64 = row.try_get("status")?;
    Ok(RecordState {
        enterprise_id: row.try_get("enterprise_id")?,
        status: i32::try_from(code)
            .ok()
            .and_then(Status::from_code)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {code}").into()))?,
        version: row.try_get("version")?,
        last_return_time: row.try_get("last_return_time")?,
        app_type: row.try_get("app_type")?,
    })
}

/// Moves the record per the relay's report; a record no longer 申报中 is left alone.
async fn report_delivery(
    conn: &mut AnyConnection,
    record: &mut RecordState,
    owner: Owner,
    outcome: RelayOutcome,
    (note, detail): (String, String),
    now: i64,
) -> Result<(), StoreError> {
    let Ok(to) = apply_relay(record.status, outcome) else {
        return Ok(());
    };
    let t = Transition {
        id: owner.id,
        version: record.version,
        from: record.status,
        to,
        actor: SYSTEM_ACTOR.to_owned(),
        note,
        detail,
    };
    if !transition_in(conn, owner.ledger, record.enterprise_id, &t, now).await? {
        return Err(StoreError::ConcurrentChange);
    }
    record.status = to;
    record.version += 1;
    Ok(())
}

impl Store {
    /// Claims up to `limit` due messages for `owner` until `lease_until` (epoch ms), with their
    /// frozen proof documents (one more query for the batch).
    pub async fn claim_outbox(
        &self,
        owner: &str,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let (sql, owner): (Arc<str>, Arc<str>) = (claim_sql(self.dialect()).into(), owner.into());
        let mut claimed = self
            .write_alone(move |conn| {
                let (sql, owner) = (sql.clone(), owner.clone());
                Box::pin(async move {
                    let rows = sqlx::query(&sql)
                        .bind(&*owner)
                        .bind(lease_until)
                        .bind(now_ms())
                        .bind(limit)
                        .fetch_all(conn)
                        .await?;
                    Ok(rows
                        .iter()
                        .map(|r| -> Result<_, sqlx::Error> {
                            Ok(ClaimedMessage {
                                id: r.try_get("id")?,
                                owner: Owner::from_row(r)?,
                                guid: r.try_get("guid")?,
                                message_type: r.try_get("message_type")?,
                                payload: r.try_get("payload")?,
                                attempt: r.try_get("attempts")?,
                                documents: Vec::new(),
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?)
                })
            })
            .await?;
        claimed.sort_by_key(|m| m.id);
        let ids: Vec<i64> = claimed.iter().map(|m| m.id).collect();
        let mut documents = self.frozen_attachments(&ids).await?;
        for message in &mut claimed {
            message.documents = documents.remove(&message.id).unwrap_or_default();
        }
        Ok(claimed)
    }

    /// Records the outcomes of a batch of deliveries in one transaction and moves their filings
    /// (发送海关成功 / 发送海关失败). For each, in order: `false` when its claim is no longer
    /// current (the lease ran out and another relay claimed it, or a receipt already proved
    /// delivery), and nothing was written for it.
    pub async fn record_deliveries(
        &self,
        outcomes: Vec<(Claim, Delivery)>,
    ) -> Result<Vec<bool>, StoreError> {
        let outcomes = Arc::new(outcomes);
        self.write_alone(move |conn| {
            let outcomes = outcomes.clone();
            Box::pin(async move {
                let now = now_ms();
                let mut recorded = Vec::with_capacity(outcomes.len());
                for (claim, delivery) in outcomes.iter() {
                    recorded.push(record_delivery_in(conn, claim, delivery, now).await?);
                }
                Ok(recorded)
            })
        })
        .await
    }

    /// Takes a page of the receipt stream in one transaction: applies each readable receipt
    /// once — recorded under its receipt id, and if it answers the filing's latest declaration
    /// and follows the status machine (newer than the last applied receipt, in order), the
    /// filing moves and 回执时间/回执信息 are stored; a receipt for a message whose delivery was
    /// not recorded yet (the relay crashed after sending) first proves the delivery: 申报中 →
    /// 发送海关成功 — keeps each unreadable one as a dead letter (once per digest), and moves the
    /// receipt cursor forward to `cursor` (never back). What became of each item, in order
    /// (`None` for a dead letter).
    pub async fn take_receipts(
        &self,
        items: Vec<ReceiptItem>,
        cursor: i64,
    ) -> Result<Vec<Option<ReceiptApplied>>, StoreError> {
        let items = Arc::new(items);
        self.write_alone(move |conn| {
            let items = items.clone();
            Box::pin(async move {
                let now = now_ms();
                let mut taken = Vec::with_capacity(items.len());
                for item in items.iter() {
                    taken.push(match item {
                        ReceiptItem::Readable(receipt) => {
                            Some(apply_receipt_in(conn, receipt, now).await?)
                        }
                        ReceiptItem::Unreadable(dead) => {
                            add_dead_receipt_in(conn, dead, now).await?;
                            None
                        }
                    });
                }
                advance_receipt_cursor_in(conn, cursor).await?;
                Ok(taken)
            })
        })
        .await
    }

    /// The sequence number of the last customs receipt read (0 before the first).
    pub async fn receipt_cursor(&self) -> Result<i64, StoreError> {
        let value: Option<i64> =
            sqlx::query_scalar("SELECT value FROM relay_cursor WHERE name = $1")
                .bind(CURSOR)
                .fetch_optional(self.pool())
                .await?;
        Ok(value.unwrap_or(0))
    }

    /// Listens for the declarations of every server sharing this PostgreSQL database and
    /// signals [`Store::outbox_written`] for each; runs until dropped. Nothing to do on SQLite,
    /// whose database only this process writes declarations to: returns at once. Should the
    /// connection fail, it tries again after `retry` (meanwhile the relays poll).
    pub async fn listen_for_outbox(&self, retry: Duration) {
        let Some(url) = self.listen_url() else {
            return;
        };
        loop {
            match sqlx::postgres::PgListener::connect(url).await {
                Ok(mut listener) => match listener.listen(OUTBOX_CHANNEL).await {
                    Ok(()) => loop {
                        // After a lost connection, `recv` connects and listens again.
                        match listener.recv().await {
                            Ok(_) => self.signal_outbox_written(),
                            Err(e) => {
                                tracing::warn!(error = %e, "listening for declarations failed");
                                tokio::time::sleep(retry).await;
                            }
                        }
                    },
                    Err(e) => tracing::warn!(error = %e, "cannot listen for declarations"),
                },
                Err(e) => tracing::warn!(error = %e, "cannot connect to listen for declarations"),
            }
            tokio::time::sleep(retry).await;
        }
    }

    /// Outbox depth and the relay's totals (durable: counted from the tables, so they survive
    /// restarts and add up over every relay sharing the database).
    pub async fn relay_counts(&self) -> Result<RelayCounts, StoreError> {
        let row = sqlx::query(
            "SELECT \
             CAST(COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS BIGINT) AS depth, \
             CAST(COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS sent, \
             CAST(COALESCE(SUM(CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END), 0) AS BIGINT) AS retried, \
             CAST(COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS failed, \
             MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest_waiting \
             FROM outbox",
        )
        .fetch_one(self.pool())
        .await?;
        let receipts_applied: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM relay_receipts WHERE applied = 1")
                .fetch_one(self.pool())
                .await?;
        let receipts_dead: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM relay_dead_receipts")
            .fetch_one(self.pool())
            .await?;
        Ok(RelayCounts {
            depth: row.try_get("depth")?,
            sent: row.try_get("sent")?,
            retried: row.try_get("retried")?,
            failed: row.try_get("failed")?,
            receipts_applied,
            receipts_dead,
            oldest_waiting: row.try_get("oldest_waiting")?,
        })
    }
}

/// Tells the relays of every server that a declaration wrote an outbox message, with the
/// commit of `conn`'s transaction: `NOTIFY` on PostgreSQL; nothing on SQLite.
pub(super) async fn announce_outbox_in(
    conn: &mut AnyConnection,
    dialect: Dialect,
) -> Result<(), sqlx::Error> {
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(OUTBOX_CHANNEL)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// One outcome of [`Store::record_deliveries`] inside the writer's transaction.
async fn record_delivery_in(
    conn: &mut AnyConnection,
    message: &Claim,
    delivery: &Delivery,
    now: i64,
) -> Result<bool, StoreError> {
    let (sql, next_at, error) = match delivery {
        Delivery::Delivered => (
            "UPDATE outbox SET state = 'sent', sent_at = $1, last_error = $2, \
             lease_owner = NULL, lease_until = NULL \
             WHERE id = $3 AND attempts = $4 AND state = 'pending'",
            now,
            None,
        ),
        Delivery::Retry { at, error } => (
            "UPDATE outbox SET next_attempt_at = $1, last_error = $2, \
             lease_owner = NULL, lease_until = NULL \
             WHERE id = $3 AND attempts = $4 AND state = 'pending'",
            *at,
            Some(error.as_str()),
        ),
        Delivery::Failed { error } => (
            "UPDATE outbox SET state = 'failed', next_attempt_at = $1, last_error = $2, \
             lease_owner = NULL, lease_until = NULL \
             WHERE id = $3 AND attempts = $4 AND state = 'pending'",
            now,
            Some(error.as_str()),
        ),
    };
    let done = sqlx::query(sql)
        .bind(next_at)
        .bind(error)
        .bind(message.id)
        .bind(message.attempt)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    let report = match delivery {
        Delivery::Delivered => Some((
            RelayOutcome::Delivered,
            ("报文已送达海关".to_owned(), guid_detail(&message.guid)),
        )),
        Delivery::Failed { error } => Some((
            RelayOutcome::Failed,
            (error.clone(), guid_detail(&message.guid)),
        )),
        Delivery::Retry { .. } => None,
    };
    if let Some((outcome, note)) = report {
        let mut record = lock_record(conn, message.owner).await?;
        report_delivery(conn, &mut record, message.owner, outcome, note, now).await?;
    }
    Ok(true)
}

/// Keeps a receipt that could not be read (once per digest).
async fn add_dead_receipt_in(
    conn: &mut AnyConnection,
    dead: &DeadReceipt,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO relay_dead_receipts (seq, digest, raw, reason, received_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (digest) DO NOTHING",
    )
    .bind(dead.seq)
    .bind(&dead.digest)
    .bind(&dead.raw)
    .bind(&dead.reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves the receipt cursor forward to `seq` (never back).
async fn advance_receipt_cursor_in(conn: &mut AnyConnection, seq: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO relay_cursor (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE \
         SET value = CASE WHEN relay_cursor.value < excluded.value THEN excluded.value \
         ELSE relay_cursor.value END",
    )
    .bind(CURSOR)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// The technical detail that names the message `guid`.
fn guid_detail(guid: &str) -> String {
    format!("报文编号 {guid}")
}

/// One readable receipt of [`Store::take_receipts`] inside the writer's transaction.
async fn apply_receipt_in(
    conn: &mut AnyConnection,
    receipt: &IncomingReceipt,
    now: i64,
) -> Result<ReceiptApplied, StoreError> {
    let inserted = sqlx::query_scalar::<_, String>(
        "INSERT INTO relay_receipts (receipt_id, guid, return_status, return_time, return_info, \
         applied, note, received_at) VALUES ($1, $2, $3, $4, $5, 0, '', $6) \
         ON CONFLICT (receipt_id) DO NOTHING RETURNING receipt_id",
    )
    .bind(&receipt.receipt_id)
    .bind(&receipt.guid)
    .bind(i64::from(receipt.return_status.code()))
    .bind(&receipt.return_time)
    .bind(&receipt.return_info)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_none() {
        return Ok(ReceiptApplied::Duplicate);
    }
    let outcome = apply_to_record(conn, receipt, now).await?;
    let (applied, note) = match &outcome {
        ReceiptApplied::Applied(_) => (1_i64, ""),
        ReceiptApplied::Ignored(why) => (0, why.as_str()),
        ReceiptApplied::Duplicate => (0, ""),
    };
    sqlx::query("UPDATE relay_receipts SET applied = $1, note = $2 WHERE receipt_id = $3")
        .bind(applied)
        .bind(note)
        .bind(&receipt.receipt_id)
        .execute(conn)
        .await?;
    Ok(outcome)
}

/// Applies a recorded receipt to the filing or 订仓单 it answers, if it answers its latest
/// declaration and follows the status machine.
async fn apply_to_record(
    conn: &mut AnyConnection,
    receipt: &IncomingReceipt,
    now: i64,
) -> Result<ReceiptApplied, StoreError> {
    let Some(row) =
        sqlx::query("SELECT id, filing_id, booking_order_id, state FROM outbox WHERE guid = $1")
            .bind(&receipt.guid)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(ReceiptApplied::Ignored("没有此报文编号的申报".into()));
    };
    let outbox_id: i64 = row.try_get("id")?;
    let owner = Owner::from_row(&row)?;
    let state: String = row.try_get("state")?;
    if owner.ledger == Ledger::Filings {
        sqlx::query("UPDATE relay_receipts SET filing_id = $1 WHERE receipt_id = $2")
            .bind(owner.id)
            .bind(&receipt.receipt_id)
            .execute(&mut *conn)
            .await?;
    }
    let mut record = lock_record(conn, owner).await?;
    let latest: i64 = sqlx::query_scalar(&format!(
        "SELECT MAX(id) FROM outbox WHERE {} = $1",
        Owner::outbox_column(owner.ledger)
    ))
    .bind(owner.id)
    .fetch_one(&mut *conn)
    .await?;
    if latest != outbox_id {
        let why = "回执所属的申报已被重新申报取代";
        return unapplied(conn, owner, &record, receipt, why, now).await;
    }
    let status = receipt.return_status;
    if state == "pending" {
        sqlx::query(
            "UPDATE outbox SET state = 'sent', sent_at = $1, lease_owner = NULL, \
             lease_until = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(outbox_id)
        .execute(&mut *conn)
        .await?;
        let note = (
            "海关回执证实报文已送达".to_owned(),
            guid_detail(&receipt.guid),
        );
        report_delivery(conn, &mut record, owner, RelayOutcome::Delivered, note, now).await?;
    }
    let to = match apply_receipt(
        record.subject(owner.ledger),
        record.status,
        record.last_return_time.as_deref(),
        status,
        &receipt.return_time,
    ) {
        Ok(to) => to,
        Err(refusal) => {
            return unapplied(conn, owner, &record, receipt, &refusal.to_string(), now).await
        }
    };
    let t = Transition {
        id: owner.id,
        version: record.version,
        from: record.status,
        to,
        actor: CUSTOMS_ACTOR.to_owned(),
        note: ReceiptText::of(&receipt.return_info).plain,
        detail: receipt_detail(receipt),
    };
    if !transition_in(conn, owner.ledger, record.enterprise_id, &t, now).await? {
        return Err(StoreError::ConcurrentChange);
    }
    sqlx::query(&format!(
        "UPDATE {} SET last_return_time = $1, last_return_info = $2 WHERE id = $3",
        owner.ledger.table()
    ))
    .bind(&receipt.return_time)
    .bind(&receipt.return_info)
    .bind(owner.id)
    .execute(&mut *conn)
    .await?;
    if to == Status::Approved && owner.ledger == Ledger::Filings {
        on_approved_in(conn, owner.id, &receipt.return_info, now).await?;
    }
    if let ReceiptStatus::GatewayError(_) = status {
        sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1 WHERE id = $2")
            .bind(&receipt.return_info)
            .bind(outbox_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(ReceiptApplied::Applied(to))
}

/// A receipt that answers `record` but does not change it (`why`: it answers a declaration made
/// again since, or the status machine refuses it): recorded as not applied, and still written on
/// the record's timeline beside its unchanged status, so that every answer customs gave shows.
async fn unapplied(
    conn: &mut AnyConnection,
    owner: Owner,
    record: &RecordState,
    receipt: &IncomingReceipt,
    why: &str,
    now: i64,
) -> Result<ReceiptApplied, StoreError> {
    let entry = HistoryRecord {
        at: now,
        actor: CUSTOMS_ACTOR.to_owned(),
        from: Some(record.status),
        to: record.status,
        note: format!(
            "{}（未改变状态：{why}）",
            ReceiptText::of(&receipt.return_info).plain
        ),
        detail: receipt_detail(receipt),
    };
    append_history(conn, owner.ledger, owner.id, &entry).await?;
    Ok(ReceiptApplied::Ignored(why.to_owned()))
}

/// The technical detail of a receipt on a timeline: its message, code and raw text.
fn receipt_detail(receipt: &IncomingReceipt) -> String {
    format!(
        "{}；回执状态 {}；回执原文：{}",
        guid_detail(&receipt.guid),
        receipt.return_status.code(),
        receipt.return_info
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_postgres_skips_locked_rows() {
        assert!(claim_sql(Dialect::Postgres).contains("LIMIT $4 FOR UPDATE SKIP LOCKED)"));
        assert!(!claim_sql(Dialect::Sqlite).contains("FOR UPDATE"));
    }
}
