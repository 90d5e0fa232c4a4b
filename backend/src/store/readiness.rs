//! The readiness check (就绪检查) behind `/healthz`: one single-row upsert through the writer
//! proves that the database takes writes now — not merely that the process runs. Callers that
//! arrive while a check is running share its result, so a burst of probes costs one write.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{Store, StoreError};
use crate::clock::now_ms;

/// Longest a check waits for its write.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Why the database does not take writes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Unwritable {
    #[error("数据库暂时无法写入：{0}")]
    Failed(String),
    #[error("数据库在 {} 秒内未完成写入检查", TIMEOUT.as_secs())]
    TimedOut,
}

/// The last check's outcome, behind the lock a running check holds.
#[derive(Default)]
pub(super) struct Readiness(Mutex<Option<Checked>>);

struct Checked {
    finished: Instant,
    outcome: Result<(), Unwritable>,
}

impl Store {
    /// Whether a write commits now: the outcome of a check that finished after this call began.
    pub async fn check_writable(&self) -> Result<(), Unwritable> {
        let asked = Instant::now();
        let mut last = self.readiness.0.lock().await;
        if let Some(checked) = last.as_ref().filter(|c| c.finished >= asked) {
            return checked.outcome.clone();
        }
        let write = self.write(|conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO write_check (id, checked_at) VALUES (1, $1) \
                     ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                )
                .bind(now_ms())
                .execute(conn)
                .await?;
                Ok(())
            })
        });
        let outcome = match tokio::time::timeout(TIMEOUT, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(StoreError::Commit(cause))) => Err(Unwritable::Failed(cause)),
            Ok(Err(e)) => Err(Unwritable::Failed(e.to_string())),
            Err(_) => Err(Unwritable::TimedOut),
        };
        *last = Some(Checked {
            finished: Instant::now(),
            outcome: outcome.clone(),
        });
        outcome
    }
}
