//! 海外仓资料信息: the registration they need (rule R3), 一仓一表, writes arriving together, and
//! what 申报 needs.

use owf_shared::fixtures::{leased_warehouse, PDF, ZONE};
use owf_shared::form::WarehouseForm;
use owf_shared::status::Status;

use axum::http::StatusCode;

use crate::helpers::{both_databases, TestApp};
use crate::setup::{approved_registration, warehouse_with_lease};

/// [`leased_warehouse`] named `name` at `address`.
fn leased_at(name: &str, address: &str) -> WarehouseForm {
    WarehouseForm {
        wh_address: address.into(),
        ..leased_warehouse(name)
    }
}

/// R3 as the manual states it: warehouse drafts need a registration in the filing table (any
/// status), declaring needs it approved.
async fn warehouse_drafts_need_a_registration_and_declaring_an_approved_one(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let eligibility = zone.eligibility().await.unwrap();
    assert!(!eligibility.allowed);
    assert!(eligibility.reason.unwrap().contains("尚未办理"));
    let refusal = zone.create(&leased_warehouse("DC")).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["_form"].contains("海外仓企业登记"),
        "{refusal:?}"
    );
    let reg = zone.create(&ZONE.registration()).await.unwrap();
    zone.declare(&reg).await.unwrap();
    // 申报中: drafts allowed, declaring refused with the registration, its status and what to do.
    let eligibility = zone.eligibility().await.unwrap();
    assert!(eligibility.allowed, "{eligibility:?}");
    assert!(!eligibility.declarable, "{eligibility:?}");
    assert_eq!(eligibility.registration_status, Some(Status::Declared));
    assert_eq!(eligibility.trade_modes, ["9810", "1210"]);
    let (wh, _) = warehouse_with_lease(&zone).await;
    assert_eq!(wh.ent_apply_no, reg.ent_apply_no);
    let wh = zone.reload(&wh).await.unwrap();
    let form = WarehouseForm {
        note: "暂存时企业登记尚在申报中".into(),
        ..leased_warehouse("DC")
    };
    let wh = zone.save(&wh, &form).await.expect("edited while 申报中");
    let refusal = zone.declare(&wh).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = &refusal.error.fields["_form"];
    assert!(message.contains(&reg.ent_apply_no), "{message}");
    assert!(message.contains("“申报中”"), "{message}");
    assert!(message.contains("请等待海关审核通过"), "{message}");
    assert_eq!(eligibility.declare_reason.as_ref(), Some(message));
    // 审核通过: now it may be declared.
    app.force_status(reg.id, Status::Approved).await;
    let eligibility = zone.eligibility().await.unwrap();
    assert!(eligibility.declarable, "{eligibility:?}");
    let declared = zone.declare(&wh).await.unwrap();
    assert_eq!(declared.lifecycle.status, Status::Declared);
}

async fn one_warehouse_one_form(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    approved_registration(&app, &zone, &ZONE).await;
    let first = leased_at("LA Ontario DC", "1500 S. Milliken Ave");
    zone.create(&first).await.unwrap();
    let same_address = leased_at("Another name", "1500 s milliken ave");
    let refusal = zone.create(&same_address).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["wh_address"].contains("一仓一表"),
        "{refusal:?}"
    );
    let same_name = leased_at("la ontario  dc", "9 Other Rd");
    let refusal = zone.create(&same_name).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refusal.error.fields.contains_key("wh_name"), "{refusal:?}");
    let numbered = WarehouseForm {
        wh_code: "WH-01".into(),
        ..leased_at("Numbered DC", "1 Numbered Rd")
    };
    zone.create(&numbered).await.unwrap();
    let renumbered = WarehouseForm {
        wh_name: "Renumbered DC".into(),
        wh_address: "2 Numbered Rd".into(),
        ..numbered
    };
    let refusal = zone.create(&renumbered).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["wh_code"].contains("相同海外仓编号"),
        "{refusal:?}"
    );
    assert_eq!(app.count("filings WHERE kind = 'warehouse'").await, 2);
}

/// Writes arriving together are committed together: a refused one (a duplicate name) leaves
/// the others saved and takes back everything it wrote — no 申请编号 is skipped.
async fn writes_arriving_together_fail_alone(app: TestApp) {
    let app = app.with_demo().await;
    let zone = &app.login(&ZONE).await;
    approved_registration(&app, zone, &ZONE).await;
    let forms = (0..10).flat_map(|i| {
        let name = format!("DC {i}");
        let again = (i == 3 || i == 7).then(|| leased_at(&name, &format!("{i} Other Road")));
        std::iter::once(leased_warehouse(&name)).chain(again)
    });
    let answers =
        futures_util::future::join_all(forms.map(|form| async move { zone.create(&form).await }))
            .await;
    let (created, refused): (Vec<_>, Vec<_>) = answers.into_iter().partition(Result::is_ok);
    assert_eq!(created.len(), 10);
    for refusal in refused.into_iter().map(Result::unwrap_err) {
        assert_eq!(
            refusal.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{refusal:?}"
        );
        assert!(refusal.error.fields.contains_key("wh_name"), "{refusal:?}");
    }
    let mut serials: Vec<u64> = created
        .into_iter()
        .map(|d| d.unwrap().wh_apply_no[9..].parse().unwrap())
        .collect();
    serials.sort();
    assert_eq!(serials.last().unwrap() - serials[0], 9, "{serials:?}");
    assert_eq!(app.count("filings WHERE kind = 'warehouse'").await, 10);
    assert_eq!(
        app.count(
            "filing_history h JOIN filings f ON f.id = h.filing_id WHERE f.kind = 'warehouse'"
        )
        .await,
        10
    );
}

async fn warehouse_declare_needs_its_proof_document_and_a_registered_mode(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    approved_registration(&app, &zone, &ZONE).await;
    // A mode the registration does not hold is refused already as a draft.
    let unregistered_mode = WarehouseForm {
        trade_mode: "0110".into(),
        ..leased_warehouse("LA Ontario DC")
    };
    let refusal = zone.create(&unregistered_mode).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = &refusal.error.fields["trade_mode"];
    assert!(
        message.contains("0110") && message.contains("已登记：9810、1210"),
        "{refusal:?}"
    );
    let wh = zone
        .create(&leased_warehouse("LA Ontario DC"))
        .await
        .unwrap();
    let refusal = zone.declare(&wh).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["attachments"].contains("租赁协议"),
        "{refusal:?}"
    );
    let lease = zone.upload(&wh, "02", "lease.pdf", PDF).await.unwrap();
    let detail = zone.reload(&wh).await.unwrap();
    assert_eq!(
        detail.lifecycle.version, 2,
        "a new document is a change of the filing"
    );
    let saved = zone
        .save(&detail, &leased_warehouse("LA Ontario DC"))
        .await
        .unwrap();
    assert_eq!(saved.attachments[0].file_name, "lease.pdf");
    let declared = zone.declare(&saved).await.unwrap();
    assert_eq!(declared.lifecycle.status, Status::Declared);
    let refusal = zone.upload(&wh, "03", "x.pdf", PDF).await.unwrap_err();
    assert_eq!(
        refusal.status,
        StatusCode::CONFLICT,
        "no documents added after 申报: {refusal:?}"
    );
    assert_eq!(
        refusal.error.message,
        "当前状态为“申报中”，不能再添加证明材料"
    );
    let refusal = zone.remove(&wh, &lease).await.unwrap_err();
    assert_eq!(
        refusal.status,
        StatusCode::CONFLICT,
        "none removed either: {refusal:?}"
    );
    assert_eq!(
        refusal.error.message,
        "当前状态为“申报中”，不能删除证明材料"
    );
    assert_eq!(app.count("attachments").await, 1);
}

both_databases!(
    warehouse_drafts_need_a_registration_and_declaring_an_approved_one,
    one_warehouse_one_form,
    writes_arriving_together_fail_alone,
    warehouse_declare_needs_its_proof_document_and_a_registered_mode,
);
