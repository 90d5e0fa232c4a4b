//! Manual sections 05 (海外仓资料信息报送) and 06 (海外仓资料信息查询).

use owf_e2e::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_is_refused_without_an_approved_registration() {
    let server = Server::start().await;
    let mut b = Browser::start("05-report-refused").await;
    b.login_at(&server.url(""), PLAIN_CARD, PLAIN_PASSWORD)
        .await;
    b.goto(&server.url("/warehouse/new")).await;
    b.wait_text("#eligibility", "暂不能报送海外仓资料信息")
        .await;
    assert!(
        !b.exists("#btn-new").await,
        "nothing to type before the reason"
    );
    assert!(!b.exists("#wh_name").await);
    b.screenshot("refused").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_warehouse_saved_with_proof_then_declared() {
    let server = Server::start().await;
    let mut b = Browser::start("05-report").await;
    b.login_at(&server.url(""), ZONE_CARD, ZONE_PASSWORD).await;
    approved_registration(&b).await;
    b.goto(&server.url("/warehouse/new")).await;
    b.click("#btn-new").await;
    b.select("#trade_mode", "9810").await;
    b.type_into("#wh_name", "洛杉矶安大略仓").await;
    b.select("#country_code", "502").await;
    b.type_into("#city", "Ontario, CA").await;
    b.type_into("#wh_address", "1234 E Francis St").await;
    b.type_into("#area_sqm", "5200").await;
    // Lease fields appear only for 租赁.
    assert!(!b.exists("#lease_start").await);
    b.select("#ownership", "2").await;
    b.find("#lease_start").await;
    b.find("#lessor_name").await;
    b.screenshot("leased").await;
    b.select("#ownership", "1").await;
    b.wait_gone("#lease_start").await;
    b.screenshot("filled").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存，申请编号").await;
    b.wait_text("#status", "暂存").await;

    // 申报 without proof: the shared rule's message at the documents.
    b.click("#btn-declare").await;
    b.wait_text("#attachments-error", "01 所有权文件").await;
    b.select("#doc_type", "01").await;
    b.find("#doc_file")
        .await
        .send_keys(sample_pdf().to_str().unwrap())
        .await
        .unwrap();
    b.click("#btn-upload").await;
    b.wait_text(".attachment-list", "ownership.pdf").await;
    b.wait_gone("#attachments-error").await;
    b.screenshot("proof").await;

    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "申报中").await;
    b.wait_text(".timeline", "申报中").await;
    b.screenshot("declared").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_opens_a_draft_that_is_modified_and_declared() {
    let server = Server::start().await;
    let mut b = Browser::start("06-warehouse-list").await;
    b.login_at(&server.url(""), ZONE_CARD, ZONE_PASSWORD).await;
    approved_registration(&b).await;
    let draft = b
        .create("/warehouses", owned_warehouse("法兰克福一号仓"))
        .await;
    let apply_no = draft["wh_apply_no"].as_str().unwrap().to_owned();
    b.goto(&server.url("/warehouse")).await;
    b.select("#q-country_code", "502").await;
    b.click("#btn-query").await;
    b.wait_text("table.results tbody", &apply_no).await;
    b.screenshot("list").await;
    b.client
        .find(fantoccini::Locator::LinkText(&apply_no))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_text("#apply-no", &apply_no).await;
    assert!(
        b.attr("#wh_name", "disabled").await.is_some(),
        "read-only until 修改"
    );
    for button in ["#btn-edit", "#btn-delete", "#btn-declare"] {
        b.find(button).await;
    }
    b.screenshot("detail").await;

    b.click("#btn-edit").await;
    b.type_into("#wh_name", "洛杉矶二号仓").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存").await;
    b.find("#doc_file")
        .await
        .send_keys(sample_pdf().to_str().unwrap())
        .await
        .unwrap();
    b.click("#btn-upload").await;
    b.wait_text(".attachment-list", "ownership.pdf").await;
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "申报中").await;
    let name = b.find("#wh_name").await.prop("value").await.unwrap();
    assert_eq!(name.as_deref(), Some("洛杉矶二号仓"));
    b.screenshot("declared").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warehouse_detail_at_phone_width() {
    let server = Server::start().await;
    let mut b = Browser::start_sized("06-warehouse-390", 390, 844).await;
    b.login_at(&server.url(""), ZONE_CARD, ZONE_PASSWORD).await;
    approved_registration(&b).await;
    let draft = b.create("/warehouses", owned_warehouse("悉尼仓")).await;
    b.goto(&server.url(&format!("/warehouse/{}", draft["id"])))
        .await;
    b.wait_text("#status", "暂存").await;
    b.screenshot("phone").await;
    b.close().await;
}
