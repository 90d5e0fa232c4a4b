//! 订仓单 declarations: 申报, 变更 and 删除 each write the status change, its timeline entry
//! and the signed CEB303 in the outbox in one transaction — an order is never declared without
//! its message, nor the reverse — and the order's timeline is read back with the operators'
//! names.

use std::sync::Arc;

use owf_shared::amendment::AppType;
use sqlx::Row;

use super::booking_orders::{write_content_in, BookingSave};
use super::filings::{status_from, OutboxMessage, TimelineStep};
use super::history::{transition_in, HistoryRecord, Ledger, Transition};
use super::outbox::announce_outbox_in;
use super::{Store, StoreError};
use crate::clock::now_ms;

/// A declaration of a 订仓单: the status change it makes, what it asks customs, the new
/// content a 变更 brings, and its signed message.
#[derive(Debug, Clone)]
pub struct BookingDeclaration {
    pub enterprise_id: i64,
    pub transition: Transition,
    pub app_type: AppType,
    /// The content of a 变更, stored with it; `None` to declare the stored content.
    pub content: Option<BookingSave>,
    pub message: OutboxMessage,
}

impl Store {
    /// Writes `declaration` in one transaction; `false` when the order is no longer at the
    /// version it was decided on (nothing written).
    pub async fn declare_booking(
        &self,
        declaration: BookingDeclaration,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let dialect = self.dialect();
        let declaration = Arc::new(declaration);
        let declared = self
            .write(move |conn| {
                let d = declaration.clone();
                Box::pin(async move {
                    let t = &d.transition;
                    if !transition_in(conn, Ledger::BookingOrders, d.enterprise_id, t, now).await? {
                        return Ok(false);
                    }
                    if let Some(content) = &d.content {
                        write_content_in(conn, t.id, content).await?;
                    }
                    sqlx::query(
                        "UPDATE booking_orders SET app_type = $1, decl_time = $2, \
                         operator_card_no = $3, last_return_time = NULL, \
                         last_return_info = NULL WHERE id = $4",
                    )
                    .bind(i64::from(d.app_type.code()))
                    .bind(now)
                    .bind(&t.actor)
                    .bind(t.id)
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query(
                        "INSERT INTO outbox (booking_order_id, guid, message_type, payload, \
                         state, next_attempt_at, created_at) \
                         VALUES ($1, $2, $3, $4, 'pending', $5, $5)",
                    )
                    .bind(t.id)
                    .bind(&d.message.guid)
                    .bind(&d.message.message_type)
                    .bind(&d.message.payload)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                    announce_outbox_in(conn, dialect).await?;
                    Ok(true)
                })
            })
            .await?;
        if declared {
            self.signal_outbox_written();
        }
        Ok(declared)
    }

    /// The timeline of the enterprise's 订仓单 `id`, oldest first.
    pub async fn booking_history(
        &self,
        enterprise_id: i64,
        id: i64,
    ) -> Result<Vec<TimelineStep>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.at, h.actor, h.from_status, h.to_status, h.note, h.detail, \
             u.name AS actor_name FROM booking_order_history h \
             JOIN booking_orders b ON b.id = h.order_id \
             LEFT JOIN users u ON u.card_no = h.actor AND u.enterprise_id = b.enterprise_id \
             WHERE h.order_id = $1 AND b.enterprise_id = $2 ORDER BY h.id",
        )
        .bind(id)
        .bind(enterprise_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| -> Result<_, sqlx::Error> {
                Ok(TimelineStep {
                    entry: HistoryRecord {
                        at: r.try_get("at")?,
                        actor: r.try_get("actor")?,
                        from: r
                            .try_get::<Option<i64>, _>("from_status")?
                            .map(status_from)
                            .transpose()?,
                        to: status_from(r.try_get("to_status")?)?,
                        note: r.try_get("note")?,
                        detail: r.try_get("detail")?,
                    },
                    actor_name: r.try_get("actor_name")?,
                    amendment_id: None,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}
