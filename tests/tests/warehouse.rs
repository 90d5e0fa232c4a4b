//! Manual sections 05 (海外仓资料信息报送) and 06 (海外仓资料信息查询).

use owf_e2e::*;
use owf_shared::fixtures::{owned_warehouse, PLAIN, ZONE};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entry_is_refused_without_an_approved_registration() {
    let server = Server::start().await;
    let mut b = Browser::start("05-report-refused").await;
    b.login_at(&server.url(""), PLAIN.card_no, PLAIN.password)
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
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
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
    b.choose_file("#doc_file", "ownership.pdf", owf_shared::fixtures::PDF)
        .await;
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
async fn leased_warehouse_with_lease_agreement_is_approved() {
    let server = Server::start().await;
    let mut b = Browser::start("05-leased-proof").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;
    b.goto(&server.url("/warehouse/new")).await;
    b.click("#btn-new").await;
    b.select("#trade_mode", "9810").await;
    b.type_into("#wh_name", "安大略租赁仓").await;
    b.select("#country_code", "502").await;
    b.type_into("#city", "Ontario, CA").await;
    b.type_into("#wh_address", "1234 E Francis St").await;
    b.type_into("#area_sqm", "5200").await;
    b.select("#ownership", "2").await;
    let lease_end = format!("{}-12-31", owf_backend::clock::beijing_today().year() + 1);
    b.set_value("#lease_start", "2024-01-01").await;
    b.set_value("#lease_end", &lease_end).await;
    b.type_into("#lessor_name", "Ontario Logistics LLC").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存，申请编号").await;
    b.wait_text("#status", "暂存").await;
    let url = b.client.current_url().await.unwrap();
    let id = url.path().rsplit('/').next().unwrap().to_owned();

    // A renamed executable is refused in the browser, by content, before anything is sent.
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
    b.choose_file("#doc_file", "租赁协议.pdf", elf).await;
    let refused = "只接受 PDF、JPEG 或 PNG 文件（按文件内容识别，改扩展名无效）";
    b.wait_text("#attachments-error", refused).await;
    b.click("#btn-upload").await;
    b.wait_text("#attachments-error", refused).await;
    b.scroll_to("#attachments").await;
    b.screenshot("refused").await;
    let detail = b.api("GET", &format!("/warehouses/{id}"), None).await;
    assert_eq!(detail["body"]["attachments"], json!([]), "nothing sent");

    // Too large: refused before sending, with the size.
    let mut large = b"%PDF-1.4\n".to_vec();
    large.resize(11 * 1024 * 1024, b' ');
    b.choose_file("#doc_file", "扫描件.pdf", &large).await;
    b.wait_text("#attachments-error", "文件大小 11.0 MB 超过 10 MB 上限")
        .await;
    // What only the server can refuse shows at the same place: a type not in the code table
    // (the picker offers none), as a page with an outdated table would send it.
    b.client
        .execute(
            "const open = XMLHttpRequest.prototype.open; \
             XMLHttpRequest.prototype.open = function (method, url) { \
               XMLHttpRequest.prototype.open = open; \
               return open.call(this, method, url.replace('doc_type=01', 'doc_type=07')); };",
            vec![],
        )
        .await
        .unwrap();
    b.choose_file("#doc_file", "ownership.pdf", owf_shared::fixtures::PDF)
        .await;
    b.wait_gone("#attachments-error").await;
    b.click("#btn-upload").await;
    b.wait_text("#attachments-error", "代码 07 不在证明材料类型代码表中")
        .await;
    let detail = b.api("GET", &format!("/warehouses/{id}"), None).await;
    assert_eq!(detail["body"]["attachments"], json!([]), "nothing stored");

    // The lease agreement (02), listed with type, name, size and a download link.
    b.select("#doc_type", "02").await;
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    b.choose_file("#doc_file", "租赁协议.pdf", pdf).await;
    b.wait_gone("#attachments-error").await;
    assert!(!b.exists("#upload-preview").await, "no preview of a PDF");
    // A small local upload shows its progress bar only briefly: record what it showed.
    b.client
        .execute(
            "window.progressShown = []; new MutationObserver(() => { \
               const bar = document.getElementById('upload-progress'); \
               if (bar) window.progressShown.push(bar.value); \
             }).observe(document.body, { childList: true, subtree: true });",
            vec![],
        )
        .await
        .unwrap();
    b.click("#btn-upload").await;
    let listed = b.wait_text(".attachment-list", "租赁协议.pdf").await;
    assert!(listed.contains("02 租赁协议"), "{listed}");
    assert!(listed.contains(&format!("{} B", pdf.len())), "{listed}");
    let href = b.attr(".attachment-list a", "href").await.unwrap();
    assert!(
        href.contains(&format!("/api/warehouses/{id}/attachments/")),
        "{href}"
    );
    b.wait_gone("#upload-progress").await;
    let shown = b
        .client
        .execute("return window.progressShown;", vec![])
        .await
        .unwrap();
    assert!(
        shown.as_array().is_some_and(|values| !values.is_empty()),
        "no progress bar while uploading: {shown}"
    );

    // A photo (03) with a local preview before upload and a thumbnail after.
    b.select("#doc_type", "03").await;
    b.choose_file("#doc_file", "仓库照片.png", PNG_1X1).await;
    b.find("#upload-preview").await;
    b.scroll_to("#attachments").await;
    b.screenshot("preview").await;
    b.click("#btn-upload").await;
    b.wait_text(".attachment-list", "03 其他使用证明").await;
    b.wait_gone("#upload-preview").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let loaded = "const img = document.querySelector('.attachment-list img.thumb'); \
                  return img !== null && img.complete && img.naturalWidth === 1;";
    while b.client.execute(loaded, vec![]).await.unwrap() != json!(true) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the thumbnail never showed the stored image"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        b.client
            .find_all(fantoccini::Locator::Css(".attachment-list img.thumb"))
            .await
            .unwrap()
            .len(),
        1,
        "a thumbnail for the image only"
    );
    b.scroll_to("#attachments").await;
    b.screenshot("attached").await;

    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "审核通过").await;
    b.scroll_to("#status").await;
    b.screenshot("approved").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_opens_a_draft_that_is_modified_and_declared() {
    let server = Server::start().await;
    let mut b = Browser::start("06-warehouse-list").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;
    let draft = b
        .create("/warehouses", &owned_warehouse("法兰克福一号仓"))
        .await;
    let apply_no = draft["wh_apply_no"].as_str().unwrap().to_owned();
    b.goto(&server.url("/warehouse")).await;
    b.select("#q-country_code", "502").await;
    b.click("#btn-query").await;
    b.wait_text("table.results tbody", &apply_no).await;
    b.screenshot("list").await;
    b.click_link(&apply_no).await;
    b.wait_text("#apply-no", &apply_no).await;
    assert!(b.exists("output#wh_name").await, "read-only until 修改");
    for button in ["#btn-edit", "#btn-delete", "#btn-declare"] {
        b.find(button).await;
    }
    b.screenshot("detail").await;

    b.click("#btn-edit").await;
    b.type_into("#wh_name", "洛杉矶二号仓").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存").await;
    b.choose_file("#doc_file", "ownership.pdf", owf_shared::fixtures::PDF)
        .await;
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
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;
    let draft = b.create("/warehouses", &owned_warehouse("悉尼仓")).await;
    b.goto(&server.url(&format!("/warehouse/{}", draft["id"])))
        .await;
    b.wait_text("#status", "暂存").await;
    b.screenshot("phone").await;
    b.close().await;
}
