//! An ended login loses nothing: the form being edited and the query being run come back after
//! the next login; the end is announced before it comes and can be put off; and status changes
//! from customs replace the 申报 notice and are announced.

use owf_e2e::*;
use owf_shared::fixtures::ZONE;
use serde_json::{json, Value};

/// The page's kept unsaved forms (`localStorage` keys).
async fn kept_keys(b: &Browser) -> Value {
    b.client
        .execute("return Object.keys(localStorage)", vec![])
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_survive_an_expired_login_and_come_back_after_it() {
    let server = Server::start().await;
    let mut b = Browser::start("01-expiry-edits").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    let path = format!("/enterprise/{}", draft["id"]);
    b.goto(&server.url(&path)).await;
    b.type_into("#contact_name", "韩雪梅").await;
    let key = format!("owf.unsaved.{}.{path}", ZONE.card_no);
    assert_eq!(kept_keys(&b).await, json!([key]), "kept while typed");

    server.sessions_end_in(-1).await;
    b.click("#btn-save").await;
    b.wait_text(
        "#expired-notice",
        "登录已超时，请重新登录，未保存的内容已保留",
    )
    .await;
    b.screenshot("login-after-expiry").await;
    b.login(ZONE.card_no, ZONE.password).await;
    b.wait_path(&path).await;
    b.wait_text("#notice", "已恢复上次未保存的内容").await;
    let restored = b.find("#contact_name").await.prop("value").await.unwrap();
    assert_eq!(restored.as_deref(), Some("韩雪梅"));
    b.screenshot("restored").await;

    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存").await;
    assert_eq!(kept_keys(&b).await, json!([]), "forgotten once stored");
    b.goto(&server.url(&path)).await;
    b.wait_text("#status", "暂存").await;
    let stored = b.find("#contact_name").await.prop("value").await.unwrap();
    assert_eq!(stored.as_deref(), Some("韩雪梅"));
    assert!(!b.exists("#notice").await, "nothing left to restore");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_form_over_a_changed_record_is_refused_not_written_over() {
    let server = Server::start().await;
    let mut b = Browser::start("01-expiry-conflict").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    let path = format!("/enterprise/{}", draft["id"]);
    b.goto(&server.url(&path)).await;
    b.type_into("#contact_name", "韩雪梅").await;
    server.sessions_end_in(-1).await;
    b.click("#btn-save").await;
    b.find("#expired-notice").await;
    // Meanwhile someone else of the enterprise saves the record.
    let login = json!({ "card_no": ZONE.card_no, "password": ZONE.password });
    assert_eq!(b.api("POST", "/session", Some(login)).await["status"], 200);
    let mut form = draft["form"].clone();
    form["contact_name"] = json!("李四");
    let body = json!({ "version": draft["lifecycle"]["version"], "form": form });
    let api_path = format!("/registrations/{}", draft["id"]);
    let saved = b.api("PUT", &api_path, Some(body)).await;
    assert_eq!(saved["status"], 200, "{saved}");

    b.login(ZONE.card_no, ZONE.password).await;
    b.wait_path(&path).await;
    b.wait_text("#notice", "已恢复上次未保存的内容").await;
    let restored = b.find("#contact_name").await.prop("value").await.unwrap();
    assert_eq!(restored.as_deref(), Some("韩雪梅"));
    b.click("#btn-save").await;
    b.wait_text(".error-banner", "记录已变化").await;
    b.screenshot("conflict").await;
    let stored = b.api("GET", &api_path, None).await;
    assert_eq!(
        stored["body"]["form"]["contact_name"], "李四",
        "not written over"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_run_after_the_login_ended_runs_after_the_next() {
    let server = Server::start().await;
    let mut b = Browser::start("01-expiry-query").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    let apply_no = draft["ent_apply_no"].as_str().unwrap().to_owned();
    b.goto(&server.url("/query")).await;
    b.wait_text("#no-query", "请输入查询条件").await;
    b.type_into("#q-ent_name", "前海综保").await;
    server.sessions_end_in(-1).await;
    b.click("#btn-query").await;
    b.wait_text("#expired-notice", "未保存的内容已保留").await;
    b.screenshot("login").await;
    b.login(ZONE.card_no, ZONE.password).await;
    b.wait_text("table.results tbody", &apply_no).await;
    let condition = b.find("#q-ent_name").await.prop("value").await.unwrap();
    assert_eq!(condition.as_deref(), Some("前海综保"));
    b.screenshot("results").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_end_of_the_login_is_announced_and_can_be_put_off() {
    let server = Server::start().await;
    let mut b = Browser::start("01-session-warning").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    b.goto(&server.url("/enterprise/new")).await;
    b.click("#btn-new").await;
    assert!(!b.exists("#session-warning").await, "hours are left");
    server.sessions_end_in(3 * 60_000).await;
    // The page learns the new end when it is loaded.
    b.goto(&server.url("/enterprise/new")).await;
    let warning = b.wait_text("#session-warning", "登录将于 ").await;
    assert!(warning.contains("超时"), "{warning}");
    b.click("#btn-new").await;
    b.type_into("#contact_name", "韩雪梅").await;
    b.screenshot("warning").await;
    b.click("#btn-extend").await;
    b.wait_gone("#session-warning").await;
    let left = server.session_end().await - owf_backend::clock::now_ms();
    assert!(left > 7 * 3_600_000, "extended by a whole login: {left} ms");
    let typed = b.find("#contact_name").await.prop("value").await.unwrap();
    assert_eq!(
        typed.as_deref(),
        Some("韩雪梅"),
        "the screen stays as it was"
    );
    b.screenshot("extended").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_replaces_the_declare_notice_and_is_announced() {
    let server = Server::start().await;
    let mut b = Browser::start("04-status-announced").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    b.goto(&server.url(&format!("/enterprise/{}", draft["id"])))
        .await;
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#notice", "正在等待海关回执").await;
    b.screenshot("declared").await;
    b.wait_text("#status", "审核通过").await;
    let live = "#notices[aria-live='polite']";
    b.wait_text(live, "状态已变为：审核通过").await;
    let notice = b.find("#notice").await.text().await.unwrap();
    assert!(!notice.contains("等待海关回执"), "{notice}");
    b.screenshot("approved").await;
    b.close().await;
}
