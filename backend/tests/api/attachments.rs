//! 证明材料: uploads checked by content and size, the enterprise's storage quota, file names,
//! and removal racing 申报.

use axum::http::{header, StatusCode};
use owf_shared::fixtures::{leased_warehouse, PDF, PLAIN, ZONE};
use owf_shared::form::WarehouseForm;

use crate::helpers::{both_databases, TestApp};
use crate::setup::{approved_registration, warehouse_with_lease};

async fn uploads_are_checked_by_content_and_size(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    approved_registration(&app, &zone, &ZONE).await;
    let wh = zone.create(&leased_warehouse("DC")).await.unwrap();
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
    let refusal = zone.upload(&wh, "02", "lease.pdf", elf).await.unwrap_err();
    assert_eq!(
        refusal.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an executable renamed to .pdf"
    );
    assert!(
        refusal.error.fields["attachments"].contains("PDF"),
        "{refusal:?}"
    );
    let mut big = PDF.to_vec();
    big.resize(11 * 1024 * 1024, b' ');
    let refusal = zone.upload(&wh, "02", "big.pdf", &big).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::PAYLOAD_TOO_LARGE, "{refusal:?}");
    assert_eq!(refusal.error.code, "payload_too_large");
    assert!(refusal.error.message.contains("11.0 MB"), "{refusal:?}");
    assert_eq!(app.count("attachments").await, 0, "nothing stored");
    let refusal = zone.upload(&wh, "07", "a.pdf", PDF).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refusal.error.fields.contains_key("doc_type"));
    let info = zone
        .upload(&wh, "01", "..%2F..%2F%E4%BA%A7%E6%9D%83.pdf", PDF)
        .await
        .unwrap();
    assert_eq!(info.file_name, "产权.pdf", "kept for display, never a path");
    assert_eq!(info.size, PDF.len() as u64);
    assert_eq!(info.sha256.len(), 64);
    assert_eq!(
        info.content_type, "application/pdf",
        "recognised by content"
    );
    let (status, headers, bytes) = zone.download(&wh, &info).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename*=UTF-8''%E4%BA%A7%E6%9D%83.pdf",
        "saved, never opened in the API's origin"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let (status, _, _) = plain.download(&wh, &info).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another enterprise cannot download"
    );
    let refusal = plain.remove(&wh, &info).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::NOT_FOUND);
    zone.remove(&wh, &info).await.unwrap();
    assert_eq!(app.count("attachments").await, 0);
}

async fn each_enterprise_has_a_storage_quota(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    approved_registration(&app, &zone, &ZONE).await;
    let (wh, _) = warehouse_with_lease(&zone).await;
    let other = zone.create(&leased_warehouse("DC 2")).await.unwrap();
    // Test setup: another warehouse of the enterprise holds documents up to less than one more
    // PDF below the quota.
    let filler = owf_shared::proof::MAX_ENTERPRISE_BYTES as i64 - 2 * PDF.len() as i64 + 1;
    sqlx::query(
        "INSERT INTO attachments (filing_id, enterprise_id, doc_type, file_name, content_type, \
         size, sha256, content, created_at) SELECT id, enterprise_id, '99', 'archive.pdf', \
         'application/pdf', $2, '', $3, 0 FROM filings WHERE id = $1",
    )
    .bind(other.id)
    .bind(filler)
    .bind(PDF)
    .execute(app.store.write_pool())
    .await
    .unwrap();
    let before = app.count("attachments").await;
    let refusal = zone.upload(&wh, "99", "more.pdf", PDF).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::PAYLOAD_TOO_LARGE, "{refusal:?}");
    assert_eq!(refusal.error.code, "payload_too_large");
    let message = &refusal.error.message;
    assert!(
        message.contains("200.0 MB 的存储上限") && message.contains("请先移除"),
        "{message}"
    );
    assert_eq!(app.count("attachments").await, before, "nothing stored");
    let detail = zone.reload(&wh).await.unwrap();
    assert_eq!(detail.lifecycle.version, 2, "the filing unchanged");

    // Deleting the draft that holds the documents gives their bytes back.
    zone.delete(&other).await.unwrap();
    zone.upload(&wh, "99", "more.pdf", PDF).await.unwrap();

    // The quota is the enterprise's own: another enterprise still uploads.
    approved_registration(&app, &plain, &PLAIN).await;
    let theirs = plain.create(&leased_warehouse("DC")).await.unwrap();
    plain.upload(&theirs, "02", "l.pdf", PDF).await.unwrap();
}

async fn names_and_file_names_with_invisible_controls_are_refused(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    approved_registration(&app, &zone, &ZONE).await;
    let reversed = WarehouseForm {
        wh_address: "1 Road".into(),
        ..leased_warehouse("LA\u{202E}CD")
    };
    let refusal = zone.create(&reversed).await.unwrap_err();
    assert_eq!(
        refusal.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refusal:?}"
    );
    assert_eq!(
        refusal.error.fields["wh_name"],
        "海外仓名称不能包含不可见的格式控制字符 U+202E（它会改变文字的显示方向或隐藏内容）"
    );
    let (wh, _) = warehouse_with_lease(&zone).await;
    let before = app.count("attachments").await;
    // invoice<U+202E>fdp.exe, which shows as invoiceexe.pdf; and a zero-width space.
    for name in ["invoice%E2%80%AEfdp.exe", "lease%E2%80%8B.pdf"] {
        let refusal = zone.upload(&wh, "99", name, PDF).await.unwrap_err();
        assert_eq!(
            refusal.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{refusal:?}"
        );
        let message = &refusal.error.fields["attachments"];
        assert!(
            message.starts_with("文件名不能包含不可见的格式控制字符 U+"),
            "{message}"
        );
    }
    assert_eq!(app.count("attachments").await, before, "nothing stored");
}

/// 申报 and removing a proof document at the same moment, round after round: the declaration
/// stands with every document it lists (and the removal is refused), or the document is removed
/// and the declaration refused as stale — never a declared message listing a removed document,
/// and never a frozen set other than the one the message lists.
async fn declaring_while_a_document_is_removed_never_loses_it(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    approved_registration(&app, &zone, &ZONE).await;
    for round in 0..20 {
        let wh = zone
            .create(&leased_warehouse(&format!("DC {round}")))
            .await
            .unwrap();
        zone.upload(&wh, "02", "lease.pdf", PDF).await.unwrap();
        let extra = zone.upload(&wh, "99", "extra.pdf", PDF).await.unwrap();
        let detail = zone.reload(&wh).await.unwrap();
        let (declared, removed) = tokio::join!(zone.declare(&detail), zone.remove(&wh, &extra));
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT file_name FROM attachments WHERE filing_id = $1 ORDER BY id",
        )
        .bind(wh.id)
        .fetch_all(app.store.pool())
        .await
        .unwrap();
        let payload: Option<String> =
            sqlx::query_scalar("SELECT payload FROM outbox WHERE filing_id = $1")
                .bind(wh.id)
                .fetch_optional(app.store.pool())
                .await
                .unwrap();
        match payload {
            Some(payload) => {
                assert!(declared.is_ok(), "round {round}: {declared:?}");
                let listed = payload.matches("<owh:fileName>").count();
                assert!(
                    stored
                        .iter()
                        .all(|name| payload
                            .contains(&format!("<owh:fileName>{name}</owh:fileName>")))
                        && listed == stored.len(),
                    "round {round}: the message lists {listed} documents, {stored:?} are stored \
                     (removal answered {removed:?})"
                );
                let frozen: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM outbox_attachments a JOIN outbox o ON o.id = a.outbox_id \
                     WHERE o.filing_id = $1",
                )
                .bind(wh.id)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
                assert_eq!(
                    frozen, listed as i64,
                    "round {round}: the relay sends what is listed"
                );
                if let Err(refusal) = removed {
                    assert_eq!(
                        refusal.status,
                        StatusCode::CONFLICT,
                        "round {round}: {refusal:?}"
                    );
                }
            }
            None => {
                assert!(removed.is_ok(), "round {round}: {removed:?}");
                let refusal = declared.unwrap_err();
                assert_eq!(
                    refusal.status,
                    StatusCode::CONFLICT,
                    "round {round}: {refusal:?}"
                );
                assert_eq!(stored, ["lease.pdf"]);
            }
        }
    }
}

both_databases!(
    uploads_are_checked_by_content_and_size,
    each_enterprise_has_a_storage_quota,
    names_and_file_names_with_invisible_controls_are_refused,
    declaring_while_a_document_is_removed_never_loses_it,
);
