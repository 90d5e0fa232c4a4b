//! Lists and 海外仓备案查询: conditions, paging, sorting, and lease expiry (租期将满/已过期).

use axum::http::StatusCode;
use owf_shared::api::{FilingRow, WarehouseRow};
use owf_shared::field::FilingKind;
use owf_shared::fixtures::{leased_warehouse, owned_warehouse, ZONE};
use owf_shared::form::WarehouseForm;

use crate::helpers::{both_databases, TestApp};
use crate::setup::approved_registration;

/// The 海外仓名称 of warehouse rows.
fn names<'a>(rows: impl IntoIterator<Item = &'a WarehouseRow>) -> Vec<&'a str> {
    rows.into_iter().map(|row| row.wh_name.as_str()).collect()
}

/// The warehouse rows among `rows`.
fn warehouses(rows: &[FilingRow]) -> impl Iterator<Item = &WarehouseRow> {
    rows.iter().filter_map(|row| match row {
        FilingRow::Warehouse(row) => Some(row),
        FilingRow::Registration(_) => None,
    })
}

/// 租期将满/已过期: leased warehouses by their 租赁截止日期, with the warning in the rows.
async fn lease_expiry_shows_in_rows_and_filters_queries(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    approved_registration(&app, &zone, &ZONE).await;
    let today = owf_backend::clock::beijing_today();
    for (name, days) in [("soon", 30), ("later", 200), ("ended", -5)] {
        let form = WarehouseForm {
            lease_start: today.add_days(-400).to_string(),
            lease_end: today.add_days(days).to_string(),
            ..leased_warehouse(name)
        };
        zone.create(&form).await.unwrap();
    }
    zone.create(&owned_warehouse("owned")).await.unwrap();
    let soon = zone.warehouses("lease=expiring").await.unwrap();
    assert_eq!(names(&soon.items), ["soon"]);
    assert_eq!(
        soon.items[0].lease_warning.as_deref(),
        Some(format!("租期将于 {} 到期", today.add_days(30)).as_str())
    );
    let ended = zone.filings("lease=expired").await.unwrap();
    assert_eq!(ended.items.len(), 1);
    assert_eq!(names(warehouses(&ended.items)), ["ended"]);
    let warning = warehouses(&ended.items)
        .next()
        .unwrap()
        .lease_warning
        .clone();
    assert!(warning.unwrap().contains("已过期"));
    let all = zone.warehouses("").await.unwrap();
    assert_eq!(all.total, 4);
    let refusal = zone.warehouses("lease=soonish").await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::BAD_REQUEST);
}

async fn lists_filter_page_and_sort_newest_first(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    approved_registration(&app, &zone, &ZONE).await;
    for i in 0..25 {
        let mut form = leased_warehouse(&format!("仓库{i:02}"));
        if i % 5 == 0 {
            form.country_code = "116".into();
        }
        zone.create(&form).await.unwrap();
    }
    let page = zone.warehouses("page_size=10").await.unwrap();
    assert_eq!(page.total, 25);
    assert_eq!(page.items.len(), 10);
    assert_eq!(page.items[0].wh_name, "仓库24", "newest first");
    let page3 = zone.warehouses("page_size=10&page=3").await.unwrap();
    assert_eq!(page3.items.len(), 5);
    assert_eq!(page3.items[4].wh_name, "仓库00");
    let japan = zone.warehouses("country_code=116").await.unwrap();
    assert_eq!(japan.total, 5);
    let named = zone
        .warehouses("wh_name=%E4%BB%93%E5%BA%931")
        .await
        .unwrap();
    assert_eq!(named.total, 10, "仓库1x contains 仓库1: {named:?}");
    let sorted = zone.warehouses("sort=wh_name&page_size=3").await.unwrap();
    assert_eq!(sorted.items[0].wh_name, "仓库00");
    let sorted = zone
        .warehouses("sort=wh_name&desc=true&page_size=3")
        .await
        .unwrap();
    assert_eq!(sorted.items[0].wh_name, "仓库24");
    let drafts = zone.filings("status=1").await.unwrap();
    assert_eq!(drafts.total, 25, "the approved registration is not a draft");
    let all = zone.filings("page_size=100").await.unwrap();
    assert_eq!(all.total, 26);
    assert!(all
        .items
        .iter()
        .any(|r| r.kind() == FilingKind::Registration));
    let modes = zone.filings("trade_mode=1210").await.unwrap();
    assert_eq!(modes.total, 1);
    let refusal = zone.filings("sort=password_hash").await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refusal.error.fields.contains_key("sort"));
    let none = zone
        .filings("decl_from=2000-01-01&decl_to=2000-01-02")
        .await
        .unwrap();
    assert_eq!(none.total, 0);
    let capped = zone.filings("page_size=1000").await.unwrap();
    assert_eq!(capped.page_size, 100);
}

both_databases!(
    lease_expiry_shows_in_rows_and_filters_queries,
    lists_filter_page_and_sort_newest_first,
);
