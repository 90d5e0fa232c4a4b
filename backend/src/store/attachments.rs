//! 证明材料: proof documents of warehouse filings, stored in the database.
//!
//! A document belongs to its filing's content: adding or removing one raises the filing's version
//! in the same transaction, and only while the filing may be edited. So a declaration decided on
//! one set of documents finds its version stale if the set changed meanwhile, and a declared
//! filing keeps every document its message lists. Declaring freezes the set — ids, hashes,
//! sizes — beside the outbox message ([`Store::freeze_attachments_in`]); the relay sends exactly
//! those ([`Store::frozen_attachments`]).

use std::collections::HashMap;

use bytes::Bytes;
use owf_shared::amendment::{documents_editable, AppType};
use owf_shared::api::AttachmentInfo;
use owf_shared::proof::{MAX_ENTERPRISE_BYTES, MAX_FILES};
use owf_shared::status::Status;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::filings::{app_type_from, status_from};
use super::{Store, StoreError};
use crate::clock::now_ms;

/// A proof document's stored name, type and content.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub doc_type: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A document as a declaration froze it, with what is stored under its id now (`None` when it
/// is gone).
#[derive(Debug, Clone)]
pub struct FrozenAttachment {
    pub attachment_id: i64,
    /// Lower-case hex SHA-256 recorded at declaration.
    pub sha256: String,
    pub size: u64,
    pub file: Option<AttachmentFile>,
}

/// A document to store.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub doc_type: String,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub content: Bytes,
}

/// A stored document's content for download.
#[derive(Debug, Clone)]
pub struct AttachmentContent {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Why a document was not added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No such warehouse filing of the enterprise, or no such document of it.
    NotFound,
    /// The filing's status allows no changes (申报中, 审核通过, …).
    NotEditable(Status),
    /// The record is a 注销, which carries no documents.
    Cancellation,
    /// The filing has [`MAX_FILES`] documents already.
    TooMany,
    /// `size` more bytes would take the enterprise's documents past [`MAX_ENTERPRISE_BYTES`];
    /// `used` are stored.
    OverQuota { used: u64, size: u64 },
}

/// What a row of `filings` with `app_type` is, as the shared rules take it: `None` for a filing
/// of its own (新增), else the amendment.
fn amendment_of(app_type: AppType) -> Option<AppType> {
    (app_type != AppType::New).then_some(app_type)
}

/// The condition on a row of `filings` under which its documents may be added or removed: the
/// pairs of appType and status [`documents_editable`] allows (appType 1 is a filing of its own).
fn editable() -> String {
    let pairs: Vec<String> = AppType::ALL
        .into_iter()
        .filter_map(|app_type| {
            let amendment = amendment_of(app_type);
            let statuses: Vec<String> = Status::ALL
                .into_iter()
                .filter(|s| documents_editable(amendment, *s))
                .map(|s| s.code().to_string())
                .collect();
            (!statuses.is_empty()).then(|| {
                format!(
                    "(app_type = {} AND status IN ({}))",
                    app_type.code(),
                    statuses.join(", ")
                )
            })
        })
        .collect();
    format!("({})", pairs.join(" OR "))
}

fn size_of(bytes: i64) -> u64 {
    u64::try_from(bytes).unwrap_or_default()
}

/// A document as a row of `attachments` describes it (`id`, `doc_type`, `file_name`, `size`,
/// `sha256`, `content_type`).
pub(super) fn attachment_info(row: &AnyRow) -> Result<AttachmentInfo, sqlx::Error> {
    Ok(AttachmentInfo {
        id: row.try_get("id")?,
        doc_type: row.try_get("doc_type")?,
        file_name: row.try_get("file_name")?,
        size: size_of(row.try_get("size")?),
        sha256: row.try_get("sha256")?,
        content_type: row.try_get("content_type")?,
    })
}

/// A warehouse filing as the document rules see it.
struct DocumentHolder {
    status: Status,
    app_type: AppType,
}

impl DocumentHolder {
    /// Why its documents may not change now ([`documents_editable`]); `None` when they may.
    fn refusal(&self) -> Option<Refused> {
        let amendment = amendment_of(self.app_type);
        if documents_editable(amendment, self.status) {
            None
        } else if self.app_type == AppType::Cancel {
            Some(Refused::Cancellation)
        } else {
            Some(Refused::NotEditable(self.status))
        }
    }
}

/// A warehouse filing of the enterprise; `None` when there is none.
async fn document_holder(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    filing_id: i64,
) -> Result<Option<DocumentHolder>, StoreError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT status, app_type FROM filings \
         WHERE id = $1 AND enterprise_id = $2 AND kind = 'warehouse'",
    )
    .bind(filing_id)
    .bind(enterprise_id)
    .fetch_optional(conn)
    .await?;
    let Some((status, app_type)) = row else {
        return Ok(None);
    };
    Ok(Some(DocumentHolder {
        status: status_from(status)?,
        app_type: app_type_from(app_type)?,
    }))
}

/// The query of how many bytes of documents the enterprise (bound at `enterprise`) stores:
/// kept by the database's triggers on `attachments` (migration 0012).
fn used_bytes(enterprise: &str) -> String {
    format!(
        "SELECT COALESCE((SELECT stored_bytes FROM enterprise_storage \
         WHERE enterprise_id = {enterprise}), 0)"
    )
}

/// Why adding `size` bytes to the filing was refused.
async fn refusal(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    filing_id: i64,
    size: i64,
) -> Result<Refused, StoreError> {
    let Some(record) = document_holder(conn, enterprise_id, filing_id).await? else {
        return Ok(Refused::NotFound);
    };
    if let Some(refused) = record.refusal() {
        return Ok(refused);
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE filing_id = $1")
        .bind(filing_id)
        .fetch_one(&mut *conn)
        .await?;
    if count >= MAX_FILES as i64 {
        return Ok(Refused::TooMany);
    }
    let used: i64 = sqlx::query_scalar(&used_bytes("$1"))
        .bind(enterprise_id)
        .fetch_one(conn)
        .await?;
    Ok(Refused::OverQuota {
        used: size_of(used),
        size: size_of(size),
    })
}

/// [`Store::add_attachment`] inside the writer's transaction.
async fn add_in(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    filing_id: i64,
    new: &NewAttachment,
    now: i64,
) -> Result<Result<AttachmentInfo, Refused>, StoreError> {
    let size = new.content.len() as i64;
    let raised = sqlx::query(&format!(
        "UPDATE filings SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND enterprise_id = $3 AND kind = 'warehouse' AND {} \
         AND (SELECT COUNT(*) FROM attachments WHERE filing_id = $2) < $4 \
         AND ({}) + $5 <= $6",
        editable(),
        used_bytes("$3"),
    ))
    .bind(now)
    .bind(filing_id)
    .bind(enterprise_id)
    .bind(MAX_FILES as i64)
    .bind(size)
    .bind(MAX_ENTERPRISE_BYTES as i64)
    .execute(&mut *conn)
    .await?;
    if raised.rows_affected() == 0 {
        return Ok(Err(refusal(conn, enterprise_id, filing_id, size).await?));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (filing_id, enterprise_id, doc_type, file_name, content_type, \
         size, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(filing_id)
    .bind(enterprise_id)
    .bind(&new.doc_type)
    .bind(&new.file_name)
    .bind(&new.content_type)
    .bind(size)
    .bind(&new.sha256)
    .bind(new.content.as_ref())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(Ok(AttachmentInfo {
        id,
        doc_type: new.doc_type.clone(),
        file_name: new.file_name.clone(),
        size: size_of(size),
        sha256: new.sha256.clone(),
        content_type: new.content_type.clone(),
    }))
}

/// [`Store::delete_attachment`] inside the writer's transaction.
async fn delete_in(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    filing_id: i64,
    attachment_id: i64,
    now: i64,
) -> Result<Result<(), Refused>, StoreError> {
    let raised = sqlx::query(&format!(
        "UPDATE filings SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND enterprise_id = $3 AND kind = 'warehouse' AND {} \
         AND EXISTS (SELECT 1 FROM attachments WHERE id = $4 AND filing_id = $2)",
        editable()
    ))
    .bind(now)
    .bind(filing_id)
    .bind(enterprise_id)
    .bind(attachment_id)
    .execute(&mut *conn)
    .await?;
    if raised.rows_affected() == 0 {
        let refused = match document_holder(conn, enterprise_id, filing_id).await? {
            Some(record) => record.refusal(),
            None => None,
        };
        return Ok(Err(refused.unwrap_or(Refused::NotFound)));
    }
    sqlx::query("DELETE FROM attachments WHERE id = $1")
        .bind(attachment_id)
        .execute(conn)
        .await?;
    Ok(Ok(()))
}

impl Store {
    /// The documents of a filing, oldest first (without their content).
    pub async fn attachments(&self, filing_id: i64) -> Result<Vec<AttachmentInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, doc_type, file_name, size, sha256, content_type FROM attachments \
             WHERE filing_id = $1 ORDER BY id",
        )
        .bind(filing_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(attachment_info)
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    /// Stores a document on an editable warehouse filing of the enterprise and raises the
    /// filing's version — unless the filing has [`MAX_FILES`] already or the enterprise's
    /// documents would exceed [`MAX_ENTERPRISE_BYTES`].
    pub async fn add_attachment(
        &self,
        enterprise_id: i64,
        filing_id: i64,
        new: NewAttachment,
    ) -> Result<Result<AttachmentInfo, Refused>, StoreError> {
        let now = now_ms();
        self.write(move |conn| {
            let new = new.clone();
            Box::pin(async move { add_in(conn, enterprise_id, filing_id, &new, now).await })
        })
        .await
    }

    /// Removes a document from an editable warehouse filing of the enterprise and raises the
    /// filing's version.
    pub async fn delete_attachment(
        &self,
        enterprise_id: i64,
        filing_id: i64,
        attachment_id: i64,
    ) -> Result<Result<(), Refused>, StoreError> {
        let now = now_ms();
        self.write(move |conn| {
            Box::pin(delete_in(
                conn,
                enterprise_id,
                filing_id,
                attachment_id,
                now,
            ))
        })
        .await
    }

    /// A document of a warehouse filing of the enterprise — its own, or one of its amendments' (an
    /// approved 变更 brings the filing's current documents).
    pub async fn attachment_content(
        &self,
        enterprise_id: i64,
        filing_id: i64,
        attachment_id: i64,
    ) -> Result<Option<AttachmentContent>, StoreError> {
        let row = sqlx::query(
            "SELECT a.file_name, a.content_type, a.content FROM attachments a \
             JOIN filings f ON f.id = a.filing_id \
             WHERE a.id = $1 AND (a.filing_id = $2 OR f.amends_id = $2) AND f.enterprise_id = $3 \
             AND f.kind = 'warehouse'",
        )
        .bind(attachment_id)
        .bind(filing_id)
        .bind(enterprise_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .map(|r| -> Result<_, sqlx::Error> {
                Ok(AttachmentContent {
                    file_name: r.try_get("file_name")?,
                    content_type: r.try_get("content_type")?,
                    content: r.try_get("content")?,
                })
            })
            .transpose()?)
    }

    /// Freezes the filing's documents as they are in this transaction beside the outbox message
    /// `outbox_id` of its declaration.
    pub(super) async fn freeze_attachments_in(
        conn: &mut AnyConnection,
        outbox_id: i64,
        filing_id: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO outbox_attachments (outbox_id, attachment_id, sha256, size) \
             SELECT $1, id, sha256, size FROM attachments WHERE filing_id = $2",
        )
        .bind(outbox_id)
        .bind(filing_id)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The documents frozen with each of the outbox messages `outbox_ids` (one query), by
    /// message, in the order its declaration lists them, each with what is stored under its id
    /// now.
    pub async fn frozen_attachments(
        &self,
        outbox_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<FrozenAttachment>>, StoreError> {
        let mut frozen: HashMap<i64, Vec<FrozenAttachment>> = HashMap::new();
        if outbox_ids.is_empty() {
            return Ok(frozen);
        }
        let placeholders: Vec<String> = (1..=outbox_ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT o.outbox_id, o.attachment_id, o.sha256, o.size, a.doc_type, a.file_name, \
             a.content FROM outbox_attachments o LEFT JOIN attachments a ON a.id = o.attachment_id \
             WHERE o.outbox_id IN ({}) ORDER BY o.outbox_id, o.attachment_id",
            placeholders.join(", ")
        );
        let rows = outbox_ids
            .iter()
            .fold(sqlx::query(&sql), |query, id| query.bind(*id))
            .fetch_all(self.pool())
            .await?;
        for r in &rows {
            let doc_type: Option<String> = r.try_get("doc_type")?;
            let file = match doc_type {
                Some(doc_type) => Some(AttachmentFile {
                    doc_type,
                    file_name: r.try_get("file_name")?,
                    content: r.try_get("content")?,
                }),
                None => None,
            };
            frozen
                .entry(r.try_get("outbox_id")?)
                .or_default()
                .push(FrozenAttachment {
                    attachment_id: r.try_get("attachment_id")?,
                    sha256: r.try_get("sha256")?,
                    size: size_of(r.try_get("size")?),
                    file,
                });
        }
        Ok(frozen)
    }
}
