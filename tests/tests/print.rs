//! Issue 17: an approved record reads as a customs form — on the screen (values as text at full
//! contrast, receipts in plain words in the detail and the list, the operator by name, guids
//! folded away) and on paper (the
//! printout as PDF: every field, ☑/☐, status and receipt, documents with SHA-256, page header
//! and page numbers, no guids).

use owf_e2e::*;
use owf_shared::fixtures::{owned_warehouse, ZONE};

/// `text` without white space, as a PDF's text comes out in runs.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_has(text: &str, wanted: &str) {
    assert!(
        squeezed(text).contains(&squeezed(wanted)),
        "lacks {wanted:?}: {text}"
    );
}

/// Opens version `n` of the record on screen (printing itself stubbed: the test prints through
/// DevTools) and takes its screenshot.
async fn open_version(b: &mut Browser, n: u32) {
    b.client
        .execute("window.print = () => {};", vec![])
        .await
        .unwrap();
    b.click(&format!("#version-{n} summary")).await;
    b.scroll_to(&format!("#version-{n}")).await;
    b.screenshot(&format!("version-{n}")).await;
}

/// 打印版本 `n`: the text of its PDF, which holds that version alone, not the record's summary.
async fn print_version(b: &mut Browser, n: u32) -> String {
    b.click(&format!("#version-{n} .print-version")).await;
    let version = b.print_pdf(&format!("version-{n}")).await;
    assert!(
        !version.contains("申报时间"),
        "the record's summary: {version}"
    );
    version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_registration_reads_and_prints_as_a_form() {
    let server = Server::start().await;
    let mut b = Browser::start("17-print-registration").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let id = approved_registration(&b).await;
    b.goto(&server.url(&format!("/enterprise/{id}"))).await;
    b.wait_text("#status", "审核通过").await;
    let apply_no = b.find("#apply-no").await.text().await.unwrap();

    // The receipt in plain words, its CEB code on hover.
    let receipt = b.wait_text("#return-info", "审核通过，备案成功").await;
    assert!(!receipt.contains("Code"), "{receipt}");
    let code = b.attr("#return-info", "title").await.unwrap();
    assert_eq!(code, "回执代码 1800：逻辑校验通过");

    // Values as text, not disabled inputs, at full contrast; options as ☑/☐ with their labels.
    let contact = b.find("output#contact_name").await;
    assert_eq!(contact.text().await.unwrap(), "林晓");
    let colours = b
        .client
        .execute(
            "const s = getComputedStyle(document.getElementById('contact_name')); \
             return [s.color, s.opacity, getComputedStyle(document.querySelector('.screen')).backgroundColor];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        colours,
        serde_json::json!(["rgb(31, 41, 55)", "1", "rgb(255, 255, 255)"]),
        "#1f2937 on white: 14.7:1"
    );
    assert!(!b.exists("input#contact_name").await);
    let ticked = b.find("#trade_modes-9810").await.text().await.unwrap();
    assert!(ticked.starts_with("☑ 9810"), "{ticked}");
    let unticked = b.find("#trade_modes-0110").await.text().await.unwrap();
    assert!(unticked.starts_with("☐ 0110"), "{unticked}");
    let ack = b.find("#commitment_ack").await.text().await.unwrap();
    assert!(ack.starts_with("☑ 本企业承诺"), "{ack}");
    b.scroll_to("#status").await;
    b.screenshot("read-only").await;

    // The timeline names the operator and reads without codes; guids are folded away.
    b.scroll_to(".timeline").await;
    let timeline = b.find(".timeline").await.text().await.unwrap();
    assert!(
        timeline.contains("操作员 林晓（8944030000001）"),
        "{timeline}"
    );
    for actor in ["系统", "海关", "报文已送达海关", "审核通过，备案成功"] {
        assert!(timeline.contains(actor), "lacks {actor}: {timeline}");
    }
    for code in ["卡号", "[120]", "[399]", "[Code:"] {
        assert!(!timeline.contains(code), "shows {code}: {timeline}");
    }
    assert!(!has_guid(&timeline), "{timeline}");
    b.click(".timeline details.technical summary").await;
    let technical = b.wait_text(".timeline details.technical", "报文编号").await;
    assert!(has_guid(&technical), "{technical}");
    b.screenshot("approved").await;

    // On paper: a form an auditor reads without the screen.
    let pdf = b.print_pdf("printout").await;
    for wanted in [
        &format!("企业名称：{}", ZONE.ent_name),
        &format!("企业申请编号：{apply_no}"),
        "统一社会信用代码",
        ZONE.uscc,
        "联系人",
        "林晓",
        "☑ 9810",
        "☑ 1210",
        "☐ 0110",
        "☑ 本企业承诺",
        "审核通过，备案成功",
        "第 1 页，共 1 页",
    ] {
        assert_has(&pdf, wanted);
    }
    for absent in ["[Code:", "状态变更及回执", "报文已送达海关", "打印"] {
        assert!(!pdf.contains(absent), "prints {absent}: {pdf}");
    }
    assert!(!has_guid(&pdf), "prints a guid: {pdf}");

    // Each version prints alone, unfolded, with its ticks.
    open_version(&mut b, 1).await;
    let version = print_version(&mut b, 1).await;
    for wanted in [
        "版本 1",
        "审核通过，备案成功",
        "☑ 9810 ",
        "☐ 0110",
        "☑ 本企业承诺",
        "林晓",
        &format!("企业申请编号：{apply_no}"),
    ] {
        assert_has(&version, wanted);
    }

    // The list reads the receipt the same way, its code on hover.
    b.goto(&server.url("/enterprise")).await;
    b.click("#btn-query").await;
    let row = b.wait_text("table.results tbody", &apply_no).await;
    assert!(row.contains("审核通过，备案成功"), "{row}");
    assert!(!row.contains("Code"), "{row}");
    let hover = b.attr("table.results tbody span[title]", "title").await;
    assert_eq!(hover.as_deref(), Some("回执代码 1800：逻辑校验通过"));
    b.screenshot("list").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warehouse_printout_lists_its_documents_with_sha256() {
    let server = Server::start().await;
    let mut b = Browser::start("17-print-warehouse").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;
    let draft = b
        .create("/warehouses", &owned_warehouse("鹿特丹一号仓"))
        .await;
    let id = draft["id"].as_i64().unwrap();
    b.goto(&server.url(&format!("/warehouse/{id}"))).await;
    b.click("#btn-edit").await;
    b.choose_file("#doc_file", "ownership.pdf", owf_shared::fixtures::PDF)
        .await;
    b.click("#btn-upload").await;
    b.wait_text(".attachment-list", "ownership.pdf").await;
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "审核通过").await;
    let detail = b.api("GET", &format!("/warehouses/{id}"), None).await;
    let sha256 = detail["body"]["attachments"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let apply_no = detail["body"]["wh_apply_no"].as_str().unwrap().to_owned();
    let country = b.find("output#country_code").await.text().await.unwrap();
    assert!(country.contains(' '), "a code with its name: {country}");
    let form = b.find(".form-grid").await.text().await.unwrap();
    assert!(
        !form.contains("可输入代码或中文名称"),
        "no typing hints on a record that is not edited: {form}"
    );
    b.screenshot("approved").await;

    let pdf = b.print_pdf("printout").await;
    for wanted in [
        &format!("申请编号：{apply_no}"),
        "鹿特丹一号仓",
        &country,
        "审核通过，备案成功",
        "ownership.pdf",
        &format!("SHA-256 {sha256}"),
        "第 1 页",
    ] {
        assert_has(&pdf, wanted);
    }
    assert!(!has_guid(&pdf), "prints a guid: {pdf}");

    // Its version prints alone with the documents that version was approved with.
    open_version(&mut b, 1).await;
    b.wait_text("#version-1 .attachment-list", "ownership.pdf")
        .await;
    let version = print_version(&mut b, 1).await;
    for wanted in [
        "版本 1",
        "证明材料",
        "ownership.pdf",
        &format!("SHA-256 {sha256}"),
    ] {
        assert_has(&version, wanted);
    }
    b.close().await;
}
