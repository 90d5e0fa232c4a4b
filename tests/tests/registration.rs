//! Manual sections 03 (海外仓企业登记录入) and 04 (海外仓企业登记申报), and tenant isolation.

use owf_e2e::*;
use owf_shared::fixtures::{owned_warehouse, PLAIN, ZONE};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_validates_inline_saves_declares_and_follows_the_status() {
    let server = Server::start().await;
    let mut b = Browser::start("03-entry").await;
    b.login_at(&server.url(""), PLAIN.card_no, PLAIN.password)
        .await;
    b.goto(&server.url("/enterprise/new")).await;
    // The prefilled value, as text until 新增.
    let prefilled = b.find("output#uscc").await.text().await.unwrap();
    assert_eq!(prefilled, PLAIN.uscc);
    b.screenshot("before-new").await;
    b.click("#btn-new").await;
    assert_eq!(
        b.attr("#uscc", "disabled").await,
        None,
        "新增 makes the fields editable"
    );
    let uscc = b.find("#uscc").await.prop("value").await.unwrap();
    assert_eq!(uscc.as_deref(), Some(PLAIN.uscc), "prefilled");

    // A wrong check character: the shared validation's message under the field, as typed.
    b.type_into("#uscc", "91330100MA2H3Y5K7B").await;
    b.wait_text("#uscc-error", "校验位错误").await;
    assert_eq!(
        b.attr("#uscc", "aria-invalid").await.as_deref(),
        Some("true")
    );
    assert_eq!(
        b.attr("#uscc", "aria-describedby").await.as_deref(),
        Some("uscc-error")
    );
    b.screenshot("uscc-error").await;
    b.type_into("#uscc", PLAIN.uscc).await;
    b.wait_gone("#uscc-error").await;

    // 1210 is not offered to a non-zone enterprise, and the screen says why.
    assert!(b.attr("#trade_modes-1210", "disabled").await.is_some());
    b.wait_text("#trade_modes-1210-note", "仅限区内企业").await;
    b.click("#trade_modes-9810").await;
    b.type_into("#contact_name", "周敏").await;
    b.type_into("#contact_phone", "0571-88886666").await;
    b.click("#commitment_ack").await;
    b.click("#btn-save").await;
    let saved = b.wait_text("#notice", "已暂存，企业申请编号").await;
    let apply_no = saved
        .lines()
        .next()
        .unwrap()
        .rsplit('：')
        .next()
        .unwrap()
        .trim()
        .to_owned();
    b.wait_text("#apply-no", &apply_no).await;
    b.wait_text("#status", "暂存").await;
    let path = b.client.current_url().await.unwrap().path().to_owned();
    let id = path
        .strip_prefix("/enterprise/")
        .expect("the draft's own URL");
    assert!(id.parse::<i64>().is_ok(), "{path}");
    b.screenshot("saved").await;

    b.click("#btn-declare").await;
    b.wait_text("#dialog-message", "确定申报吗").await;
    b.screenshot("confirm-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "申报中").await;
    assert!(
        !b.exists("#btn-declare").await,
        "a declared filing is read-only"
    );
    assert!(
        b.exists("output#contact_name").await,
        "a declared filing shows its values as text"
    );
    b.screenshot("declared").await;

    // The relay delivers the signed message to the customs sandbox, which answers 入库, then
    // 审核通过; the detail page follows without a reload.
    b.wait_text("#status", "审核通过").await;
    let timeline = b.wait_text(".timeline", "审核通过").await;
    for step in ["暂存", "申报中", "发送海关成功", "海关入库", "海关入库成功"]
    {
        assert!(timeline.contains(step), "timeline lacks {step}: {timeline}");
    }
    b.screenshot("approved").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forced_1210_is_refused_in_the_browser_and_by_the_server() {
    let server = Server::start().await;
    let mut b = Browser::start("03-entry-1210").await;
    b.login_at(&server.url(""), PLAIN.card_no, PLAIN.password)
        .await;
    b.goto(&server.url("/enterprise/new")).await;
    b.click("#btn-new").await;
    // Force the disabled checkbox, as a user editing the page could.
    b.client
        .execute(
            "const box = document.getElementById('trade_modes-1210'); box.disabled = false; box.click();",
            vec![],
        )
        .await
        .unwrap();
    let message = b.wait_text("#trade_modes-error", "1210 仅限区内企业").await;
    b.click("#btn-save").await;
    b.wait_text("#fix-errors", "请按提示修改").await;
    b.screenshot("refused").await;
    assert!(b
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/new"));
    let answer = b
        .api(
            "POST",
            "/registrations",
            Some(json!({ "form": { "trade_modes": ["1210"] } })),
        )
        .await;
    assert_eq!(answer["status"], 422);
    assert_eq!(answer["body"]["fields"]["trade_modes"], message.as_str());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_opens_a_draft_whose_detail_deletes_after_confirmation() {
    let server = Server::start().await;
    let mut b = Browser::start("04-declare-list").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    let apply_no = draft["ent_apply_no"].as_str().unwrap().to_owned();
    b.goto(&server.url("/enterprise")).await;
    b.type_into("#q-apply_no", &apply_no).await;
    b.click("#btn-query").await;
    b.wait_text("table.results tbody", &apply_no).await;
    b.screenshot("list").await;
    b.click_link(&apply_no).await;
    b.wait_text("#apply-no", &apply_no).await;
    for button in ["#btn-save", "#btn-delete", "#btn-declare"] {
        b.find(button).await;
    }
    assert!(
        !b.exists("#btn-edit").await,
        "a draft's detail is editable at once"
    );
    b.screenshot("draft-detail").await;

    b.click("#btn-delete").await;
    b.wait_text("#dialog-message", "删除后不能恢复").await;
    b.screenshot("confirm-delete").await;
    b.click("#dialog-cancel").await;
    b.wait_gone(".dialog").await;

    // A warehouse entered under the registration keeps it, and the refusal names the warehouse.
    let warehouse = b.create("/warehouses", &owned_warehouse("DC")).await;
    let wh_apply_no = warehouse["wh_apply_no"].as_str().unwrap();
    b.click("#btn-delete").await;
    b.click("#dialog-confirm").await;
    let refused = b
        .wait_text("#form-error", "请先删除这些海外仓资料，再删除企业登记")
        .await;
    assert!(
        refused.starts_with("该企业登记下已录入海外仓资料："),
        "{refused}"
    );
    assert!(
        !b.exists(".error-banner:not(#form-error)").await,
        "said once"
    );
    // The warehouse's number leads to it.
    let link = b.attr("#form-error a", "href").await.unwrap_or_default();
    assert!(link.starts_with("/warehouse"), "{link}");
    assert!(refused.contains(wh_apply_no), "{refused}");
    b.screenshot("delete-refused").await;
    let path = format!(
        "/warehouses/{}?version={}",
        warehouse["id"], warehouse["lifecycle"]["version"]
    );
    assert_eq!(b.api("DELETE", &path, None).await["status"], 204);

    b.click("#btn-delete").await;
    b.click("#dialog-confirm").await;
    b.wait_path("/enterprise").await;
    b.wait_text("#notice", &format!("已删除海外仓企业登记 {apply_no}"))
        .await;
    b.click("#btn-query").await;
    b.wait_text("#no-results", "没有符合条件的数据").await;
    b.screenshot("deleted").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_enterprises_record_is_not_found() {
    let server = Server::start().await;
    let zone = Browser::start("04-not-found-owner").await;
    zone.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = zone.create("/registrations", &ZONE.registration()).await;
    zone.close().await;

    let mut b = Browser::start("04-not-found").await;
    b.login_at(&server.url(""), PLAIN.card_no, PLAIN.password)
        .await;
    b.goto(&server.url(&format!("/enterprise/{}", draft["id"])))
        .await;
    b.wait_text(".error-banner", "未找到记录").await;
    assert!(!b.exists("#uscc").await);
    b.screenshot("not-found").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customs_outage_shows_the_attempts_and_the_filing_arrives_afterwards() {
    let server = Server::start().await;
    let mut b = Browser::start("03-outage").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    server.customs_down(true).await;
    b.goto(&server.url(&format!("/enterprise/{}", draft["id"])))
        .await;
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "申报中").await;
    let delivery = b.wait_text("#delivery", "HTTP 503").await;
    assert!(delivery.contains("已尝试发送"), "{delivery}");
    assert!(delivery.contains("下次重试"), "{delivery}");
    b.wait_text("#status", "申报中").await;
    b.screenshot("retrying").await;
    server.customs_down(false).await;
    b.wait_text("#status", "审核通过").await;
    assert!(!b.exists("#delivery").await, "nothing left to retry");
    b.screenshot("delivered").await;
    b.close().await;
}
