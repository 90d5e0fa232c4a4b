//! The confirmation dialog: the focus starts on the safe choice, stays inside, and goes back to
//! the button that opened it; 移除 of a proof document asks first.

use fantoccini::key::Key;
use owf_e2e::*;
use owf_shared::fixtures::{owned_warehouse, PDF, ZONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_dialog_starts_on_cancel_keeps_the_focus_and_escape_returns_it() {
    let server = Server::start().await;
    let mut b = Browser::start("dialog-focus").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    let draft = b.create("/registrations", &ZONE.registration()).await;
    let apply_no = draft["ent_apply_no"].as_str().unwrap().to_owned();
    b.goto(&server.url(&format!("/enterprise/{}", draft["id"])))
        .await;
    b.wait_text("#apply-no", &apply_no).await;

    b.click("#btn-delete").await;
    b.wait_text("#dialog-message", "删除后不能恢复").await;
    assert_eq!(
        b.focused_id().await,
        "dialog-cancel",
        "the focus starts on 取消"
    );
    b.screenshot("delete-dialog").await;

    // Tab goes round the dialog's two buttons, never to the page behind.
    for expected in ["dialog-confirm", "dialog-cancel", "dialog-confirm"] {
        b.press_keys(&[Key::Tab]).await;
        assert_eq!(b.focused_id().await, expected);
    }
    b.press_keys(&[Key::Shift, Key::Tab]).await;
    assert_eq!(b.focused_id().await, "dialog-cancel");
    b.press_keys(&[Key::Shift, Key::Tab]).await;
    assert_eq!(b.focused_id().await, "dialog-confirm");

    // Escape closes it, and the focus is back on 删除.
    b.press_keys(&[Key::Escape]).await;
    b.wait_gone(".dialog").await;
    assert_eq!(b.focused_id().await, "btn-delete");

    // Enter right after opening chooses 取消: the record stays.
    b.click("#btn-delete").await;
    b.find(".dialog").await;
    b.press_keys(&[Key::Enter]).await;
    b.wait_gone(".dialog").await;
    assert_eq!(b.focused_id().await, "btn-delete");
    let still = b
        .api("GET", &format!("/registrations/{}", draft["id"]), None)
        .await;
    assert_eq!(still["status"], 200, "Enter must not delete: {still}");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_proof_document_asks_first() {
    let server = Server::start().await;
    let mut b = Browser::start("dialog-remove").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;
    let draft = b.create("/warehouses", &owned_warehouse("鹿特丹仓")).await;
    let id = draft["id"].as_i64().unwrap();
    upload(&b, id, "01", "产权证明.pdf", PDF).await;
    b.goto(&server.url(&format!("/warehouse/{id}"))).await;
    b.wait_text(".attachment-list", "产权证明.pdf").await;

    b.click(".attachment-list button.danger").await;
    b.wait_text("#dialog-title", "移除证明材料").await;
    b.wait_text("#dialog-message", "产权证明.pdf").await;
    assert_eq!(b.focused_id().await, "dialog-cancel");
    b.screenshot("remove-asks").await;
    b.click("#dialog-cancel").await;
    b.wait_gone(".dialog").await;
    b.wait_text(".attachment-list", "产权证明.pdf").await;

    b.click(".attachment-list button.danger").await;
    b.click("#dialog-confirm").await;
    b.wait_gone(".attachment-list").await;
    b.wait_text("#attachments", "尚未上传证明材料").await;
    b.screenshot("removed").await;
    b.close().await;
}
