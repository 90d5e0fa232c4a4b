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
            "SELECT id, doc_type, file_name, size, sha256 FROM attachments \
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
