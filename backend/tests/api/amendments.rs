//! 变更 and 注销 of approved filings, through the real API, relay and customs sandbox: a change
//! becomes the next version only when customs approves it, a cancellation ends the filing and
//! frees its warehouse, one amendment at a time, and another enterprise reaches none of it.

use axum::http::{Method, StatusCode};
use owf_backend::customs::sandbox::Faults;
use owf_shared::amendment::AppType;
use owf_shared::api::{Lifecycle, RegistrationDetail, VersionEntry, WarehouseDetail};
use owf_shared::fixtures::{leased_warehouse, PDF, PLAIN, ZONE};
use owf_shared::form::{RegistrationForm, WarehouseForm};
use owf_shared::status::{Action, Status};
use serde_json::json;

use crate::customs::{customs, drive_until, fast_relay, instant_customs, relay, Customs};
use crate::helpers::{both_databases, TestApp};
use crate::user::{Filing, User};

/// `(版本, appType)` of each approved version, oldest first.
fn summary<F>(versions: &[VersionEntry<F>]) -> Vec<(i64, AppType)> {
    versions
        .iter()
        .map(|v| (v.version_no, v.app_type))
        .collect()
}

/// Where the steps of a timeline whose note starts with `prefix` led, oldest first.
fn steps(lifecycle: &Lifecycle, prefix: &str) -> Vec<Status> {
    lifecycle
        .history
        .iter()
        .filter(|h| h.note.starts_with(prefix))
        .map(|h| h.to)
        .collect()
}

/// The zone enterprise's clerk, with customs and the relay running against the app's store.
struct Desk<'a> {
    app: &'a TestApp,
    clerk: User<'a>,
    customs: Customs,
    relay: owf_backend::relay::Relay,
}

impl<'a> Desk<'a> {
    async fn open(app: &'a TestApp) -> Desk<'a> {
        let clerk = app.login(&ZONE).await;
        let customs = customs(&app.store, instant_customs()).await;
        let relay = relay(&app.store, &customs, fast_relay());
        Desk {
            app,
            clerk,
            customs,
            relay,
        }
    }

    /// Drives the relay until customs has answered `filing` with `status`; `filing` as it is then.
    async fn answered<D: Filing>(&self, filing: &D, status: Status) -> D {
        drive_until(&self.app.store, &self.relay, &[filing.id()], status).await;
        self.clerk.reload(filing).await.unwrap()
    }

    async fn declared_and_approved<D: Filing>(&self, filing: &D) -> D {
        let declared = self.clerk.declare(filing).await.unwrap();
        self.answered(&declared, Status::Approved).await
    }

    async fn approved_registration(&self) -> RegistrationDetail {
        let draft = self.clerk.create(&ZONE.registration()).await.unwrap();
        self.declared_and_approved(&draft).await
    }

    /// A leased warehouse named `name` with its lease agreement, approved.
    async fn approved_warehouse(&self, name: &str) -> WarehouseDetail {
        let draft = self.clerk.create(&leased_warehouse(name)).await.unwrap();
        self.clerk
            .upload(&draft, "02", "lease.pdf", PDF)
            .await
            .unwrap();
        let draft = self.clerk.reload(&draft).await.unwrap();
        self.declared_and_approved(&draft).await
    }
}

async fn a_change_becomes_the_next_version_when_customs_approves_it(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let clerk = &desk.clerk;
    let approved = desk.approved_registration().await;
    let change = clerk.change(&approved).await.unwrap();
    assert_eq!(change.lifecycle.status, Status::Draft);
    assert_eq!(
        change.ent_apply_no, approved.ent_apply_no,
        "customs' number"
    );
    assert_eq!(
        change.form, approved.form,
        "prefilled with the approved content"
    );
    let info = change.lifecycle.amendment.clone().expect("an amendment");
    assert_eq!(
        (info.app_type, info.amends_id, info.version_no),
        (AppType::Change, approved.id, 2)
    );
    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(root.lifecycle.status, Status::Approved);
    assert_eq!(root.lifecycle.pending.unwrap().mark(), "变更暂存");
    let twice = clerk.change(&root).await.unwrap_err();
    assert_eq!(
        twice.status,
        StatusCode::CONFLICT,
        "one amendment at a time"
    );

    let renamed = RegistrationForm {
        ent_name: "深圳后海".into(),
        ..change.form.clone()
    };
    let refused = clerk.save(&change, &renamed).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.error.fields["ent_name"].contains("变更时不能修改"));

    let more_modes = RegistrationForm {
        trade_modes: vec!["9810".into(), "1210".into(), "0110".into()],
        contact_name: "王敏".into(),
        ..change.form.clone()
    };
    let saved = clerk.save(&change, &more_modes).await.unwrap();
    let declared = clerk.declare(&saved).await.unwrap();
    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(
        root.form, approved.form,
        "the approved version stays until approved"
    );
    assert_eq!(root.lifecycle.pending.unwrap().mark(), "变更中");

    desk.answered(&declared, Status::Approved).await;
    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(root.lifecycle.status, Status::Approved);
    assert_eq!(root.form, more_modes);
    assert_eq!(root.lifecycle.pending, None);
    assert!(root
        .lifecycle
        .history
        .iter()
        .any(|h| h.note.starts_with("变更审核通过，版本 2 生效")));
    let change_steps = steps(&root.lifecycle, "变更（版本 2）：");
    assert_eq!(
        change_steps.first(),
        Some(&Status::Draft),
        "the timeline shows the change's own steps"
    );
    assert_eq!(change_steps.last(), Some(&Status::Approved));
    let versions = clerk.versions(&approved).await.unwrap();
    assert_eq!(
        summary(&versions),
        [(1, AppType::New), (2, AppType::Change)]
    );
    assert_eq!(versions[0].form, approved.form);
    assert_eq!(versions[1].form, more_modes);
    let page = clerk.registrations("").await.unwrap();
    assert_eq!(page.total, 1, "the change is no row of its own");
}

async fn a_rejected_change_leaves_the_approved_version_and_can_be_withdrawn(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let clerk = &desk.clerk;
    let registration = desk.approved_registration().await;
    let approved = desk.approved_warehouse("DC").await;
    let change = clerk.change(&approved).await.unwrap();
    assert_eq!(
        change.attachments.len(),
        1,
        "the lease agreement comes along"
    );
    let renamed = WarehouseForm {
        area_sqm: "6000".into(),
        wh_name: "DC North".into(),
        ..change.form.clone()
    };
    let saved = clerk.save(&change, &renamed).await.unwrap();
    clerk.declare(&saved).await.unwrap();
    app.force_status(change.id, Status::Rejected).await;

    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(root.form.area_sqm, "5200");
    assert_eq!(root.lifecycle.pending.unwrap().mark(), "变更退单");
    let rejected = clerk.reload(&change).await.unwrap();
    let draft = clerk.save(&rejected, &renamed).await.unwrap();
    assert_eq!(draft.lifecycle.status, Status::Draft);
    let taken = clerk
        .create(&leased_warehouse("DC North"))
        .await
        .unwrap_err();
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "reserved");
    clerk.delete(&draft).await.unwrap();

    // Declared before, the change stays on record, withdrawn and read-only.
    let withdrawn = clerk.reload(&change).await.expect("kept");
    assert_eq!(withdrawn.lifecycle.status, Status::Withdrawn);
    assert!(withdrawn.lifecycle.actions().is_empty());
    assert_eq!(withdrawn.form.area_sqm, "6000", "as it was");
    assert_eq!(withdrawn.attachments.len(), 1);
    let again = clerk.delete(&withdrawn).await.unwrap_err();
    assert_eq!(again.status, StatusCode::CONFLICT);
    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(root.lifecycle.pending, None);
    assert_eq!(root.form.area_sqm, "5200");
    assert_eq!(root.attachments.len(), 1, "the approved documents stay");
    let notes: Vec<_> = root.lifecycle.history.iter().map(|h| &h.note).collect();
    assert_eq!(
        notes.last().map(|n| n.as_str()),
        Some("变更（版本 2）：撤回变更申请"),
        "{notes:?}"
    );
    clerk
        .create(&leased_warehouse("DC North"))
        .await
        .expect("the withdrawn change no longer holds the name");

    // The next attempt at version 2 is a record of its own, under the same 申请编号.
    let next = clerk.change(&root).await.unwrap();
    assert_ne!(next.id, change.id);
    assert_eq!(next.wh_apply_no, approved.wh_apply_no);
    assert_eq!(next.lifecycle.amendment.unwrap().version_no, 2);
    clerk
        .change(&registration)
        .await
        .expect("another filing is amended freely");
}

async fn a_cancellation_that_failed_to_reach_customs_is_withdrawn_and_cancelled_again(
    app: TestApp,
) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let clerk = &desk.clerk;
    desk.approved_registration().await;
    let warehouse = desk.approved_warehouse("DC").await;

    desk.customs.sandbox.set_faults(Faults {
        down: true,
        ..Faults::default()
    });
    let root = clerk.cancel(&warehouse, "租约到期").await.unwrap();
    let first = root.lifecycle.pending.unwrap().id;
    drive_until(&app.store, &desk.relay, &[first], Status::SendFailed).await;
    let failed: WarehouseDetail = clerk.open(first).await.unwrap();
    assert_eq!(
        failed.lifecycle.actions(),
        [Action::Delete, Action::Declare]
    );
    // A 注销 carries no documents: none can be added to it.
    let upload = clerk
        .upload(&failed, "02", "lease.pdf", PDF)
        .await
        .unwrap_err();
    assert_eq!(upload.status, StatusCode::CONFLICT);
    assert_eq!(
        upload.error.message,
        "注销申请不附证明材料，不能再添加证明材料"
    );
    let failed: WarehouseDetail = clerk.open(first).await.unwrap();
    assert!(failed.attachments.is_empty());
    clerk.delete(&failed).await.unwrap();

    let withdrawn: WarehouseDetail = clerk.open(first).await.expect("kept");
    assert_eq!(withdrawn.lifecycle.status, Status::Withdrawn);
    let amendment = withdrawn.lifecycle.amendment.unwrap();
    assert_eq!(amendment.reason.as_deref(), Some("租约到期"));
    assert_eq!(
        app.store.outbox_count(first).await.unwrap(),
        1,
        "the message that was sent stays"
    );
    let root = clerk.reload(&warehouse).await.unwrap();
    assert_eq!(root.lifecycle.status, Status::Approved);
    assert_eq!(root.lifecycle.pending, None);
    assert_eq!(
        steps(&root.lifecycle, "注销（版本 2）："),
        [Status::Declared, Status::SendFailed, Status::Withdrawn],
        "the attempt stays on the filing's timeline"
    );
    let leads: Vec<_> = root
        .lifecycle
        .history
        .iter()
        .map(|h| h.amendment_id)
        .filter(Option::is_some)
        .collect();
    assert_eq!(
        leads,
        [Some(first); 3],
        "each step leads to the 注销's record"
    );

    desk.customs.sandbox.set_faults(Faults::default());
    let root = clerk.cancel(&root, "租约到期，仓库关闭").await.unwrap();
    let second = root.lifecycle.pending.unwrap().id;
    assert_ne!(second, first);
    let cancellation: WarehouseDetail = clerk.open(second).await.unwrap();
    assert_eq!(cancellation.lifecycle.amendment.unwrap().version_no, 2);
    drive_until(&app.store, &desk.relay, &[second], Status::Approved).await;
    let root = clerk.reload(&warehouse).await.unwrap();
    assert_eq!(root.lifecycle.status, Status::Cancelled);
    let versions = clerk.versions(&warehouse).await.unwrap();
    assert_eq!(
        summary(&versions),
        [(1, AppType::New), (2, AppType::Cancel)]
    );
    let withdrawn: WarehouseDetail = clerk.open(first).await.unwrap();
    assert_eq!(
        withdrawn.lifecycle.status,
        Status::Withdrawn,
        "stays withdrawn"
    );
}

async fn a_rejected_change_is_fixed_and_approved(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let clerk = &desk.clerk;
    desk.approved_registration().await;
    let approved = desk.approved_warehouse("DC").await;
    let change = clerk.change(&approved).await.unwrap();
    let larger = WarehouseForm {
        area_sqm: "6000".into(),
        ..change.form.clone()
    };
    clerk
        .declare(&clerk.save(&change, &larger).await.unwrap())
        .await
        .unwrap();
    // As if customs had answered 退单 (the sandbox approves every valid change).
    app.force_status(change.id, Status::Rejected).await;
    let rejected = clerk.reload(&change).await.unwrap();
    let fixed = WarehouseForm {
        area_sqm: "6100".into(),
        ..larger
    };
    let fixed = clerk.save(&rejected, &fixed).await.unwrap();
    let declared = clerk.declare(&fixed).await.unwrap();
    assert_eq!(
        clerk.reload(&approved).await.unwrap().form.area_sqm,
        "5200",
        "in force until approved"
    );
    desk.answered(&declared, Status::Approved).await;
    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(root.form.area_sqm, "6100");
    let versions = clerk.versions(&approved).await.unwrap();
    assert_eq!(versions.len(), 2, "the rejected attempt is no version");
}

async fn an_approved_change_brings_its_documents(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let clerk = &desk.clerk;
    desk.approved_registration().await;
    let approved = desk.approved_warehouse("DC").await;
    let change = clerk.change(&approved).await.unwrap();
    let old_lease = change.attachments[0].clone();
    clerk.remove(&change, &old_lease).await.unwrap();
    let change = clerk.reload(&change).await.unwrap();
    let renewed = WarehouseForm {
        lease_end: "2031-12-31".into(),
        ..change.form.clone()
    };
    let change = clerk.save(&change, &renewed).await.unwrap();
    let new_lease = clerk
        .upload(&change, "02", "lease-2031.pdf", PDF)
        .await
        .unwrap();
    let change = clerk.reload(&change).await.unwrap();
    let before = clerk.reload(&approved).await.unwrap();
    assert_eq!(
        before.attachments[0].file_name, "lease.pdf",
        "in force until approved"
    );
    let declared = clerk.declare(&change).await.unwrap();
    desk.answered(&declared, Status::Approved).await;

    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(root.form.lease_end, "2031-12-31");
    let names: Vec<_> = root
        .attachments
        .iter()
        .map(|a| a.file_name.as_str())
        .collect();
    assert_eq!(names, ["lease-2031.pdf"]);
    // Each version lists the documents it was approved with, as its printout shows them.
    let versions = clerk.versions(&approved).await.unwrap();
    let kept: Vec<Vec<(&str, &str)>> = versions
        .iter()
        .map(|v| {
            v.documents
                .iter()
                .map(|d| (d.file_name.as_str(), d.sha256.as_str()))
                .collect()
        })
        .collect();
    assert_eq!(
        kept,
        [
            vec![("lease.pdf", old_lease.sha256.as_str())],
            vec![("lease-2031.pdf", new_lease.sha256.as_str())]
        ]
    );
    let (status, _, bytes) = clerk.download(&root, &new_lease).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&bytes[..], PDF);
    let other = app.login(&PLAIN).await;
    let (status, ..) = other.download(&root, &new_lease).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_cancelled_warehouse_frees_its_address(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let clerk = &desk.clerk;
    let registration = desk.approved_registration().await;
    let warehouse = desk.approved_warehouse("DC").await;
    let refused = clerk
        .cancel(&registration, "停止海外仓业务")
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.error.fields["_form"].contains(&warehouse.wh_apply_no));

    let blank = clerk.cancel(&warehouse, " ").await.unwrap_err();
    assert_eq!(blank.error.fields["reason"], "请填写注销原因");
    let root = clerk
        .cancel(&warehouse, "租约到期，仓库关闭")
        .await
        .unwrap();
    let pending = root.lifecycle.pending.expect("the cancellation");
    assert_eq!(pending.mark(), "注销申报中");
    let taken = clerk.create(&leased_warehouse("DC")).await.unwrap_err();
    assert_eq!(
        taken.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "still in force"
    );

    let cancellation: WarehouseDetail = clerk.open(pending.id).await.unwrap();
    assert_eq!(
        cancellation
            .lifecycle
            .amendment
            .as_ref()
            .unwrap()
            .reason
            .as_deref(),
        Some("租约到期，仓库关闭")
    );
    desk.answered(&cancellation, Status::Approved).await;
    let root = clerk.reload(&warehouse).await.unwrap();
    assert_eq!(root.lifecycle.status, Status::Cancelled);
    assert!(root.lifecycle.history.iter().any(|h| h
        .note
        .starts_with("注销（版本 2）：注销申报（原因：租约到期，仓库关闭）")));
    let closed = clerk.change(&root).await.unwrap_err();
    assert_eq!(closed.status, StatusCode::CONFLICT, "已注销 is final");
    let versions = clerk.versions(&warehouse).await.unwrap();
    assert_eq!(versions.last().map(|v| v.app_type), Some(AppType::Cancel));
    let again = clerk.create(&leased_warehouse("DC")).await.unwrap();
    assert_ne!(again.wh_apply_no, warehouse.wh_apply_no);
    let registration = clerk
        .cancel(&registration, "停止海外仓业务")
        .await
        .expect("no warehouse relies on the registration now");
    let cancellation = registration.lifecycle.pending.expect("the cancellation");
    let cancellation: RegistrationDetail = clerk.open(cancellation.id).await.unwrap();
    desk.answered(&cancellation, Status::Approved).await;
    let refused = clerk.create(&leased_warehouse("DC2")).await.unwrap_err();
    assert!(
        refused.error.fields["_form"].contains("已注销"),
        "{:?}",
        refused.error
    );
    let renewed = clerk.create(&ZONE.registration()).await.unwrap();
    assert_ne!(
        renewed.ent_apply_no, registration.ent_apply_no,
        "registered anew"
    );
    clerk.create(&leased_warehouse("DC2")).await.unwrap();
}

async fn concurrent_change_and_cancel_exactly_one_wins(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let approved = desk.approved_registration().await;
    let (change, cancel) = tokio::join!(
        desk.clerk.change(&approved),
        desk.clerk.cancel(&approved, "企业注销")
    );
    assert_eq!(
        change.is_ok() as u8 + cancel.is_ok() as u8,
        1,
        "{change:?} {cancel:?}"
    );
    let loser = change.err().or(cancel.err()).unwrap();
    assert_eq!(loser.status, StatusCode::CONFLICT);
}

async fn customs_refuses_a_change_of_a_filing_it_never_approved(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let clerk = &desk.clerk;
    let draft = clerk.create(&ZONE.registration()).await.unwrap();
    app.force_status(draft.id, Status::Approved).await;
    let approved = clerk.reload(&draft).await.unwrap();
    let change = clerk.change(&approved).await.unwrap();
    let declared = clerk.declare(&change).await.unwrap();
    let rejected = desk.answered(&declared, Status::Rejected).await;
    let info = rejected.lifecycle.last_return_info.unwrap();
    assert!(
        info.contains("没有申请编号") && info.contains("不能变更"),
        "{info}"
    );
    let root = clerk.reload(&approved).await.unwrap();
    assert_eq!(root.lifecycle.status, Status::Approved);
    assert_eq!(root.form, approved.form);
}

async fn another_enterprise_cannot_amend(app: TestApp) {
    let app = app.with_demo().await;
    let desk = Desk::open(&app).await;
    let approved = desk.approved_registration().await;
    let other = app.login(&PLAIN).await;
    assert_eq!(
        other.change(&approved).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    let cancel = other.cancel(&approved, "x").await.unwrap_err();
    assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    let path = format!("{}/versions", approved.path());
    let (status, _) = other.send(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let root = desk.clerk.reload(&approved).await.unwrap();
    assert_eq!(root.lifecycle.pending, None);
    let body = json!({ "version": root.lifecycle.version }).to_string();
    let (status, _) = other
        .send(
            Method::POST,
            &format!("{}/change", approved.path()),
            Some(&body),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

both_databases!(
    a_change_becomes_the_next_version_when_customs_approves_it,
    a_rejected_change_leaves_the_approved_version_and_can_be_withdrawn,
    a_cancellation_that_failed_to_reach_customs_is_withdrawn_and_cancelled_again,
    a_rejected_change_is_fixed_and_approved,
    an_approved_change_brings_its_documents,
    a_cancelled_warehouse_frees_its_address,
    concurrent_change_and_cancel_exactly_one_wins,
    customs_refuses_a_change_of_a_filing_it_never_approved,
    another_enterprise_cannot_amend,
);
