//! Customs master data end to end: a warehouse in a country the old short table lacked, picked
//! from the full table with the keyboard, and an enterprise under a subordinate customs office
//! (5304 蛇口海关) created with `owf admin`, both through to 审核通过.

use fantoccini::key::Key;
use owf_backend::auth::password;
use owf_backend::cli::{run_admin, AdminArgs, AdminCommand, DatabaseArgs, EnterpriseCommand};
use owf_backend::store::key_encryption::{DEMO_KEY_HEX, ENV_VAR};
use owf_e2e::*;
use owf_shared::fixtures::ZONE;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warehouse_in_hungary_picked_by_keyboard_is_approved() {
    let server = Server::start().await;
    let mut b = Browser::start("masterdata-hungary").await;
    b.login_at(&server.url(""), ZONE.card_no, ZONE.password)
        .await;
    approved_registration(&b).await;
    b.goto(&server.url("/warehouse/new")).await;
    b.click("#btn-new").await;
    b.select("#trade_mode", "9810").await;
    b.type_into("#wh_name", "布达佩斯海外仓").await;

    // Type "匈" and pick 321 匈牙利 with ↓ and Enter.
    let country = b.find("#country_code").await;
    b.type_over("#country_code", "匈").await;
    b.wait_text("#country_code-listbox", "321 匈牙利").await;
    assert_eq!(
        b.attr("#country_code", "aria-expanded").await.as_deref(),
        Some("true")
    );
    b.press("#country_code", Key::Down).await;
    assert_eq!(
        b.attr("#country_code", "aria-activedescendant")
            .await
            .as_deref(),
        Some("country_code-opt-321")
    );
    b.screenshot("typed").await;
    b.press("#country_code", Key::Enter).await;
    assert_eq!(
        country.prop("value").await.unwrap().as_deref(),
        Some("321 匈牙利")
    );
    assert_eq!(
        b.attr("#country_code", "aria-expanded").await.as_deref(),
        Some("false")
    );
    // 142 中国 is there, but disabled with the reason.
    b.type_over("#country_code", "142").await;
    assert_eq!(
        b.attr("#country_code-opt-142", "aria-disabled")
            .await
            .as_deref(),
        Some("true")
    );
    b.wait_text("#country_code-opt-142", "海外仓必须位于境外")
        .await;
    b.press("#country_code", Key::Escape).await;
    assert_eq!(
        country.prop("value").await.unwrap().as_deref(),
        Some("321 匈牙利")
    );

    b.type_into("#city", "Budapest").await;
    b.type_into("#wh_address", "Könyves Kálmán krt. 12").await;
    b.type_into("#area_sqm", "３２００").await;
    b.select("#ownership", "1").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存，申请编号").await;

    // 证明材料类型 is a combobox too: typed by name ("租") and picked with Enter, typed by code
    // ("0") and walked with ↓/↑; Escape closes and keeps what was picked.
    let doc_type = b.find("#doc_type").await;
    let active = || b.attr("#doc_type", "aria-activedescendant");
    assert_eq!(
        doc_type.prop("value").await.unwrap().as_deref(),
        Some("01 所有权文件")
    );
    b.type_over("#doc_type", "租").await;
    b.wait_text("#doc_type-listbox", "02 租赁协议").await;
    assert_eq!(active().await.as_deref(), Some("doc_type-opt-02"));
    b.press("#doc_type", Key::Enter).await;
    assert_eq!(
        doc_type.prop("value").await.unwrap().as_deref(),
        Some("02 租赁协议")
    );
    b.type_over("#doc_type", "0").await;
    b.wait_text("#doc_type-listbox", "04 商务主管部门海外仓业务证明")
        .await;
    b.press("#doc_type", Key::Down).await;
    b.press("#doc_type", Key::Down).await;
    assert_eq!(active().await.as_deref(), Some("doc_type-opt-03"));
    b.press("#doc_type", Key::Escape).await;
    assert_eq!(
        doc_type.prop("value").await.unwrap().as_deref(),
        Some("02 租赁协议")
    );
    b.type_over("#doc_type", "0").await;
    b.press("#doc_type", Key::Down).await;
    b.press("#doc_type", Key::Up).await;
    b.press("#doc_type", Key::Up).await;
    assert_eq!(active().await.as_deref(), Some("doc_type-opt-04"));
    b.press("#doc_type", Key::Down).await;
    assert_eq!(active().await.as_deref(), Some("doc_type-opt-01"));
    b.scroll_to("#doc_type-listbox").await;
    b.screenshot("doc-type").await;
    b.press("#doc_type", Key::Enter).await;
    assert_eq!(
        doc_type.prop("value").await.unwrap().as_deref(),
        Some("01 所有权文件")
    );
    assert_eq!(
        b.attr("#doc_type", "aria-expanded").await.as_deref(),
        Some("false")
    );
    b.choose_file("#doc_file", "ownership.pdf", owf_shared::fixtures::PDF)
        .await;
    b.click("#btn-upload").await;
    let listed = b.wait_text(".attachment-list", "ownership.pdf").await;
    assert!(listed.contains("01 所有权文件"), "{listed}");
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "审核通过").await;
    let shown = b.find("#country_code").await.prop("value").await.unwrap();
    assert_eq!(shown.as_deref(), Some("321 匈牙利"));
    b.screenshot("approved").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enterprise_under_shekou_customs_registers_through_to_approval() {
    let server = Server::start().await;
    std::env::set_var(ENV_VAR, DEMO_KEY_HEX);
    let added = run_admin(AdminArgs {
        db: DatabaseArgs {
            database_url: server.database_url(),
        },
        command: AdminCommand::Enterprise(EnterpriseCommand::Add {
            customs_code: "5304960001".into(),
            uscc: "91440300ma5h7gk015".into(),
            name: "深圳蛇口海运跨境贸易（香港）有限公司".into(),
            district: "5304".into(),
            in_zone: false,
            credit_level: "registered".into(),
        }),
    })
    .await
    .unwrap();
    assert!(added.contains("主管海关 5304 蛇口海关"), "{added}");
    let enterprise = server
        .store
        .enterprise_by_customs_code("5304960001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(enterprise.uscc, "91440300MA5H7GK015", "upper-cased");
    server
        .store
        .add_user(
            enterprise.id,
            "8953040000009",
            "陈蛇口",
            &password::hash("shekou-2026-pass"),
        )
        .await
        .unwrap()
        .unwrap();

    let mut b = Browser::start("masterdata-shekou").await;
    b.login_at(&server.url(""), "8953040000009", "shekou-2026-pass")
        .await;
    b.goto(&server.url("/enterprise/new")).await;
    b.click("#btn-new").await;
    // 主管海关 from master data: prefilled, read-only, with its name.
    let district = b.find("#ro-customs_district").await;
    assert_eq!(
        district.prop("value").await.unwrap().as_deref(),
        Some("5304 蛇口海关")
    );
    assert!(
        b.exists("output#ro-customs_district").await,
        "text, not an input"
    );
    // The name with half-width brackets is the registered name.
    b.type_into("#ent_name", "深圳蛇口海运跨境贸易(香港)有限公司")
        .await;
    b.click("#trade_modes-9810").await;
    b.type_into("#contact_name", "陈蛇口").await;
    b.type_into("#contact_phone", "0755-88886666 转 8").await;
    b.click("#commitment_ack").await;
    b.screenshot("filled").await;
    b.click("#btn-save").await;
    b.wait_text("#notice", "已暂存，企业申请编号").await;
    b.click("#btn-declare").await;
    b.click("#dialog-confirm").await;
    b.wait_text("#status", "审核通过").await;
    b.screenshot("approved").await;
    b.close().await;
}
