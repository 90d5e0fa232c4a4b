//! 证明材料: proof documents of warehouse filings, stored in the database.

use owf_shared::api::AttachmentInfo;
use sqlx::Row;

use super::{Store, StoreError};

/// A proof document with its content, as it travels to customs with the declaration.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub doc_type: String,
    pub file_name: String,
    pub content: Vec<u8>,
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
            .map(|r| -> Result<_, sqlx::Error> {
                Ok(AttachmentInfo {
                    id: r.try_get("id")?,
                    doc_type: r.try_get("doc_type")?,
                    file_name: r.try_get("file_name")?,
                    size: u64::try_from(r.try_get::<i64, _>("size")?).unwrap_or_default(),
                    sha256: r.try_get("sha256")?,
                    content_type: r.try_get("content_type")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    /// The documents of a filing with their content, oldest first.
    pub async fn attachment_files(
        &self,
        filing_id: i64,
    ) -> Result<Vec<AttachmentFile>, StoreError> {
        let rows = sqlx::query(
            "SELECT doc_type, file_name, content FROM attachments WHERE filing_id = $1 ORDER BY id",
        )
        .bind(filing_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| -> Result<_, sqlx::Error> {
                Ok(AttachmentFile {
                    doc_type: r.try_get("doc_type")?,
                    file_name: r.try_get("file_name")?,
                    content: r.try_get("content")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}

/// A document to store.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub doc_type: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
}

/// A stored document's content for download.
#[derive(Debug, Clone)]
pub struct AttachmentContent {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Filing statuses in which documents may be added or removed (those that allow 暂存).
fn editable_statuses() -> String {
    owf_shared::status::Status::ALL
        .into_iter()
        .filter(|s| s.allows(owf_shared::status::Action::Save))
        .map(|s| s.code().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Stores a document on an editable warehouse filing of the enterprise, unless it already
    /// has `max_files`; `None` when nothing was stored.
    pub async fn add_attachment(
        &self,
        enterprise_id: i64,
        filing_id: i64,
        max_files: usize,
        new: &NewAttachment<'_>,
    ) -> Result<Option<AttachmentInfo>, StoreError> {
        let sql = format!(
            "INSERT INTO attachments (filing_id, doc_type, file_name, content_type, size, sha256, content, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM filings \
             WHERE id = $1 AND enterprise_id = $9 AND kind = 'warehouse' AND status IN ({})) \
             AND (SELECT COUNT(*) FROM attachments WHERE filing_id = $1) < $10 RETURNING id",
            editable_statuses()
        );
        let id: Option<i64> = sqlx::query_scalar(&sql)
            .bind(filing_id)
            .bind(new.doc_type)
            .bind(new.file_name)
            .bind(new.content_type)
            .bind(new.content.len() as i64)
            .bind(new.sha256)
            .bind(new.content)
            .bind(super::now_ms())
            .bind(enterprise_id)
            .bind(max_files as i64)
            .fetch_optional(self.pool())
            .await?;
        Ok(id.map(|id| AttachmentInfo {
            id,
            doc_type: new.doc_type.to_owned(),
            file_name: new.file_name.to_owned(),
            size: new.content.len() as u64,
            sha256: new.sha256.to_owned(),
            content_type: new.content_type.to_owned(),
        }))
    }

    /// A document of a warehouse filing of the enterprise.
    pub async fn attachment_content(
        &self,
        enterprise_id: i64,
        filing_id: i64,
        attachment_id: i64,
    ) -> Result<Option<AttachmentContent>, StoreError> {
        let row = sqlx::query(
            "SELECT a.file_name, a.content_type, a.content FROM attachments a \
             JOIN filings f ON f.id = a.filing_id \
             WHERE a.id = $1 AND a.filing_id = $2 AND f.enterprise_id = $3 AND f.kind = 'warehouse'",
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

    /// Removes a document from an editable warehouse filing of the enterprise; `false` when
    /// there is no such document or the filing is not editable.
    pub async fn delete_attachment(
        &self,
        enterprise_id: i64,
        filing_id: i64,
        attachment_id: i64,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "DELETE FROM attachments WHERE id = $1 AND filing_id = $2 AND EXISTS (SELECT 1 FROM filings \
             WHERE id = $2 AND enterprise_id = $3 AND kind = 'warehouse' AND status IN ({}))",
            editable_statuses()
        );
        let done = sqlx::query(&sql)
            .bind(attachment_id)
            .bind(filing_id)
            .bind(enterprise_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
