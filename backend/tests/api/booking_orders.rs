//! 订仓单 drafts: 暂存, 修改, 查询 and 删除 with their lines, the order number unique per
//! enterprise, the warehouse record it names, another enterprise's orders out of reach, and the
//! line import's preview and template.

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use owf_backend::http::IMPORTS_AT_ONCE;
use owf_shared::api::WarehouseDetail;
use owf_shared::booking::{BookingForm, BookingLine};
use owf_shared::fixtures::{leased_warehouse, xlsx, PLAIN, ZONE};
use owf_shared::status::Status;
use tower::ServiceExt;

use crate::helpers::{both_databases, TestApp};
use crate::setup::approved_registration;
use crate::user::User;

/// A line of `qty` × `price`.
pub fn line(item_no: &str, qty: &str, price: &str) -> BookingLine {
    BookingLine {
        item_no: item_no.into(),
        item_name: "蓝牙耳机".into(),
        unit: "007".into(),
        qty: qty.into(),
        price: price.into(),
        ..BookingLine::default()
    }
}

/// A complete 订仓单 `order_no` for `warehouse` with `lines`.
pub fn order(order_no: &str, warehouse: &WarehouseDetail, lines: Vec<BookingLine>) -> BookingForm {
    BookingForm {
        order_no: order_no.into(),
        warehouse_id: Some(warehouse.id),
        ebp_code: "无".into(),
        ebp_name: "Amazon".into(),
        currency: "502".into(),
        freight: "120.50".into(),
        note: String::new(),
        lines,
    }
}

/// The enterprise of `user` with an approved registration and a warehouse draft named `DC`.
async fn warehouse(
    app: &TestApp,
    user: &User<'_>,
    account: &owf_shared::fixtures::Account,
) -> WarehouseDetail {
    approved_registration(app, user, account).await;
    user.create(&leased_warehouse("DC")).await.unwrap()
}

async fn drafts_are_saved_read_listed_and_deleted(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    let form = order(
        "WO2026-0001",
        &wh,
        vec![line("A1", "100", "25.5"), line("A2", "3", "0.125")],
    );
    let created = zone.create_booking(&form).await.unwrap();
    assert_eq!(created.form, form);
    assert_eq!((created.status, created.version), (Status::Draft, 1));
    // 电商企业 is the enterprise; 海外仓 is named from its record; 商品总价 is computed.
    assert_eq!(
        (created.ebc_code.as_str(), created.ebc_name.as_str()),
        (ZONE.customs_code, ZONE.ent_name)
    );
    assert_eq!(created.wh_name.as_deref(), Some("DC"));
    assert_eq!(created.goods_value.as_deref(), Some("2550.38"));

    let changed = BookingForm {
        freight: "99".into(),
        lines: vec![line("A2", "3", "0.125")],
        ..form.clone()
    };
    let saved = zone.save_booking(&created, &changed).await.unwrap();
    assert_eq!(
        (saved.version, saved.goods_value.as_deref()),
        (2, Some("0.38"))
    );
    assert_eq!(zone.booking(created.id).await.unwrap().form, changed);

    let page = zone.bookings("").await.unwrap();
    assert_eq!(page.total, 1);
    let row = &page.items[0];
    assert_eq!(
        (row.order_no.as_str(), row.line_count, row.status),
        ("WO2026-0001", 1, Status::Draft)
    );
    for (query, expected) in [
        ("order_no=WO2026", 1),
        ("order_no=wo2026", 0),
        ("order_no=0001", 0),
        ("status=1", 1),
        ("status=2", 0),
        ("created_from=2000-01-01&created_to=2000-01-02", 0),
        ("created_from=2000-01-01", 1),
        ("sort=order_no&desc=true&page=3", 1),
    ] {
        assert_eq!(
            zone.bookings(query).await.unwrap().total,
            expected,
            "{query}"
        );
    }
    let refusal = zone.bookings("created_from=2026-02-30").await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["created_from"].starts_with("录入日期"),
        "{refusal:?}"
    );

    zone.delete_booking(&saved).await.unwrap();
    assert_eq!(
        zone.booking(created.id).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(zone.bookings("").await.unwrap().total, 0);
    assert_eq!(app.count("booking_order_lines").await, 0);
}

async fn draft_errors_are_keyed_by_field_and_line(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    let mut form = order(
        "WO-1",
        &wh,
        vec![line("A1", "1", "1"), line("A2", "0", "1")],
    );
    form.currency = "840".into();
    let refusal = zone.create_booking(&form).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal.error.fields["lines.2.qty"], "数量必须大于 0");
    assert_eq!(
        refusal.error.fields["currency"],
        "币制代码 840 不在币制代码表中"
    );
    // A draft may be half filled.
    let half = BookingForm {
        lines: vec![BookingLine::default()],
        ..BookingForm::default()
    };
    let draft = zone.create_booking(&half).await.unwrap();
    assert_eq!(draft.goods_value, None);
    assert_eq!(app.count("booking_orders").await, 1);
}

async fn a_stale_version_is_refused_and_changes_nothing(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    let form = order("WO-1", &wh, vec![line("A1", "1", "1")]);
    let first = zone.create_booking(&form).await.unwrap();
    let newer = BookingForm {
        note: "第二次暂存".into(),
        ..form.clone()
    };
    zone.save_booking(&first, &newer).await.unwrap();
    let refusal = zone.save_booking(&first, &form).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT);
    assert!(refusal.error.message.contains("已被修改"), "{refusal:?}");
    assert_eq!(
        zone.delete_booking(&first).await.unwrap_err().status,
        StatusCode::CONFLICT
    );
    let now = zone.booking(first.id).await.unwrap();
    assert_eq!((now.version, now.form), (2, newer));
}

async fn an_order_number_is_unique_per_enterprise(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    let wh = warehouse(&app, &zone, &ZONE).await;
    zone.create_booking(&order("WO-1", &wh, vec![line("A1", "1", "1")]))
        .await
        .unwrap();
    let refusal = zone
        .create_booking(&order("WO-1", &wh, Vec::new()))
        .await
        .unwrap_err();
    // Said at the field, as a check of the form.
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refusal.error.fields["order_no"],
        "本企业已有订仓单编号为 WO-1 的订仓单，订仓单编号不能重复"
    );
    // Saving another order under the number is refused the same way.
    let second = zone
        .create_booking(&order("WO-2", &wh, Vec::new()))
        .await
        .unwrap();
    let refusal = zone
        .save_booking(&second, &order("WO-1", &wh, Vec::new()))
        .await
        .unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refusal.error.fields.contains_key("order_no"), "{refusal:?}");
    assert_eq!(app.count("booking_orders").await, 2);
    // Another enterprise has numbers of its own.
    let plain_wh = warehouse(&app, &plain, &PLAIN).await;
    plain
        .create_booking(&order("WO-1", &plain_wh, Vec::new()))
        .await
        .unwrap();
}

async fn the_warehouse_must_be_the_enterprises_own(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    let own = warehouse(&app, &zone, &ZONE).await;
    let other = warehouse(&app, &plain, &PLAIN).await;
    let registration = zone.registrations("").await.unwrap().items[0].id;
    for id in [other.id, registration, i64::MAX] {
        let form = BookingForm {
            warehouse_id: Some(id),
            ..order("WO-1", &own, Vec::new())
        };
        let refusal = zone.create_booking(&form).await.unwrap_err();
        assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY, "{id}");
        assert_eq!(
            refusal.error.fields["warehouse_id"],
            "所选海外仓不是本企业的海外仓资料，请重新选择"
        );
    }
    let created = zone
        .create_booking(&order("WO-1", &own, Vec::new()))
        .await
        .unwrap();
    let refusal = zone
        .save_booking(&created, &order("WO-1", &other, Vec::new()))
        .await
        .unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        zone.booking(created.id).await.unwrap().form.warehouse_id,
        Some(own.id)
    );
    // Deleting the warehouse draft leaves the order without one.
    zone.delete(&own).await.unwrap();
    let now = zone.booking(created.id).await.unwrap();
    assert_eq!((now.form.warehouse_id, now.wh_name), (None, None));
}

async fn another_enterprise_gets_404_and_sees_nothing(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    let wh = warehouse(&app, &zone, &ZONE).await;
    let form = order("WO-1", &wh, vec![line("A1", "1", "1")]);
    let created = zone.create_booking(&form).await.unwrap();
    let refusals = [
        plain.booking(created.id).await.unwrap_err(),
        plain
            .save_booking(&created, &BookingForm::default())
            .await
            .unwrap_err(),
        plain.delete_booking(&created).await.unwrap_err(),
    ];
    for refusal in refusals {
        assert_eq!(refusal.status, StatusCode::NOT_FOUND, "{refusal:?}");
        assert_eq!(refusal.error.code, "not_found");
    }
    assert_eq!(plain.bookings("").await.unwrap().total, 0);
    assert_eq!(plain.bookings("order_no=WO").await.unwrap().total, 0);
    assert_eq!(zone.booking(created.id).await.unwrap().form, form);
}

async fn a_thousand_lines_read_back_exactly(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    // Trailing zeros and five decimals stay as saved; 0.1 has no exact binary form.
    let lines: Vec<_> = (1..=1000)
        .map(|n| {
            let mut l = line(&format!("SKU-{n:04}"), &format!("{n}.10000"), "0.1");
            l.total_price = format!("{}.{:02}", n / 10, (n % 10) * 10 + 1);
            l
        })
        .collect();
    let form = order("WO-BIG", &wh, lines);
    let created = zone.create_booking(&form).await.unwrap();
    let read = zone.booking(created.id).await.unwrap();
    assert_eq!(read.form, form);
    assert_eq!(read.form.lines[999].qty, "1000.10000");
    // Σ (n + 0.1) × 0.1 over n = 1…1000 = 0.1 × 500500 + 1000 × 0.01.
    assert_eq!(read.goods_value.as_deref(), Some("50060.00"));
    assert_eq!(app.count("booking_order_lines").await, 1000);
}

/// The problems of an import, as the clerk reads them.
fn messages(preview: &owf_shared::booking::api::ImportPreview) -> Vec<&str> {
    preview.errors.iter().map(|e| e.message.as_str()).collect()
}

async fn imports_are_previewed_and_nothing_is_stored(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let csv = "序号,企业商品货号,商品名称,计量单位,数量,单价\r\n1,SKU-1,蓝牙耳机,个,100,25.5\r\n2,SKU-2,手机壳,个,3,0.125\r\n";
    let (gb18030, _, _) = encoding_rs::GB18030.encode(csv);
    let read = zone.import_lines("订仓单商品.csv", &gb18030).await.unwrap();
    assert_eq!(messages(&read), Vec::<&str>::new());
    assert_eq!(read.lines.len(), 2);
    assert_eq!(
        (read.lines[1].row, read.lines[1].line.item_name.as_str()),
        (3, "手机壳")
    );
    assert_eq!(read.lines[0].line.unit, "007");

    let sheet = xlsx(&[
        &["企业商品货号", "商品名称", "计量单位", "数量", "单价"],
        &["SKU-1", "蓝牙耳机", "个", "2", "1.5"],
        &["SKU-2", "手机壳", "个", "0", "1"],
    ]);
    let read = zone.import_lines("商品.xlsx", &sheet).await.unwrap();
    assert_eq!(read.lines.len(), 2);
    assert_eq!(messages(&read), ["第 3 行「数量」：数量必须大于 0"]);

    let html = "<html><body><table><tr><td>企业商品货号</td></tr></table></body></html>";
    let refusal = zone
        .import_lines("导出.xlsx", html.as_bytes())
        .await
        .unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["file"].starts_with("该文件实为网页（HTML）"),
        "{refusal:?}"
    );

    let mut many = String::from("企业商品货号,商品名称,计量单位,数量,单价\n");
    for n in 0..10_001 {
        many.push_str(&format!("S{n},袜子,双,1,1\n"));
    }
    let refusal = zone
        .import_lines("lines.csv", many.as_bytes())
        .await
        .unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refusal.error.fields["file"],
        "文件超过 10000 行商品，一个订仓单最多 10000 行：请分成多个订仓单导入"
    );
    let refusal = zone.import_lines("lines.csv", b"").await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refusal.error.fields["file"].starts_with("文件中没有内容"),
        "{refusal:?}"
    );
    assert_eq!(app.count("booking_orders").await, 0);
    assert_eq!(app.count("booking_order_lines").await, 0);
}

async fn the_template_downloads_and_imports_cleanly(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let (status, headers, bytes) = zone.booking_template().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename*=UTF-8''"),
        "{disposition}"
    );
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "Excel needs the byte-order mark"
    );
    let read = zone.import_lines("template.csv", &bytes).await.unwrap();
    assert_eq!(messages(&read), Vec::<&str>::new());
    assert_eq!(read.lines[0].line.item_no, "SKU-0001");
}

async fn malformed_uploads_are_refused_as_the_clients(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let path = "/api/booking-orders/import";
    let (status, body) = zone.send(axum::http::Method::POST, path, Some("{}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("multipart/form-data"),
        "{body}"
    );
    let (status, _, body) = app
        .answer(
            axum::http::Request::post(path)
                .header(header::COOKIE, format!("owf_session={}", zone.token))
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .body(axum::body::Body::from(
                    "--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n1\r\n--x--\r\n",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("请选择要导入的文件"));
}

/// Uploads whose files stop arriving halfway hold every slot: one upload more is refused with
/// when to retry, not queued; once they are gone the next import is read.
async fn imports_beyond_the_slots_answer_429(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let mut uploads: Vec<_> = (0..=IMPORTS_AT_ONCE)
        .map(|_| {
            let head = "--b\r\nContent-Disposition: form-data; name=\"file\"; \
                        filename=\"a.csv\"\r\n\r\n序号,企业商品货号\r\n";
            let body = futures_util::stream::once(async move {
                Ok::<_, std::io::Error>(Bytes::from_static(head.as_bytes()))
            })
            .chain(futures_util::stream::pending());
            let request = Request::post("/api/booking-orders/import")
                .header(header::COOKIE, format!("owf_session={}", zone.token))
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
                .body(Body::from_stream(body))
                .unwrap();
            tokio::spawn(app.router.clone().oneshot(request))
        })
        .collect();
    // The one beyond the slots is answered; the others wait for the rest of their files.
    let refused = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Some(at) = uploads.iter().position(|u| u.is_finished()) {
                return uploads.remove(at).await.unwrap().unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("an upload beyond the slots is answered");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()[header::RETRY_AFTER], "1");
    let body = refused.into_body().collect().await.unwrap().to_bytes();
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["message"], "正在读取其他导入的文件，请 1 秒后再试");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(uploads.iter().all(|u| !u.is_finished()), "the others wait");

    for upload in uploads {
        upload.abort();
        let _ = upload.await;
    }
    let csv = "企业商品货号,商品名称,计量单位,数量,单价\r\nSKU-1,蓝牙耳机,个,1,1\r\n";
    let read = zone.import_lines("商品.csv", csv.as_bytes()).await.unwrap();
    assert_eq!(read.lines.len(), 1);
}

both_databases!(
    imports_beyond_the_slots_answer_429,
    drafts_are_saved_read_listed_and_deleted,
    draft_errors_are_keyed_by_field_and_line,
    a_stale_version_is_refused_and_changes_nothing,
    an_order_number_is_unique_per_enterprise,
    the_warehouse_must_be_the_enterprises_own,
    another_enterprise_gets_404_and_sees_nothing,
    a_thousand_lines_read_back_exactly,
    imports_are_previewed_and_nothing_is_stored,
    the_template_downloads_and_imports_cleanly,
    malformed_uploads_are_refused_as_the_clients,
);
