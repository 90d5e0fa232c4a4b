//! 海外仓企业登记: drafts, the rules of 申报, versions, deleting, and 退单.

use axum::http::{Method, StatusCode};
use owf_shared::api::RegistrationDetail;
use owf_shared::fixtures::{owned_warehouse, PLAIN, ZONE};
use owf_shared::form::RegistrationForm;
use owf_shared::status::Status;
use serde_json::json;

use crate::helpers::{both_databases, TestApp};
use crate::user::Answer;

/// The status of an answer: its success's, or the refusal's.
fn status_of<T>(answer: &Answer<T>, success: StatusCode) -> StatusCode {
    answer
        .as_ref()
        .map_or_else(|refusal| refusal.status, |_| success)
}

async fn registration_draft_gets_an_apply_no_and_identity_from_the_login(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    // A 海关编码 in the request body is not the form's: it is ignored.
    let mut form = serde_json::to_value(ZONE.registration()).unwrap();
    form["customs_code"] = json!("9999999999");
    let body = json!({ "form": form }).to_string();
    let (status, body) = zone
        .send(Method::POST, "/api/registrations", Some(&body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let detail: RegistrationDetail = serde_json::from_value(body).unwrap();
    let apply_no = &detail.ent_apply_no;
    assert_eq!(apply_no.len(), 18);
    assert!(apply_no.starts_with('E') && apply_no[1..].bytes().all(|b| b.is_ascii_digit()));
    assert!(apply_no.ends_with("000000001"));
    assert_eq!(
        detail.customs_code, "4403960ABC",
        "never from the request body"
    );
    assert_eq!(detail.operator_card_no, ZONE.card_no);
    assert_eq!(detail.lifecycle.status, Status::Draft);
    assert_eq!(detail.lifecycle.history[0].note, "新增暂存");
    assert_eq!(zone.reload(&detail).await.unwrap(), detail);
}

async fn a_draft_may_be_incomplete_but_not_malformed(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    let incomplete = RegistrationForm {
        contact_name: "林晓".into(),
        ..RegistrationForm::default()
    };
    let detail = zone.create(&incomplete).await.unwrap();
    assert_eq!(detail.form.contact_name, "林晓");
    let before = app.count("filings").await;
    let malformed = RegistrationForm {
        uscc: "91440300MA5G8K2P05".into(),
        ..RegistrationForm::default()
    };
    let refusal = plain.create(&malformed).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal.error.code, "validation");
    assert!(
        refusal.error.fields["uscc"].contains("应为 4"),
        "{refusal:?}"
    );
    assert_eq!(app.count("filings").await, before);
}

async fn one_registration_per_enterprise(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    zone.create(&ZONE.registration()).await.unwrap();
    let refusal = zone.create(&RegistrationForm::default()).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT, "{refusal:?}");
    assert!(refusal.error.message.contains("已有海外仓企业登记"));
}

async fn the_1210_mode_is_refused_for_a_non_zone_enterprise(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    let form = RegistrationForm {
        trade_modes: vec!["9810".into(), "1210".into()],
        ems_no: "T2900W000001".into(),
        ..PLAIN.registration()
    };
    let before = app.count("filings").await;
    let refusal = plain.create(&form).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["trade_modes"].contains("区内企业"),
        "{refusal:?}"
    );
    assert_eq!(app.count("filings").await, before);
    // The zone enterprise may, and then needs 账册编号 to declare.
    let without_ems_no = RegistrationForm {
        ems_no: String::new(),
        ..ZONE.registration()
    };
    let detail = zone.create(&without_ems_no).await.unwrap();
    let refusal = zone.declare(&detail).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refusal.error.fields.contains_key("ems_no"), "{refusal:?}");
}

/// [`ZONE`]'s registration with another 联系人.
fn contact(name: &str) -> RegistrationForm {
    RegistrationForm {
        contact_name: name.into(),
        ..ZONE.registration()
    }
}

async fn stale_updates_get_409_and_change_nothing(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let detail = zone.create(&ZONE.registration()).await.unwrap();
    let first = zone.save(&detail, &contact("第一位")).await.unwrap();
    assert_eq!(first.lifecycle.version, 2);
    // Saved again from the version 1 the user had read.
    let refusal = zone.save(&detail, &contact("第二位")).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT);
    assert_eq!(refusal.error.code, "conflict");
    let now = zone.reload(&detail).await.unwrap();
    assert_eq!(now.form.contact_name, "第一位");
}

async fn concurrent_updates_of_one_draft_exactly_one_wins(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let detail = zone.create(&ZONE.registration()).await.unwrap();
    let (first, second) = (contact("甲"), contact("乙"));
    let (a, b) = tokio::join!(zone.save(&detail, &first), zone.save(&detail, &second));
    let mut statuses = [status_of(&a, StatusCode::OK), status_of(&b, StatusCode::OK)];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let now = zone.reload(&detail).await.unwrap();
    assert_eq!(now.lifecycle.version, 2);
}

async fn declare_moves_to_declared_with_one_outbox_message(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let detail = zone.create(&ZONE.registration()).await.unwrap();
    let declared = zone.declare(&detail).await.unwrap();
    assert_eq!(declared.lifecycle.status, Status::Declared);
    assert!(declared.lifecycle.decl_time.is_some());
    let last = declared.lifecycle.history.last().unwrap();
    assert_eq!(
        (last.from, last.to),
        (Some(Status::Draft), Status::Declared)
    );
    assert_eq!(app.store.outbox_count(detail.id).await.unwrap(), 1);
    // Again (the user clicked twice): same answer, no second message.
    let again = zone.declare(&detail).await.unwrap();
    assert_eq!(again.lifecycle.status, Status::Declared);
    assert_eq!(app.store.outbox_count(detail.id).await.unwrap(), 1);
    // Declared filings are read-only.
    let refusal = zone
        .save(&declared, &ZONE.registration())
        .await
        .unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT);
    assert!(refusal.error.message.contains("申报中"), "{refusal:?}");
    let refusal = zone.delete(&declared).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT);
}

async fn concurrent_declares_write_exactly_one_message(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let detail = zone.create(&ZONE.registration()).await.unwrap();
    let (a, b) = tokio::join!(zone.declare(&detail), zone.declare(&detail));
    assert_eq!(a.unwrap().lifecycle.status, Status::Declared);
    assert_eq!(b.unwrap().lifecycle.status, Status::Declared);
    assert_eq!(app.store.outbox_count(detail.id).await.unwrap(), 1);
}

async fn a_discredited_enterprise_cannot_declare(app: TestApp) {
    let app = app.with_demo().await;
    let plain = app.login(&PLAIN).await;
    sqlx::query("UPDATE enterprises SET credit_level = 'discredited' WHERE customs_code = $1")
        .bind(PLAIN.customs_code)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    let detail = plain.create(&PLAIN.registration()).await.unwrap();
    let refusal = plain.declare(&detail).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["_form"].contains("失信"),
        "{refusal:?}"
    );
    assert_eq!(app.count("outbox").await, 0);
}

async fn delete_removes_only_drafts(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let detail = zone.create(&ZONE.registration()).await.unwrap();
    let mut stale = detail.clone();
    stale.lifecycle.version = 7;
    let refusal = zone.delete(&stale).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT, "stale version");
    zone.delete(&detail).await.unwrap();
    let refusal = zone.reload(&detail).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("filing_history").await, 0);
    // The enterprise may register anew.
    zone.create(&ZONE.registration()).await.unwrap();
}

async fn rejected_filings_are_editable_and_declarable_again(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let detail = zone.create(&ZONE.registration()).await.unwrap();
    zone.declare(&detail).await.unwrap();
    app.force_status(detail.id, Status::Rejected).await;
    let rejected = zone.reload(&detail).await.unwrap();
    assert_eq!(rejected.lifecycle.status, Status::Rejected);
    let form = RegistrationForm {
        note: "按退单意见修改".into(),
        ..ZONE.registration()
    };
    let saved = zone.save(&rejected, &form).await.unwrap();
    assert_eq!(saved.lifecycle.status, Status::Draft);
    let declared = zone.declare(&saved).await.unwrap();
    assert_eq!(declared.lifecycle.status, Status::Declared);
    assert_eq!(app.store.outbox_count(detail.id).await.unwrap(), 2);
}

both_databases!(
    registration_draft_gets_an_apply_no_and_identity_from_the_login,
    a_draft_may_be_incomplete_but_not_malformed,
    one_registration_per_enterprise,
    the_1210_mode_is_refused_for_a_non_zone_enterprise,
    stale_updates_get_409_and_change_nothing,
    concurrent_updates_of_one_draft_exactly_one_wins,
    declare_moves_to_declared_with_one_outbox_message,
    concurrent_declares_write_exactly_one_message,
    a_discredited_enterprise_cannot_declare,
    delete_removes_only_drafts,
    a_registration_draft_with_warehouses_entered_under_it_is_not_deleted,
    rejected_filings_are_editable_and_declarable_again,
);

async fn a_registration_draft_with_warehouses_entered_under_it_is_not_deleted(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let registration = zone.create(&ZONE.registration()).await.unwrap();
    let warehouse = zone.create(&owned_warehouse("DC")).await.unwrap();
    let refused = zone.delete(&registration).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.error.fields["_form"],
        format!(
            "该企业登记下已录入海外仓资料：{}（DC）；请先删除这些海外仓资料，再删除企业登记",
            warehouse.wh_apply_no
        )
    );
    zone.reload(&registration).await.expect("still there");
    zone.delete(&warehouse).await.unwrap();
    zone.delete(&registration).await.unwrap();
}
