//! The result tables of the three query screens: every column readable at 1366 px without
//! scrolling sideways; on a phone each row a card with 申请编号, name, 状态 and 最新回执.

use owf_e2e::*;
use owf_shared::fixtures::{owned_warehouse, PDF, ZONE};
use owf_shared::receipt::ReceiptText;
use serde_json::Value;

/// The query screens, each listing everything.
const SCREENS: [&str; 3] = ["/query?page=1", "/enterprise?page=1", "/warehouse?page=1"];

/// What overflows sideways on the page now: the page itself, a result table, a heading cut
/// off or outside the window.
const OVERFLOW: &str = r#"
    const problems = [];
    if (window.innerWidth !== arguments[1]) {
        problems.push(`window ${window.innerWidth} px wide`);
    }
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) {
        problems.push(`page ${doc.scrollWidth} px wide in a ${window.innerWidth} px window`);
    }
    for (const wrap of document.querySelectorAll('.table-wrap')) {
        if (wrap.scrollWidth > wrap.clientWidth) {
            problems.push(`table ${wrap.scrollWidth} px wide in ${wrap.clientWidth} px`);
        }
    }
    if (arguments[0]) {
        for (const th of document.querySelectorAll('table.results th')) {
            const r = th.getBoundingClientRect();
            if (r.width === 0 || r.left < 0 || r.right > window.innerWidth || th.scrollWidth > th.clientWidth) {
                problems.push(`heading ${th.textContent} not fully shown`);
            }
        }
    }
    return problems;
"#;

/// The cards of the result rows: for each, the labels of the cells shown and their text.
const CARDS: &str = r#"
    return [...document.querySelectorAll('table.results tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td')]
            .filter((td) => getComputedStyle(td).display !== 'none')
            .map((td) => [td.dataset.label, td.innerText]));
"#;

/// What overflows on a page that should be `width` px wide.
async fn overflow(b: &Browser, width: u32, headings_shown: bool) -> Value {
    b.client
        .execute(OVERFLOW, vec![Value::Bool(headings_shown), width.into()])
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_tables_fit_at_1366_and_become_cards_on_a_phone() {
    let server = Server::start().await;
    let mut b = Browser::start_sized("tables-1366", 1366, 768).await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    // Rows as long as they come: a registration and a warehouse with receipts, a warehouse
    // named with all 100 characters allowed.
    let registration = approved_registration(&b).await;
    let long_name = "鹿特丹港区跨境电商保税物流中心第三号".repeat(6);
    let long_name: String = long_name.chars().take(100).collect();
    let approved_wh = b.create("/warehouses", &owned_warehouse(&long_name)).await;
    let approved_id = approved_wh["id"].as_i64().unwrap();
    upload(&b, approved_id, "01", "产权证明.pdf", PDF).await;
    approved(&b, "/warehouses", approved_id).await;
    b.create("/warehouses", &owned_warehouse("布达佩斯仓"))
        .await;
    let detail = b
        .api("GET", &format!("/registrations/{registration}"), None)
        .await;
    // The lists show the receipt in plain words (the CEB code only on hover).
    let receipt = ReceiptText::of(
        detail["body"]["lifecycle"]["last_return_info"]
            .as_str()
            .unwrap(),
    )
    .plain;
    assert!(!receipt.is_empty());

    for screen in SCREENS {
        b.goto(&server.url(screen)).await;
        b.wait_text("table.results tbody", &receipt).await;
        b.scroll_to("table.results").await;
        b.screenshot("wide").await;
        let problems = overflow(&b, 1366, true).await;
        assert_eq!(problems, Value::Array(vec![]), "{screen} at 1366 px");
    }
    b.close().await;

    let mut b = Browser::start_sized("tables-390", 390, 844).await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    for screen in SCREENS {
        b.goto(&server.url(screen)).await;
        b.wait_text("table.results tbody", &receipt).await;
        b.scroll_to("table.results").await;
        b.screenshot("cards").await;
        let problems = overflow(&b, 390, false).await;
        assert_eq!(problems, Value::Array(vec![]), "{screen} at 390 px");
        let cards = b.client.execute(CARDS, vec![]).await.unwrap();
        for card in cards.as_array().unwrap() {
            let labels: Vec<&str> = card
                .as_array()
                .unwrap()
                .iter()
                .map(|cell| cell[0].as_str().unwrap())
                .collect();
            assert!(
                labels[0].contains("申请编号") && labels.contains(&"状态"),
                "{screen}: a card shows {card}"
            );
            assert!(
                labels.contains(&"企业名称") || labels.contains(&"海外仓名称"),
                "{screen}: a card names the filing: {card}"
            );
            assert!(
                labels.len() <= 6,
                "{screen}: a card shows only what matters: {card}"
            );
        }
        // The second date of 申报日期 opens its calendar inside the window.
        b.click("#q-decl_to-toggle").await;
        b.find("#q-decl_to-calendar").await;
        let problems = overflow(&b, 390, false).await;
        assert_eq!(
            problems,
            Value::Array(vec![]),
            "{screen}: calendar at 390 px"
        );
        b.press_keys(&[fantoccini::key::Key::Escape]).await;
        b.wait_gone("#q-decl_to-calendar").await;
        let text = cards.to_string();
        assert!(
            text.contains(&receipt),
            "{screen}: the cards show 最新回执: {text}"
        );
        assert!(text.contains("审核通过"), "{screen}: 状态 is shown: {text}");
    }
    b.close().await;
}
