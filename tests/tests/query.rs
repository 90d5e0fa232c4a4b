//! Manual section 02 (海外仓备案查询), and the same flow with the frontend on a separate static
//! server.

use owf_e2e::*;
use owf_shared::fixtures::{PLAIN, ZONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_lists_filings_and_reset_clears_conditions_and_results() {
    let server = Server::start().await;
    let mut b = Browser::start("02-query").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    let apply_no = draft["ent_apply_no"].as_str().unwrap().to_owned();

    b.goto(&server.url("/query")).await;
    b.wait_text("#no-query", "请输入查询条件").await;
    b.screenshot("empty").await;
    b.type_into("#q-ent_name", "前海综保").await;
    b.select("#q-status", "1").await;
    b.click("#btn-query").await;
    b.wait_path("/query?ent_name=%E5%89%8D%E6%B5%B7%E7%BB%BC%E4%BF%9D&status=1&page=1")
        .await;
    b.wait_text("table.results tbody", &apply_no).await;
    b.wait_text("table.results tbody", "暂存").await;
    b.wait_text("#total", "共 1 条").await;
    b.screenshot("results").await;

    // Sorting is part of the URL too.
    b.click("th button[data-sort='decl_time']").await;
    b.wait_text("th[aria-sort='ascending']", "申报时间").await;

    b.click("#btn-reset").await;
    b.wait_path("/query").await;
    b.wait_text("#no-query", "请输入查询条件").await;
    assert!(!b.exists("table.results").await, "重置 clears the results");
    let name = b.find("#q-ent_name").await.prop("value").await.unwrap();
    assert_eq!(name.as_deref(), Some(""), "重置 clears the conditions");
    b.screenshot("reset").await;

    // Back reproduces the search from the URL.
    b.client.back().await.unwrap();
    b.wait_text("table.results tbody", &apply_no).await;
    let name = b.find("#q-ent_name").await.prop("value").await.unwrap();
    assert_eq!(name.as_deref(), Some("前海综保"));

    // The row links to the detail.
    b.click(&format!(
        "table.results a[href='/enterprise/{}']",
        draft["id"]
    ))
    .await;
    b.wait_text("#apply-no", &apply_no).await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_screen_at_phone_width() {
    let server = Server::start().await;
    let mut b = Browser::start_sized("02-query-390", 390, 844).await;
    b.login_at(&server.url(""), PLAIN.card_no, PLAIN.password)
        .await;
    b.goto(&server.url("/query?page=1")).await;
    b.wait_text("#no-results", "没有符合条件的数据").await;
    b.screenshot("phone").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frontend_on_another_origin_logs_in_and_queries() {
    // Bind the static site first so the backend can allow its origin.
    let site_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let site_port = site_listener.local_addr().unwrap().port();
    drop(site_listener);
    let origin = format!("http://127.0.0.1:{site_port}");
    let server = Server::start_with(vec![origin.clone()]).await;
    let site = StaticSite::start_on(site_port, &server.url("")).await;
    assert_eq!(site.origin(), origin);

    let mut b = Browser::start("02-query-static").await;
    b.login_at(&site.origin(), ZONE.card_no, ZONE.password)
        .await;
    b.wait_text("#enterprise-name", "深圳前海综保跨境供应链有限公司")
        .await;
    b.goto(&format!("{}/enterprise/new", site.origin())).await;
    b.click("#btn-new").await;
    b.type_into("#contact_name", "林晓").await;
    b.click("#btn-save").await;
    let saved = b.wait_text("#notice", "已暂存").await;
    b.goto(&format!("{}/query?page=1", site.origin())).await;
    let apply_no = saved
        .lines()
        .next()
        .unwrap()
        .rsplit('：')
        .next()
        .unwrap()
        .trim()
        .to_owned();
    b.wait_text("table.results tbody", &apply_no).await;
    b.screenshot("cross-origin").await;
    b.close().await;
}
