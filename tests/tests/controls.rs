//! Date and file controls in Chinese whatever the browser's language, and dates in one format.

use fantoccini::key::Key;
use owf_e2e::*;
use owf_shared::fixtures::{owned_warehouse, ZONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn date_and_file_controls_are_chinese_in_an_english_browser() {
    let server = Server::start().await;
    let mut b = Browser::start_with_args("controls-en", &["--lang=en-US"]).await;
    let language = b
        .client
        .execute("return navigator.language;", vec![])
        .await
        .unwrap();
    assert_eq!(language, "en-US", "the browser speaks English");
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;

    // 租赁开始日期: typed as digits, the hyphens put in.
    b.goto(&server.url("/warehouse/new")).await;
    b.click("#btn-new").await;
    b.select("#ownership", "2").await;
    assert_eq!(
        b.attr("#lease_start", "type").await.as_deref(),
        Some("text")
    );
    assert_eq!(
        b.attr("#lease_start", "placeholder").await.as_deref(),
        Some("YYYY-MM-DD")
    );
    assert!(!b.exists("input[type=date]").await, "no browser date input");
    b.type_into("#lease_start", "20261231").await;
    let typed = b.find("#lease_start").await.prop("value").await.unwrap();
    assert_eq!(typed.as_deref(), Some("2026-12-31"));

    // The calendar opens on the typed day, in Chinese, and the keyboard picks the next one.
    b.click("#lease_start-toggle").await;
    b.wait_text("#lease_start-calendar .calendar-title", "2026年12月")
        .await;
    let weekdays = b
        .find("#lease_start-calendar thead")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        weekdays.split_whitespace().collect::<Vec<_>>(),
        ["日", "一", "二", "三", "四", "五", "六"]
    );
    b.screenshot("calendar").await;
    let active = b
        .client
        .execute("return document.activeElement.dataset.date;", vec![])
        .await
        .unwrap();
    assert_eq!(active, "2026-12-31", "the typed day has the focus");
    b.press_keys(&[Key::Right]).await;
    b.wait_text("#lease_start-calendar .calendar-title", "2027年1月")
        .await;
    b.press_keys(&[Key::Enter]).await;
    b.wait_gone("#lease_start-calendar").await;
    let picked = b.find("#lease_start").await.prop("value").await.unwrap();
    assert_eq!(picked.as_deref(), Some("2027-01-01"));
    assert_eq!(b.focused_id().await, "lease_start");

    // A day that does not exist is named in the one format.
    b.type_into("#lease_end", "20270230").await;
    b.wait_text("#lease_end-error", "不是有效的日期").await;
    b.screenshot("dates").await;

    // 选择文件 / 未选择文件 instead of the browser's own words; the input keeps the focus.
    let draft = b.create("/warehouses", &owned_warehouse("汉堡仓")).await;
    b.goto(&server.url(&format!("/warehouse/{}", draft["id"])))
        .await;
    b.wait_text("label[for=doc_file]", "选择文件").await;
    b.wait_text("#doc_file-name", "未选择文件").await;
    let focusable = b
        .client
        .execute(
            "const input = document.getElementById('doc_file'); input.focus(); \
             return document.activeElement === input;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focusable, true, "the file input is in the tab order");
    b.screenshot("file-none").await;
    b.choose_file("#doc_file", "ownership.pdf", owf_shared::fixtures::PDF)
        .await;
    b.wait_text("#doc_file-name", "ownership.pdf").await;
    b.screenshot("file-chosen").await;

    // The query's 申报日期 too.
    b.goto(&server.url("/query")).await;
    assert_eq!(
        b.attr("#q-decl_from", "placeholder").await.as_deref(),
        Some("YYYY-MM-DD")
    );
    b.click("#q-decl_to-toggle").await;
    b.find("#q-decl_to-calendar").await;
    b.screenshot("query-calendar").await;
    b.close().await;
}
