//! 变更 and 注销 of an approved filing (issue 16): a leased warehouse moves to a larger area and a
//! new lease with a new 租赁协议 as its version 2, is then cancelled with a reason, and its name
//! and address can be filed again; a registration's change keeps the master data and can be
//! withdrawn.

use owf_backend::clock::beijing_today;
use owf_e2e::*;
use owf_shared::fixtures::{leased_warehouse, PDF, ZONE};
use owf_shared::form::WarehouseForm;
use owf_shared::status::Status;

/// The id at the end of the browser's path (`/warehouse/{id}`).
async fn shown_id(b: &Browser) -> String {
    let url = b.client.current_url().await.unwrap();
    url.path().rsplit('/').next().unwrap().to_owned()
}

/// The warehouse of the test: its name, its 申请编号, its screen and the end of its first lease.
struct Filed {
    name: &'static str,
    apply_no: String,
    root: String,
    lease_end: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leased_warehouse_is_changed_then_cancelled_and_filed_again() {
    let server = Server::start().await;
    let mut b = Browser::start("16-amendment").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;
    let filed = approved_leased_warehouse(&server, &b, "新泽西租赁仓").await;
    change_area_and_lease(&server, &mut b, &filed).await;
    versions_show_the_change(&mut b, &filed).await;
    cancel_while_customs_waits(&server, &mut b, &filed).await;
    file_again(&server, &b, filed.name).await;
    b.close().await;
}

/// Version 1: a leased warehouse with its lease agreement, approved by customs; its lease ends
/// in 30 days, which the approved filing warns of, pointing at 变更.
async fn approved_leased_warehouse(server: &Server, b: &Browser, name: &'static str) -> Filed {
    let lease_end = beijing_today().add_days(30).to_string();
    let form = WarehouseForm {
        lease_end: lease_end.clone(),
        ..leased_warehouse(name)
    };
    let draft = b.create("/warehouses", &form).await;
    let apply_no = draft["wh_apply_no"].as_str().unwrap().to_owned();
    let root = format!("/warehouse/{}", draft["id"]);
    b.goto(&server.url(&root)).await;
    b.wait_text("#status", "暂存").await;
    b.select("#doc_type", "02").await;
    b.choose_file("#doc_file", "租赁协议.pdf", PDF).await;
    b.click("#btn-upload").await;
    b.wait_text(".attachment-list", "租赁协议.pdf").await;
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "审核通过").await;
    b.wait_text("#version-1", "版本 1").await;
    let warning = b.wait_text("#lease-warning", "请点击“变更”").await;
    assert!(warning.contains(&lease_end), "{warning}");
    Filed {
        name,
        apply_no,
        root,
        lease_end,
    }
}

/// 变更: a draft of the approved content, while the approved version stays in force, edited
/// with a new lease agreement and approved.
async fn change_area_and_lease(server: &Server, b: &mut Browser, filed: &Filed) {
    b.click("#btn-change").await;
    let title = format!("变更（版本 2）— 原备案 申请编号 {}", filed.apply_no);
    b.wait_text("#amendment-title", &title).await;
    b.wait_text("#status", "暂存").await;
    b.wait_text("#changes", "与原备案相同").await;
    let change = format!("/warehouse/{}", shown_id(b).await);
    assert_ne!(change, filed.root, "the change is a record of its own");
    let list = format!("/warehouse?apply_no={}", filed.apply_no);
    b.goto(&server.url(&list)).await;
    let row = b.wait_text("table.results tbody", "变更暂存").await;
    assert!(row.contains("审核通过"), "{row}");
    b.screenshot("list-mark").await;

    b.goto(&server.url(&change)).await;
    b.click("#btn-edit").await;
    b.type_into("#area_sqm", "6000").await;
    b.set_value("#lease_end", "2031-12-31").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存").await;
    b.wait_text("#changes", "仓库面积(平方米)：5200 → 6000")
        .await;
    let lease = format!("租赁截止日期：{} → 2031-12-31", filed.lease_end);
    b.wait_text("#changes", &lease).await;
    b.select("#doc_type", "02").await;
    b.choose_file("#doc_file", "新租赁协议.pdf", PDF).await;
    b.click("#btn-upload").await;
    b.wait_text(".attachment-list", "新租赁协议.pdf").await;
    b.scroll_to("#amendment").await;
    b.screenshot("change-draft").await;
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "审核通过").await;
}

/// Version 2 in force: the version list with what it changed, each version open to read.
async fn versions_show_the_change(b: &mut Browser, filed: &Filed) {
    b.click("#amends-link").await;
    b.wait_path(&filed.root).await;
    b.wait_text("#version-2", "版本 2").await;
    let second = b
        .wait_text("#version-2", "仓库面积(平方米)：5200 → 6000")
        .await;
    assert!(second.contains("变更"), "{second}");
    let lease = format!("租赁截止日期：{} → 2031-12-31", filed.lease_end);
    assert!(second.contains(&lease), "{second}");
    let first = b.wait_text("#version-1", "新增").await;
    assert!(!first.contains("→"), "a 新增 changes nothing: {first}");
    let area = b.find("#area_sqm").await.prop("value").await.unwrap();
    assert_eq!(area.as_deref(), Some("6000"));
    assert!(!b.exists("#pending-notice").await);
    assert!(
        !b.exists("#lease-warning").await,
        "the new lease is far from its end"
    );
    b.click("#version-2 summary").await;
    b.wait_text("#version-2 dl", "6000").await;
    b.scroll_to("#versions").await;
    b.screenshot("versions").await;
}

/// 注销: the reason is required; while customs is unreachable the cancellation waits, with its
/// own record; then customs ends the filing.
async fn cancel_while_customs_waits(server: &Server, b: &mut Browser, filed: &Filed) {
    server.customs_down(true).await;
    b.click("#btn-cancel").await;
    b.wait_text("#dialog-title", "注销海外仓资料信息").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#dialog-text-error", "请填写注销原因").await;
    b.type_into("#dialog-text", "租约到期，仓库关闭").await;
    b.screenshot("cancel-dialog").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "注销申报中").await;
    b.wait_text("#pending-notice", "该备案有一项注销申报中")
        .await;
    b.click("#pending-link").await;
    let title = format!("注销（版本 3）— 原备案 申请编号 {}", filed.apply_no);
    b.wait_text("#amendment-title", &title).await;
    b.wait_text("#cancel-reason", "租约到期，仓库关闭").await;
    b.wait_text("#status", "申报中").await;
    assert!(!b.exists("#btn-edit").await && !b.exists("#btn-change").await);
    b.screenshot("cancel-record").await;
    server.customs_down(false).await;
    b.wait_text("#status", "审核通过").await;

    b.click("#amends-link").await;
    b.wait_path(&filed.root).await;
    b.wait_text("#status", "已注销").await;
    b.wait_gone("#pending-notice").await;
    assert!(!b.exists("#btn-change").await && !b.exists("#btn-cancel").await);
    b.wait_text("#version-3", "注销").await;
    b.screenshot("cancelled").await;
    let list = format!("/warehouse?apply_no={}", filed.apply_no);
    b.goto(&server.url(&list)).await;
    b.wait_text("table.results tbody", "已注销").await;
    let badge = b
        .attr("table.results .badge[data-status='9']", "class")
        .await;
    assert_eq!(badge.as_deref(), Some("badge ended"));
}

/// The name and address of the cancelled warehouse are free again.
async fn file_again(server: &Server, b: &Browser, name: &str) {
    b.goto(&server.url("/warehouse/new")).await;
    b.click("#btn-new").await;
    b.select("#trade_mode", "9810").await;
    b.type_into("#wh_name", name).await;
    b.select("#country_code", "502").await;
    b.type_into("#city", "Ontario, CA").await;
    b.type_into("#wh_address", &format!("{name} 1234 E Francis St"))
        .await;
    b.type_into("#area_sqm", "5200").await;
    b.select("#ownership", "1").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存，申请编号").await;
    b.wait_text("#status", "暂存").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_change_keeps_the_master_data_and_can_be_withdrawn() {
    let server = Server::start().await;
    let mut b = Browser::start("16-registration-change").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let root = format!("/enterprise/{}", approved_registration(&b).await);
    b.goto(&server.url(&root)).await;
    b.wait_text("#status", "审核通过").await;
    b.click("#btn-change").await;
    b.wait_text("#amendment-title", "变更（版本 2）— 原备案 企业申请编号")
        .await;

    // The master data customs holds stays read-only; the rest is edited at once.
    for locked in ["#uscc", "#ent_name"] {
        assert!(b.exists(&format!("output{locked}")).await, "{locked}");
    }
    b.wait_text(".form-grid", "海关备案的主体信息，变更时不能修改")
        .await;
    b.type_into("#contact_name", "王敏").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存").await;
    b.wait_text("#changes", "联系人：林晓 → 王敏").await;
    b.screenshot("change").await;

    // The approved filing shows the change under way and opens no second one.
    b.click("#amends-link").await;
    b.wait_path(&root).await;
    b.wait_text("#pending-notice", "该备案有一项变更暂存").await;
    b.wait_text("#status", "审核通过").await;
    b.wait_text("#status", "变更暂存").await;
    assert!(!b.exists("#btn-change").await);
    b.screenshot("pending").await;

    // Withdrawn, the change leaves the approved filing as it was.
    b.click("#pending-link").await;
    b.wait_text("#amendment-title", "变更（版本 2）").await;
    b.click("#btn-delete").await;
    b.click("#dialog-confirm").await;
    b.wait_path("/enterprise").await;
    b.goto(&server.url(&root)).await;
    b.find("#btn-change").await;
    assert!(!b.exists("#pending-notice").await);
    let contact = b.find("#contact_name").await.prop("value").await.unwrap();
    assert_eq!(contact.as_deref(), Some("林晓"));
    b.close().await;
}

/// A 注销 customs refused (退单) is withdrawn (删除): the approved filing stays in force, the
/// attempt stays on its timeline, and it may be cancelled again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_cancellation_is_withdrawn_and_stays_on_the_timeline() {
    let server = Server::start().await;
    let mut b = Browser::start("16-cancel-withdrawn").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    let id = draft["id"].as_i64().unwrap();
    // Approved in owf only: customs never approved it, and refuses its 注销.
    server.force_status(id, Status::Approved).await;
    let root = format!("/enterprise/{id}");
    b.goto(&server.url(&root)).await;
    b.wait_text("#status", "审核通过").await;
    b.click("#btn-cancel").await;
    b.type_into("#dialog-text", "停止海外仓业务").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "注销退单").await;

    b.click("#pending-link").await;
    b.wait_text("#status", "退单").await;
    let cancellation = b.client.current_url().await.unwrap();
    b.click("#btn-delete").await;
    b.wait_text("#dialog-title", "撤回注销申请").await;
    b.wait_text(
        "#dialog-message",
        "它的申报记录和海关回执仍保留在原备案的状态变更中",
    )
    .await;
    b.screenshot("withdraw-dialog").await;
    b.click("#dialog-confirm").await;
    b.wait_path(&root).await;
    b.wait_text("#notice", "已撤回注销申请，原备案保持不变")
        .await;
    b.wait_text("#status", "审核通过").await;
    // Customs' answer and the withdrawal, as steps of the 注销.
    let timeline = b.wait_text(".timeline", "撤回注销申请").await;
    assert!(timeline.contains("退单 → 已撤回"), "{timeline}");
    assert!(timeline.contains("不能注销"), "{timeline}");
    assert!(!b.exists("#pending-notice").await);
    b.find("#btn-cancel").await;
    b.screenshot("withdrawn").await;

    // The withdrawn 注销 itself stays readable from the filing's timeline, and nothing more can
    // be done with it.
    let steps = b
        .client
        .find_all(fantoccini::Locator::Css(".timeline a.note"))
        .await
        .unwrap();
    let mut leads = Vec::new();
    for step in &steps {
        leads.push(step.attr("href").await.unwrap().unwrap_or_default());
    }
    let own = format!(
        "/enterprise/{}",
        cancellation.path().rsplit('/').next().unwrap()
    );
    assert!(
        !leads.is_empty() && leads.iter().all(|l| *l == own),
        "{leads:?}"
    );
    steps.last().unwrap().click().await.unwrap();
    b.wait_path(&own).await;
    b.wait_text("#status", "已撤回").await;
    b.wait_text("#amendment", "注销原因：停止海外仓业务").await;
    for button in ["#btn-delete", "#btn-declare", "#btn-edit"] {
        assert!(!b.exists(button).await, "{button}");
    }
    b.screenshot("withdrawn-cancellation").await;
    b.close().await;
}
