//! A record's detail page: the menu marks its section, its number is shown once, and a
//! warehouse names the registration it belongs to.

use owf_e2e::*;
use owf_shared::fixtures::{owned_warehouse, ZONE};

const CURRENT: &str = ".app-menu a[aria-current='page']";

/// How often `text` appears in the record's summary and form (their text and input values).
async fn count_in_record(b: &Browser, text: &str) -> usize {
    let script = r#"
        return [...document.querySelectorAll('.summary, form.filing-form')]
            .map((part) => [part.innerText, ...[...part.querySelectorAll('input')].map((i) => i.value)])
            .flat()
            .join('\n');
    "#;
    let shown = b.client.execute(script, vec![]).await.unwrap();
    shown.as_str().unwrap().matches(text).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detail_pages_mark_their_section_and_show_each_number_once() {
    let server = Server::start().await;
    let mut b = Browser::start("detail-pages").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let registration = approved_registration(&b).await;
    let detail = b
        .api("GET", &format!("/registrations/{registration}"), None)
        .await;
    let ent_apply_no = detail["body"]["ent_apply_no"].as_str().unwrap().to_owned();

    b.goto(&server.url(&format!("/enterprise/{registration}")))
        .await;
    b.wait_text("#apply-no", &ent_apply_no).await;
    b.wait_text(CURRENT, "海外仓企业登记申报").await;
    assert_eq!(
        count_in_record(&b, &ent_apply_no).await,
        1,
        "企业申请编号 shown once"
    );
    b.screenshot("registration").await;

    // A new warehouse names the registration's number before it is stored.
    b.goto(&server.url("/warehouse/new")).await;
    b.click("#btn-new").await;
    let shown = b
        .find("#ro-ent_apply_no")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(shown.as_deref(), Some(ent_apply_no.as_str()));
    b.wait_text(CURRENT, "海外仓资料信息报送").await;
    b.screenshot("warehouse-new").await;

    let warehouse = b.create("/warehouses", &owned_warehouse("米兰仓")).await;
    let wh_apply_no = warehouse["wh_apply_no"].as_str().unwrap().to_owned();
    b.goto(&server.url(&format!("/warehouse/{}", warehouse["id"])))
        .await;
    b.wait_text("#apply-no", &wh_apply_no).await;
    b.wait_text(CURRENT, "海外仓资料信息查询").await;
    assert_eq!(
        count_in_record(&b, &wh_apply_no).await,
        1,
        "申请编号 shown once"
    );
    let shown = b
        .find("#ro-ent_apply_no")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(shown.as_deref(), Some(ent_apply_no.as_str()));
    b.screenshot("warehouse").await;
    b.close().await;
}
