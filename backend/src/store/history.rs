//! Status changes of filings and 订仓单 with their timelines (filing_history,
//! booking_order_history): the one way a status moves, for requests, the relay and receipts
//! alike — guarded by the version it was decided on, with a history entry whenever the status
//! changes.

use owf_shared::status::Status;
use sqlx::AnyConnection;

/// Where a status and its timeline are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ledger {
    /// filings and filing_history
    Filings,
    /// booking_orders and booking_order_history
    BookingOrders,
}

impl Ledger {
    /// The table of the records.
    pub(super) fn table(self) -> &'static str {
        match self {
            Self::Filings => "filings",
            Self::BookingOrders => "booking_orders",
        }
    }

    /// The timeline's table and its column naming the record.
    pub(super) fn history(self) -> (&'static str, &'static str) {
        match self {
            Self::Filings => ("filing_history", "filing_id"),
            Self::BookingOrders => ("booking_order_history", "order_id"),
        }
    }
}

/// Actor of the relay's history entries.
pub const SYSTEM_ACTOR: &str = "系统";
/// Actor of receipts' history entries.
pub const CUSTOMS_ACTOR: &str = "海关";

/// One entry of a filing's timeline.
#[derive(Debug, Clone)]
pub struct HistoryRecord {
    pub at: i64,
    pub actor: String,
    pub from: Option<Status>,
    pub to: Status,
    pub note: String,
    /// The technical side: message guid, receipt code, the raw `returnInfo`; empty for a
    /// clerk's step.
    pub detail: String,
}

/// A status change to make, guarded by the version it was decided on.
#[derive(Debug, Clone)]
pub struct Transition {
    pub id: i64,
    pub version: i64,
    pub from: Status,
    pub to: Status,
    pub actor: String,
    pub note: String,
    pub detail: String,
}

impl Transition {
    /// The history entry of this change at `at` (appended only when the status changes).
    pub(super) fn entry(&self, at: i64) -> HistoryRecord {
        HistoryRecord {
            at,
            actor: self.actor.clone(),
            from: Some(self.from),
            to: self.to,
            note: self.note.clone(),
            detail: self.detail.clone(),
        }
    }
}

/// Appends `entry` to the timeline of record `id` in `ledger`.
pub(super) async fn append_history(
    conn: &mut AnyConnection,
    ledger: Ledger,
    id: i64,
    entry: &HistoryRecord,
) -> Result<(), sqlx::Error> {
    let (table, column) = ledger.history();
    sqlx::query(&format!(
        "INSERT INTO {table} ({column}, at, actor, from_status, to_status, note, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(id)
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(entry.from.map(|s| i64::from(s.code())))
    .bind(i64::from(entry.to.code()))
    .bind(&entry.note)
    .bind(&entry.detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes status and version of record `t.id` in `ledger` if it is still at `t.version`,
/// appending the history entry. `false` when someone else changed it first.
pub(super) async fn transition_in(
    conn: &mut AnyConnection,
    ledger: Ledger,
    enterprise_id: i64,
    t: &Transition,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET status = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND enterprise_id = $4 AND version = $5",
        ledger.table()
    ))
    .bind(i64::from(t.to.code()))
    .bind(now)
    .bind(t.id)
    .bind(enterprise_id)
    .bind(t.version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    if t.from != t.to {
        append_history(conn, ledger, t.id, &t.entry(now)).await?;
    }
    Ok(true)
}
