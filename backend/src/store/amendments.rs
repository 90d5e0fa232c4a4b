//! 变更 and 注销 of approved filings (`0013_amendments.sql`, rules in
//! [`owf_shared::amendment`]): opening a change as a draft copy of the approved filing, declaring
//! a cancellation, what customs' approval of an amendment does to the approved filing, and the
//! versions every approval keeps.
//!
//! An amendment is a row of `filings` naming the approved filing (`amends_id`), numbered
//! `{申请编号}-{version}`; it goes through 暂存, 申报, the relay and the receipts like any filing.
//! Opening one moves the approved filing's version on, so that of two clerks opening a 变更 and a
//! 注销 at once exactly one succeeds; the unique index `filings_one_pending` keeps it to one
//! amendment at a time whatever the path.

use owf_shared::amendment::{on_amendment_approved, AppType};
use owf_shared::api::AttachmentInfo;
use owf_shared::status::Status;
use sqlx::{AnyConnection, Row};

use super::attachments::attachment_info;
use super::filings::{
    app_type_from, declare_in, kind_code, record_by_id_in, write_error, write_form_in, Created,
    Declared, FilingRecord, IndexColumns, OutboxMessage, CURRENT_DOCUMENTS,
};
use super::history::{
    append_history, transition_in, HistoryRecord, Ledger, Transition, CUSTOMS_ACTOR,
};
use super::{Store, StoreError};
use crate::clock::now_ms;

/// One approved version of a filing.
#[derive(Debug, Clone)]
pub struct VersionRecord {
    /// 版本 1, 2, …
    pub version_no: i64,
    /// 新增 for version 1, then 变更 or 注销.
    pub app_type: AppType,
    pub form_json: String,
    pub approved_at: i64,
    pub return_info: Option<String>,
    /// The proof documents the approved declaration carried (a warehouse's; none for 注销).
    pub documents: Vec<AttachmentInfo>,
}

impl Store {
    /// 变更 of the approved filing `root`: a draft amendment carrying the approved content and
    /// the current version's documents. `None` when `root` is no longer approved at
    /// `root.version`; [`StoreError::Duplicate`] with `PendingAmendment` when another amendment
    /// is under way.
    pub async fn open_change(
        &self,
        root: FilingRecord,
        actor: String,
    ) -> Result<Option<Created>, StoreError> {
        let now = now_ms();
        self.write(move |conn| {
            let (root, actor) = (root.clone(), actor.clone());
            Box::pin(async move {
                let Some(id) =
                    insert_amendment(conn, &root, AppType::Change, &actor, None, now).await?
                else {
                    return Ok(None);
                };
                sqlx::query(&format!(
                    "INSERT INTO attachments (filing_id, enterprise_id, doc_type, file_name, \
                         content_type, size, sha256, content, created_at) \
                         SELECT $1, a.enterprise_id, a.doc_type, a.file_name, a.content_type, \
                         a.size, a.sha256, a.content, $2 FROM attachments a, filings f \
                         WHERE f.id = $3 AND a.filing_id = {CURRENT_DOCUMENTS} ORDER BY a.id"
                ))
                .bind(id)
                .bind(now)
                .bind(root.id)
                .execute(&mut *conn)
                .await?;
                let entry = HistoryRecord {
                    at: now,
                    actor,
                    from: None,
                    to: Status::Draft,
                    note: "变更暂存".into(),
                    detail: String::new(),
                };
                append_history(conn, Ledger::Filings, id, &entry).await?;
                let record = record_by_id_in(conn, id).await?;
                Ok(Some(Created { record, entry }))
            })
        })
        .await
    }

    /// 注销 of the approved filing `root` with its reason, declared at once: the amendment in
    /// 申报中 with its message in the outbox. `None` as for [`Store::open_change`]. The
    /// message is built by the caller, for `root`'s 申请编号 with appType 3.
    pub async fn declare_cancel(
        &self,
        root: FilingRecord,
        actor: String,
        reason: String,
        message: OutboxMessage,
    ) -> Result<Option<Declared>, StoreError> {
        let now = now_ms();
        let dialect = self.dialect();
        let declared = self
            .write(move |conn| {
                let (root, actor, reason, message) =
                    (root.clone(), actor.clone(), reason.clone(), message.clone());
                Box::pin(async move {
                    let Some(id) =
                        insert_amendment(conn, &root, AppType::Cancel, &actor, Some(&reason), now)
                            .await?
                    else {
                        return Ok(None);
                    };
                    let record = record_by_id_in(conn, id).await?;
                    let t = Transition {
                        id,
                        version: record.version,
                        from: Status::Draft,
                        to: Status::Declared,
                        actor,
                        note: format!("注销申报（原因：{reason}），报文已进入发送队列"),
                        detail: String::new(),
                    };
                    declare_in(conn, dialect, record, t, message, now).await
                })
            })
            .await?;
        Ok(self.announced(declared))
    }

    /// 删除 of the enterprise's amendment `t.id` that was declared before
    /// ([`owf_shared::amendment::Removal::Withdrawn`]): `t` moves it to 8 已撤回 with its timeline
    /// and message kept, and it lets go of the names, numbers and addresses it reserved. `false`
    /// when it is no longer at `t.version`.
    pub async fn withdraw_amendment(
        &self,
        enterprise_id: i64,
        t: Transition,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        self.write(move |conn| {
            let t = t.clone();
            Box::pin(async move {
                if !transition_in(conn, Ledger::Filings, enterprise_id, &t, now).await? {
                    return Ok(false);
                }
                sqlx::query(
                    "UPDATE filings SET wh_name_key = NULL, wh_code = NULL, address_key = NULL \
                     WHERE id = $1",
                )
                .bind(t.id)
                .execute(&mut *conn)
                .await?;
                Ok(true)
            })
        })
        .await
    }

    /// The approved versions of the enterprise's filing `filing_id`, oldest first.
    pub async fn versions(
        &self,
        enterprise_id: i64,
        filing_id: i64,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.version_no, v.app_type, v.form_json, v.approved_at, \
             v.return_info FROM filing_versions v JOIN filings f ON f.id = v.filing_id \
             WHERE v.filing_id = $1 AND f.enterprise_id = $2 ORDER BY v.version_no",
        )
        .bind(filing_id)
        .bind(enterprise_id)
        .fetch_all(self.pool())
        .await?;
        let documents = sqlx::query(
            "SELECT v.version_no, a.id, a.doc_type, a.file_name, a.size, a.sha256, \
             a.content_type FROM filing_versions v JOIN filings f ON f.id = v.filing_id \
             JOIN attachments a ON a.filing_id = v.source_id \
             WHERE v.filing_id = $1 AND f.enterprise_id = $2 ORDER BY a.id",
        )
        .bind(filing_id)
        .bind(enterprise_id)
        .fetch_all(self.pool())
        .await?;
        let mut versions = rows
            .iter()
            .map(|row| {
                Ok(VersionRecord {
                    version_no: row.try_get("version_no")?,
                    app_type: app_type_from(row.try_get("app_type")?)?,
                    form_json: row.try_get("form_json")?,
                    approved_at: row.try_get("approved_at")?,
                    return_info: row.try_get("return_info")?,
                    documents: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        for row in &documents {
            let version_no: i64 = row.try_get("version_no")?;
            if let Some(version) = versions.iter_mut().find(|v| v.version_no == version_no) {
                version.documents.push(attachment_info(row)?);
            }
        }
        Ok(versions)
    }
}

/// Inserts an amendment of `root` as a draft numbered after its next version; `None` when `root`
/// is no longer approved at `root.version`. The approved filing's version moves on.
async fn insert_amendment(
    conn: &mut AnyConnection,
    root: &FilingRecord,
    app_type: AppType,
    actor: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let fenced = sqlx::query(
        "UPDATE filings SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND enterprise_id = $3 AND version = $4 AND status = $5",
    )
    .bind(now)
    .bind(root.id)
    .bind(root.enterprise_id)
    .bind(root.version)
    .bind(i64::from(Status::Approved.code()))
    .execute(&mut *conn)
    .await?;
    if fenced.rows_affected() == 0 {
        return Ok(None);
    }
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version_no), 0) + 1 FROM filing_versions WHERE filing_id = $1",
    )
    .bind(root.id)
    .fetch_one(&mut *conn)
    .await?;
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT apply_no FROM filings WHERE amends_id = $1")
            .bind(root.id)
            .fetch_all(&mut *conn)
            .await?;
    // The guarded columns start empty: the amendment changes nothing yet (see `SAVE_SQL`).
    let id = sqlx::query_scalar(
        "INSERT INTO filings (enterprise_id, kind, apply_no, registration_id, operator_card_no, \
         form_json, trade_modes, wh_name, country_code, ownership, lease_end, status, version, \
         created_at, updated_at, amends_id, app_type, amend_reason, amend_version) \
         SELECT enterprise_id, kind, $1, registration_id, $2, form_json, trade_modes, wh_name, \
         country_code, ownership, lease_end, $3, 1, $4, $4, id, $5, $6, $9 FROM filings \
         WHERE id = $7 AND kind = $8 RETURNING id",
    )
    .bind(amendment_number(&root.apply_no, &numbers, next))
    .bind(actor)
    .bind(i64::from(Status::Draft.code()))
    .bind(now)
    .bind(i64::from(app_type.code()))
    .bind(reason)
    .bind(root.id)
    .bind(kind_code(root.kind))
    .bind(next)
    .fetch_one(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(Some(id))
}

/// The number of a new amendment of the filing `apply_no` that becomes version `version`:
/// `{申请编号}-{version}`, or — when a withdrawn attempt at that version holds it — the number after
/// the highest of the amendments numbered so far (`taken`).
fn amendment_number(apply_no: &str, taken: &[String], version: i64) -> String {
    let highest = taken
        .iter()
        .filter_map(|n| n.rsplit_once('-')?.1.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    format!("{apply_no}-{}", version.max(highest + 1))
}

/// What customs' approval (审核通过) of the filing `id` keeps and changes, inside the receipt's
/// transaction: a 新增 becomes version 1; an amendment becomes the approved filing's next
/// version — a 变更 its content, a 注销 its end in 已注销.
pub(super) async fn on_approved_in(
    conn: &mut AnyConnection,
    id: i64,
    return_info: &str,
    now: i64,
) -> Result<(), StoreError> {
    let record = record_by_id_in(conn, id).await?;
    let Some(root_id) = record.amends_id else {
        insert_version(conn, id, 1, &record, return_info, now).await?;
        return Ok(());
    };
    let root = record_by_id_in(conn, root_id).await?;
    let to = on_amendment_approved(root.status, record.app_type)
        .map_err(|_| StoreError::ConcurrentChange)?;
    let version_no = record.amend_version.unwrap_or(1);
    insert_version(conn, root_id, version_no, &record, return_info, now).await?;
    let label = record.app_type.label();
    let t = Transition {
        id: root_id,
        version: root.version,
        from: root.status,
        to,
        actor: CUSTOMS_ACTOR.to_owned(),
        note: format!("{label}审核通过，版本 {version_no} 生效"),
        detail: format!("回执原文：{return_info}"),
    };
    if record.app_type == AppType::Change {
        adopt_content_in(conn, &record, &root).await?;
        append_history(conn, Ledger::Filings, root_id, &t.entry(now)).await?;
    }
    if !transition_in(conn, Ledger::Filings, root.enterprise_id, &t, now).await? {
        return Err(StoreError::ConcurrentChange);
    }
    Ok(())
}

async fn insert_version(
    conn: &mut AnyConnection,
    filing_id: i64,
    version_no: i64,
    source: &FilingRecord,
    return_info: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO filing_versions (filing_id, version_no, app_type, source_id, form_json, \
         approved_at, return_info) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(filing_id)
    .bind(version_no)
    .bind(i64::from(source.app_type.code()))
    .bind(source.id)
    .bind(&source.form_json)
    .bind(now)
    .bind(return_info)
    .execute(conn)
    .await?;
    Ok(())
}

/// The approved 变更 `change` becomes the content of `root`: the change releases the values
/// it reserved, the approved filing takes its form and the columns read from it.
async fn adopt_content_in(
    conn: &mut AnyConnection,
    change: &FilingRecord,
    root: &FilingRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE filings SET wh_name_key = NULL, wh_code = NULL, address_key = NULL WHERE id = $1",
    )
    .bind(change.id)
    .execute(&mut *conn)
    .await?;
    let ix = IndexColumns::of_stored(change.kind, &change.form_json)?;
    write_form_in(
        conn,
        root.id,
        &root.operator_card_no,
        &change.form_json,
        &ix,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::amendment_number;

    #[test]
    fn an_amendment_is_numbered_by_its_version_unless_a_withdrawn_one_holds_that_number() {
        let taken = |numbers: &[&str]| numbers.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(amendment_number("W1", &[], 2), "W1-2");
        assert_eq!(amendment_number("W1", &taken(&["W1-2"]), 3), "W1-3");
        assert_eq!(
            amendment_number("W1", &taken(&["W1-2", "W1-3"]), 3),
            "W1-4",
            "W1-3 was withdrawn"
        );
    }
}
