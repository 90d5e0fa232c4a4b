//! 变更 and 注销 of approved filings on SQLite and PostgreSQL, through the real API, relay and
//! customs sandbox: a change becomes the next version only when customs approves it, a
//! cancellation ends the filing and frees its warehouse, one amendment at a time.

mod common;
mod support;

use axum::http::{Method, StatusCode};
use common::*;
use owf_shared::amendment::AppType;
use owf_shared::api::{Page, RegistrationDetail, RegistrationRow, VersionEntry, WarehouseDetail};
use owf_shared::form::{RegistrationForm, WarehouseForm};
use owf_shared::status::Status;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use support::{customs, drive_until, fast_relay, instant_customs, relay, Customs};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";

fn registration_form() -> Value {
    json!({
        "uscc": "91440300MA5G8K2P04",
        "ent_name": "深圳前海综保跨境供应链有限公司",
        "customs_district": "5300",
        "trade_modes": ["9810", "1210"],
        "ems_no": "T5300W000001",
        "contact_name": "林晓",
        "contact_phone": "0755-86001234",
        "commitment_ack": true
    })
}

fn warehouse_form() -> Value {
    json!({
        "trade_mode": "1210",
        "wh_name": "安大略一号仓",
        "country_code": "502",
        "city": "Ontario, CA",
        "wh_address": "1 Logistics Road",
        "area_sqm": "5200",
        "ownership": "2",
        "lease_start": "2026-01-01",
        "lease_end": "2029-12-31",
        "lessor_name": "Inland Logistics LLC"
    })
}

/// The zone enterprise logged in, with customs and the relay running against the app's store.
struct Clerk {
    app: TestApp,
    token: String,
    _customs: Customs,
    relay: owf_backend::relay::Relay,
}

fn parse<T: DeserializeOwned>(status: StatusCode, expected: StatusCode, body: Value) -> T {
    assert_eq!(status, expected, "{body}");
    serde_json::from_value(body).expect("the documented response")
}

async fn clerk(app: TestApp) -> Clerk {
    let app = with_demo(app).await;
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    Clerk {
        app,
        token,
        _customs: customs,
        relay,
    }
}

impl Clerk {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.app.call(method, path, body, &self.token).await
    }

    async fn create_raw(&self, kind: &str, form: Value) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            &format!("/api/{kind}"),
            Some(json!({ "form": form })),
        )
        .await
    }

    async fn create<T: DeserializeOwned>(&self, kind: &str, form: Value) -> T {
        let (status, body) = self.create_raw(kind, form).await;
        parse(status, StatusCode::CREATED, body)
    }

    async fn read<T: DeserializeOwned>(&self, kind: &str, id: i64) -> T {
        let (status, body) = self
            .call(Method::GET, &format!("/api/{kind}/{id}"), None)
            .await;
        parse(status, StatusCode::OK, body)
    }

    async fn declare(&self, kind: &str, id: i64, version: i64) -> (StatusCode, Value) {
        let path = format!("/api/{kind}/{id}/declare");
        self.call(Method::POST, &path, Some(json!({ "version": version })))
            .await
    }

    async fn approve(&self, id: i64) {
        drive_until(&self.app.store, &self.relay, &[id], Status::Approved).await;
    }

    /// A registration declared and approved by the customs sandbox.
    async fn approved_registration(&self) -> RegistrationDetail {
        let reg: RegistrationDetail = self.create("registrations", registration_form()).await;
        let (status, body) = self
            .declare("registrations", reg.id, reg.lifecycle.version)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        self.approve(reg.id).await;
        self.read("registrations", reg.id).await
    }

    /// A leased warehouse with its lease agreement, declared and approved.
    async fn approved_warehouse(&self, form: Value) -> WarehouseDetail {
        let wh: WarehouseDetail = self.create("warehouses", form).await;
        self.attach_lease(wh.id).await;
        let wh: WarehouseDetail = self.read("warehouses", wh.id).await;
        let (status, body) = self
            .declare("warehouses", wh.id, wh.lifecycle.version)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        self.approve(wh.id).await;
        self.read("warehouses", wh.id).await
    }

    async fn attach_lease(&self, id: i64) {
        let path = format!("/api/warehouses/{id}/attachments?doc_type=02&file_name=lease.pdf");
        let (status, body) = self.app.upload(&path, PDF.to_vec(), &self.token).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    async fn open_change(&self, kind: &str, id: i64, version: i64) -> (StatusCode, Value) {
        let path = format!("/api/{kind}/{id}/change");
        self.call(Method::POST, &path, Some(json!({ "version": version })))
            .await
    }

    async fn cancel(&self, kind: &str, id: i64, version: i64, reason: &str) -> (StatusCode, Value) {
        let path = format!("/api/{kind}/{id}/cancel");
        let body = json!({ "version": version, "reason": reason });
        self.call(Method::POST, &path, Some(body)).await
    }

    async fn save<F: serde::Serialize>(
        &self,
        kind: &str,
        id: i64,
        version: i64,
        form: &F,
    ) -> (StatusCode, Value) {
        let body = json!({ "version": version, "form": form });
        self.call(Method::PUT, &format!("/api/{kind}/{id}"), Some(body))
            .await
    }

    async fn versions<F: DeserializeOwned>(&self, kind: &str, id: i64) -> Vec<VersionEntry<F>> {
        let (status, body) = self
            .call(Method::GET, &format!("/api/{kind}/{id}/versions"), None)
            .await;
        parse(status, StatusCode::OK, body)
    }
}

async fn a_change_becomes_the_next_version_when_customs_approves_it(app: TestApp) {
    let t = clerk(app).await;
    let reg = t.approved_registration().await;
    let (status, body) = t
        .open_change("registrations", reg.id, reg.lifecycle.version)
        .await;
    let change: RegistrationDetail = parse(status, StatusCode::CREATED, body);
    assert_eq!(change.lifecycle.status, Status::Draft);
    assert_eq!(change.ent_apply_no, reg.ent_apply_no, "customs' number");
    let info = change.lifecycle.amendment.clone().expect("an amendment");
    assert_eq!(
        (info.app_type, info.amends_id, info.version_no),
        (AppType::Change, reg.id, 2)
    );
    assert_eq!(change.form, reg.form, "prefilled with the approved content");

    let root: RegistrationDetail = t.read("registrations", reg.id).await;
    assert_eq!(root.lifecycle.status, Status::Approved);
    assert_eq!(root.lifecycle.pending.unwrap().mark(), "变更暂存");
    let (status, body) = t
        .open_change("registrations", reg.id, root.lifecycle.version)
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "one amendment at a time: {body}"
    );

    let renamed = RegistrationForm {
        ent_name: "深圳后海".into(),
        ..change.form.clone()
    };
    let (status, body) = t
        .save(
            "registrations",
            change.id,
            change.lifecycle.version,
            &renamed,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["ent_name"]
        .as_str()
        .unwrap()
        .contains("不能修改"));

    let more_modes = RegistrationForm {
        trade_modes: vec!["9810".into(), "1210".into(), "0110".into()],
        contact_name: "王敏".into(),
        ..change.form.clone()
    };
    let (status, body) = t
        .save(
            "registrations",
            change.id,
            change.lifecycle.version,
            &more_modes,
        )
        .await;
    let saved: RegistrationDetail = parse(status, StatusCode::OK, body);
    let (status, body) = t
        .declare("registrations", change.id, saved.lifecycle.version)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let root: RegistrationDetail = t.read("registrations", reg.id).await;
    assert_eq!(
        root.form, reg.form,
        "the approved version stays until approved"
    );
    assert_eq!(root.lifecycle.pending.unwrap().mark(), "变更中");

    t.approve(change.id).await;
    let root: RegistrationDetail = t.read("registrations", reg.id).await;
    assert_eq!(root.lifecycle.status, Status::Approved);
    assert_eq!(root.form, more_modes);
    assert_eq!(root.lifecycle.pending, None);
    assert!(root
        .lifecycle
        .history
        .iter()
        .any(|h| h.note.starts_with("变更审核通过，版本 2 生效")));
    let versions = t
        .versions::<RegistrationForm>("registrations", reg.id)
        .await;
    let summary: Vec<_> = versions
        .iter()
        .map(|v| (v.version_no, v.app_type))
        .collect();
    assert_eq!(summary, [(1, AppType::New), (2, AppType::Change)]);
    assert_eq!(versions[0].form, reg.form);
    assert_eq!(versions[1].form, more_modes);

    let (status, body) = t.call(Method::GET, "/api/registrations", None).await;
    let page: Page<RegistrationRow> = parse(status, StatusCode::OK, body);
    assert_eq!(page.total, 1, "the change is no row of its own");
}

async fn a_rejected_change_leaves_the_approved_version_and_can_be_withdrawn(app: TestApp) {
    let t = clerk(app).await;
    let reg = t.approved_registration().await;
    let wh = t.approved_warehouse(warehouse_form()).await;
    let (status, body) = t
        .open_change("warehouses", wh.id, wh.lifecycle.version)
        .await;
    let change: WarehouseDetail = parse(status, StatusCode::CREATED, body);
    assert_eq!(
        change.attachments.len(),
        1,
        "the lease agreement comes along"
    );
    let larger = WarehouseForm {
        area_sqm: "6000".into(),
        ..change.form.clone()
    };
    let (status, body) = t
        .save("warehouses", change.id, change.lifecycle.version, &larger)
        .await;
    let saved: WarehouseDetail = parse(status, StatusCode::OK, body);
    let (status, body) = t
        .declare("warehouses", change.id, saved.lifecycle.version)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.app.force_status(change.id, 100).await;

    let root: WarehouseDetail = t.read("warehouses", wh.id).await;
    assert_eq!(root.form.area_sqm, "5200");
    assert_eq!(root.lifecycle.pending.unwrap().mark(), "变更退单");
    let rejected: WarehouseDetail = t.read("warehouses", change.id).await;
    let (status, body) = t
        .save("warehouses", change.id, rejected.lifecycle.version, &larger)
        .await;
    let draft: WarehouseDetail = parse(status, StatusCode::OK, body);
    assert_eq!(draft.lifecycle.status, Status::Draft);
    let path = format!(
        "/api/warehouses/{}?version={}",
        change.id, draft.lifecycle.version
    );
    let (status, body) = t.call(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let root: WarehouseDetail = t.read("warehouses", wh.id).await;
    assert_eq!(root.lifecycle.pending, None);
    assert_eq!(root.attachments.len(), 1);
    let (status, _) = t
        .open_change("registrations", reg.id, reg.lifecycle.version)
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another filing is amended freely"
    );
}

async fn a_cancelled_warehouse_frees_its_address(app: TestApp) {
    let t = clerk(app).await;
    let reg = t.approved_registration().await;
    let wh = t.approved_warehouse(warehouse_form()).await;
    let (status, body) = t
        .cancel(
            "registrations",
            reg.id,
            reg.lifecycle.version,
            "停止海外仓业务",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let refusal = body["fields"]["_form"].as_str().unwrap();
    assert!(refusal.contains(&wh.wh_apply_no), "{refusal}");

    let (status, body) = t
        .cancel("warehouses", wh.id, wh.lifecycle.version, " ")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["reason"], "请填写注销原因");
    let (status, body) = t
        .cancel(
            "warehouses",
            wh.id,
            wh.lifecycle.version,
            "租约到期，仓库关闭",
        )
        .await;
    let root: WarehouseDetail = parse(status, StatusCode::OK, body);
    let pending = root.lifecycle.pending.expect("the cancellation");
    assert_eq!(pending.mark(), "注销申报中");
    let (status, _) = t.create_raw("warehouses", warehouse_form()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "still in force");

    t.approve(pending.id).await;
    let root: WarehouseDetail = t.read("warehouses", wh.id).await;
    assert_eq!(root.lifecycle.status, Status::Cancelled);
    let (status, _) = t
        .open_change("warehouses", wh.id, root.lifecycle.version)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "已注销 is final");
    let versions = t.versions::<WarehouseForm>("warehouses", wh.id).await;
    assert_eq!(versions.last().map(|v| v.app_type), Some(AppType::Cancel));
    let again: WarehouseDetail = t.create("warehouses", warehouse_form()).await;
    assert_ne!(again.wh_apply_no, wh.wh_apply_no);
    let (status, body) = t
        .cancel(
            "registrations",
            reg.id,
            reg.lifecycle.version,
            "停止海外仓业务",
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "no warehouse relies on it now: {body}"
    );
}

async fn concurrent_change_and_cancel_exactly_one_wins(app: TestApp) {
    let t = clerk(app).await;
    let reg = t.approved_registration().await;
    let version = reg.lifecycle.version;
    let (change, cancel) = tokio::join!(
        t.open_change("registrations", reg.id, version),
        t.cancel("registrations", reg.id, version, "企业注销")
    );
    let won = [change.0, cancel.0]
        .iter()
        .filter(|s| s.is_success())
        .count();
    assert_eq!(won, 1, "{change:?} {cancel:?}");
    assert!([change.0, cancel.0].contains(&StatusCode::CONFLICT));
}

async fn customs_refuses_a_change_of_a_filing_it_never_approved(app: TestApp) {
    let t = clerk(app).await;
    let reg: RegistrationDetail = t.create("registrations", registration_form()).await;
    t.app.force_status(reg.id, 399).await;
    let reg: RegistrationDetail = t.read("registrations", reg.id).await;
    let (status, body) = t
        .open_change("registrations", reg.id, reg.lifecycle.version)
        .await;
    let change: RegistrationDetail = parse(status, StatusCode::CREATED, body);
    let (status, body) = t
        .declare("registrations", change.id, change.lifecycle.version)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    drive_until(&t.app.store, &t.relay, &[change.id], Status::Rejected).await;
    let rejected: RegistrationDetail = t.read("registrations", change.id).await;
    let info = rejected.lifecycle.last_return_info.unwrap();
    assert!(
        info.contains("没有申请编号") && info.contains("不能变更"),
        "{info}"
    );
    let root: RegistrationDetail = t.read("registrations", reg.id).await;
    assert_eq!(root.lifecycle.status, Status::Approved);
}

async fn another_enterprise_cannot_amend(app: TestApp) {
    let t = clerk(app).await;
    let reg = t.approved_registration().await;
    let other = t.app.login(PLAIN_CARD, PLAIN_PASSWORD).await;
    for action in ["change", "cancel", "versions"] {
        let path = format!("/api/registrations/{}/{action}", reg.id);
        let (method, body) = match action {
            "versions" => (Method::GET, None),
            _ => (
                Method::POST,
                Some(json!({ "version": reg.lifecycle.version, "reason": "x" })),
            ),
        };
        let (status, _) = t.app.call(method, &path, body, &other).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{action}");
    }
    let root: RegistrationDetail = t.read("registrations", reg.id).await;
    assert_eq!(root.lifecycle.pending, None);
}

both_databases!(
    a_change_becomes_the_next_version_when_customs_approves_it,
    a_rejected_change_leaves_the_approved_version_and_can_be_withdrawn,
    a_cancelled_warehouse_frees_its_address,
    concurrent_change_and_cancel_exactly_one_wins,
    customs_refuses_a_change_of_a_filing_it_never_approved,
    another_enterprise_cannot_amend,
);
