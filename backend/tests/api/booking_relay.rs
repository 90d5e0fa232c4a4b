//! 订仓单 declared to customs: the signed CEB303 (orderType W) in the outbox, the relay and the
//! sandbox, CEB304 receipts through the one status machine with the timeline; a 退单 fixed and
//! declared again; 变更 and 删除 before 海关入库 and refused after; a negative returnStatus;
//! another enterprise's orders out of reach.

use std::time::Duration;

use axum::http::StatusCode;
use owf_backend::customs::order::OrderDeclaration;
use owf_backend::customs::sign;
use owf_backend::customs::xml::Element;
use owf_backend::relay::Relay;
use owf_shared::amendment::AppType;
use owf_shared::api::WarehouseDetail;
use owf_shared::booking::api::BookingDetail;
use owf_shared::booking::{BookingForm, BookingLine};
use owf_shared::fixtures::{leased_warehouse, Account, PLAIN, ZONE};
use owf_shared::status::Status;

use crate::booking_orders::order;
use crate::common::wait::eventually;
use crate::customs::{customs, fast_relay, instant_customs, relay, step};
use crate::helpers::{both_databases, TestApp};
use crate::setup::{approved_registration, warehouse_with_lease};
use crate::user::User;

/// Line `n` of `qty` × `price`, 总价 left to the system.
fn line(n: usize, qty: &str, price: &str) -> BookingLine {
    crate::booking_orders::line(&format!("SKU-{n:04}"), qty, price)
}

/// The enterprise of `user` with an approved registration and a complete warehouse record
/// (a leased warehouse with its lease agreement, not yet filed).
async fn warehouse(app: &TestApp, user: &User<'_>, account: &Account) -> WarehouseDetail {
    approved_registration(app, user, account).await;
    warehouse_with_lease(user).await.0
}

/// Steps `relay` until the order `id` of `user` is in `status`.
async fn until(relay: &Relay, user: &User<'_>, id: i64, status: Status) -> BookingDetail {
    eventually(Duration::from_secs(60), "the order's status", || async {
        step(relay).await;
        let order = user.booking(id).await.unwrap();
        (order.status == status).then_some(order)
    })
    .await
}

/// The signed CEB303 of the order's latest declaration.
async fn latest_message(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar(
        "SELECT payload FROM outbox WHERE booking_order_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

/// `(status, actor, note)` of every step of the order's timeline.
fn timeline(order: &BookingDetail) -> Vec<(Status, String, String)> {
    order
        .history
        .iter()
        .map(|h| (h.to, h.actor.clone(), h.note.clone()))
        .collect()
}

async fn a_declared_order_is_taken_in_with_its_timeline(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    let draft = zone
        .create_booking(&order("WO-1", &wh, vec![line(1, "100", "25.5")]))
        .await
        .unwrap();
    let declared = zone.declare_booking(&draft).await.unwrap();
    assert_eq!(
        (declared.status, declared.app_type),
        (Status::Declared, AppType::New)
    );
    assert!(declared.decl_time.is_some());
    // Declaring again while it travels sends nothing more.
    zone.declare_booking(&declared).await.unwrap();
    assert_eq!(app.count("outbox").await, 1);

    let taken = until(&relay, &zone, draft.id, Status::Received).await;
    let card = ZONE.card_no.to_owned();
    assert_eq!(
        timeline(&taken),
        [
            (Status::Draft, card.clone(), "新增暂存".to_owned()),
            (
                Status::Declared,
                card,
                "申报，报文已进入发送队列".to_owned()
            ),
            (Status::Sent, "系统".to_owned(), "报文已送达海关".to_owned()),
            (
                Status::Received,
                "海关".to_owned(),
                "订仓单新增成功，海关入库".to_owned()
            ),
        ]
    );
    assert_eq!(taken.history[0].actor_name.as_deref(), Some(ZONE.user_name));
    assert!(
        taken.history[3].detail.contains("回执状态 120"),
        "{taken:?}"
    );
    assert_eq!(
        taken.last_return_info.as_deref(),
        Some("[Code:1800;Desc:逻辑校验通过] 订仓单新增成功，海关入库")
    );
    // 海关入库 is customs' last word on an order: nothing is declared or saved over it.
    let refusal = zone.save_booking(&taken, &taken.form).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT);
    let refusal = zone.declare_booking(&taken).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT, "{refusal:?}");
    assert_eq!(app.count("outbox").await, 1);
}

async fn the_signed_message_is_ceb303_w_with_exact_decimals_over_1000_lines(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    // Prices a binary float would print otherwise; a product that rounds half-up.
    let lines: Vec<BookingLine> = (1..=1000)
        .map(|n| match n % 3 {
            0 => line(n, "3", "0.1"),
            1 => line(n, "1.5", "19.99999"),
            _ => line(n, "2", "0.125"),
        })
        .collect();
    let draft = zone
        .create_booking(&order("WO-1000", &wh, lines))
        .await
        .unwrap();
    assert_eq!(draft.goods_value.as_deref(), Some("10203.15"));
    zone.declare_booking(&draft).await.unwrap();

    let xml = latest_message(&app, draft.id).await;
    let root = Element::parse(&xml).unwrap();
    let public_key: String =
        sqlx::query_scalar("SELECT public_key FROM enterprises WHERE customs_code = $1")
            .bind(ZONE.customs_code)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(sign::verify(&root, &public_key), Ok(()));
    assert!(xml.contains("xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\""));
    assert!(xml.contains("<ceb:appType>1</ceb:appType>"));
    assert!(xml.contains("<ceb:appStatus>2</ceb:appStatus><ceb:orderType>W</ceb:orderType><ceb:orderNo>WO-1000</ceb:orderNo>"));
    assert!(xml.contains(&format!(
        "<ceb:ebcCode>{}</ceb:ebcCode><ceb:ebcName>{}</ceb:ebcName><ceb:goodsValue>10203.15</ceb:goodsValue><ceb:freight>120.50</ceb:freight>",
        ZONE.customs_code, ZONE.ent_name
    )));
    assert!(xml.contains("<ceb:gnum>1</ceb:gnum><ceb:itemNo>SKU-0001</ceb:itemNo>"));
    assert!(xml.contains("<ceb:qty>1.5</ceb:qty><ceb:price>19.99999</ceb:price><ceb:totalPrice>30.00</ceb:totalPrice>"));
    assert!(xml.contains(
        "<ceb:qty>2</ceb:qty><ceb:price>0.125</ceb:price><ceb:totalPrice>0.25</ceb:totalPrice>"
    ));
    assert!(xml.contains("<ceb:gnum>999</ceb:gnum><ceb:itemNo>SKU-0999</ceb:itemNo><ceb:itemName>蓝牙耳机</ceb:itemName><ceb:itemDescribe></ceb:itemDescribe><ceb:barCode></ceb:barCode><ceb:unit>007</ceb:unit><ceb:currency>502</ceb:currency><ceb:qty>3</ceb:qty><ceb:price>0.1</ceb:price><ceb:totalPrice>0.30</ceb:totalPrice>"));
    let sent = OrderDeclaration::from_element(&root).unwrap();
    assert_eq!(sent.form.lines.len(), 1000);
    assert_eq!(sent.form.lines[999].item_no, "SKU-1000");
    // Customs checks the 1,000 lines and 商品总价 again and takes the order in.
    until(&relay, &zone, draft.id, Status::Received).await;
}

async fn a_number_customs_already_holds_is_returned_then_fixed_and_taken_in(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    // Customs holds WO-1 of this enterprise already, sent by another of its systems.
    sqlx::query(
        "INSERT INTO sandbox_orders (cop_code, order_no, guid, app_type) VALUES ($1, 'WO-1', 'X', 1)",
    )
    .bind(ZONE.customs_code)
    .execute(app.store.write_pool())
    .await
    .unwrap();
    let form = order("WO-1", &wh, vec![line(1, "1", "9.9")]);
    let draft = zone.create_booking(&form).await.unwrap();
    zone.declare_booking(&draft).await.unwrap();
    let returned = until(&relay, &zone, draft.id, Status::Rejected).await;
    let info = returned.last_return_info.clone().unwrap();
    assert!(
        info.contains("订仓单编号 WO-1 已存在"),
        "the 退单 names the problem: {info}"
    );
    assert_eq!(returned.history.last().unwrap().actor, "海关");

    // The clerk gives it its own number (暂存 makes it a draft again) and declares it again.
    let fixed = BookingForm {
        order_no: "WO-1A".into(),
        ..form
    };
    let saved = zone.save_booking(&returned, &fixed).await.unwrap();
    assert_eq!(saved.status, Status::Draft);
    assert_eq!(
        saved.history.last().unwrap().note,
        "修改后暂存",
        "{saved:?}"
    );
    zone.declare_booking(&saved).await.unwrap();
    let taken = until(&relay, &zone, draft.id, Status::Received).await;
    assert_eq!(taken.form.order_no, "WO-1A");
    assert!(taken.last_return_info.unwrap().contains("海关入库"));
    assert!(latest_message(&app, draft.id)
        .await
        .contains("<ceb:orderNo>WO-1A</ceb:orderNo>"));
}

async fn changes_and_deletions_go_before_intake_and_are_refused_after(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    let form = order("WO-1", &wh, vec![line(1, "1", "10")]);
    let draft = zone.create_booking(&form).await.unwrap();
    // Nothing at customs to change yet.
    let refusal = zone.change_booking(&draft, &form).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::CONFLICT);
    let declared = zone.declare_booking(&draft).await.unwrap();
    let refusal = zone.delete_booking_at_customs(&declared).await.unwrap_err();
    assert!(
        refusal.error.message.contains("发送海关成功后才能删除"),
        "{refusal:?}"
    );

    // Delivered, not yet taken in: a 变更 with two lines goes at once as appType 2.
    relay.send_due().await.unwrap();
    let sent = zone.booking(draft.id).await.unwrap();
    assert_eq!(sent.status, Status::Sent);
    let changed = BookingForm {
        lines: vec![line(1, "1", "10"), line(2, "4", "2.5")],
        ..form.clone()
    };
    let renumbered = BookingForm {
        order_no: "WO-9".into(),
        ..changed.clone()
    };
    let refusal = zone.change_booking(&sent, &renumbered).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refusal.error.fields["order_no"].contains("不能修改订仓单编号"));
    let changing = zone.change_booking(&sent, &changed).await.unwrap();
    assert_eq!(
        (changing.status, changing.app_type),
        (Status::Declared, AppType::Change)
    );
    assert_eq!(changing.goods_value.as_deref(), Some("20.00"));
    assert!(latest_message(&app, draft.id)
        .await
        .contains("<ceb:appType>2</ceb:appType>"));
    let taken = until(&relay, &zone, draft.id, Status::Received).await;
    assert_eq!(taken.form.lines.len(), 2);
    assert!(
        taken.last_return_info.clone().unwrap().contains("变更成功"),
        "customs answered the change, not the replaced declaration: {taken:?}"
    );
    assert_eq!(app.count("booking_order_history").await, 6);
    let answers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sandbox_receipts WHERE apply_no = 'WO-1'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        answers, 1,
        "customs withdrew its answer to the replaced declaration"
    );

    // Taken in: neither 变更 nor 删除 any more, and nothing sent.
    let refusal = zone.change_booking(&taken, &changed).await.unwrap_err();
    assert_eq!(
        (refusal.status, refusal.error.message.as_str()),
        (StatusCode::CONFLICT, "海关已入库该订仓单，不能再变更")
    );
    let refusal = zone.delete_booking_at_customs(&taken).await.unwrap_err();
    assert_eq!(refusal.error.message, "海关已入库该订仓单，不能再删除");
    assert_eq!(app.count("outbox").await, 2);

    // Another order deleted before intake ends 已注销.
    let second = zone
        .create_booking(&order("WO-2", &wh, vec![line(1, "1", "1")]))
        .await
        .unwrap();
    zone.declare_booking(&second).await.unwrap();
    relay.send_due().await.unwrap();
    let sent = zone.booking(second.id).await.unwrap();
    let deleting = zone.delete_booking_at_customs(&sent).await.unwrap();
    assert_eq!(
        (deleting.status, deleting.app_type),
        (Status::Declared, AppType::Cancel)
    );
    assert!(latest_message(&app, second.id)
        .await
        .contains("<ceb:appType>3</ceb:appType>"));
    let deleted = until(&relay, &zone, second.id, Status::Cancelled).await;
    assert_eq!(
        deleted.history.last().unwrap().note,
        "订仓单删除成功，海关入库"
    );
    // Customs no longer holds WO-2: the number may be declared anew.
    let held: i64 = sqlx::query_scalar(
        "SELECT app_type FROM sandbox_orders WHERE cop_code = $1 AND order_no = 'WO-2'",
    )
    .bind(ZONE.customs_code)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(held, 3);
}

async fn a_negative_return_status_is_a_format_error(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let zone = app.login(&ZONE).await;
    let wh = warehouse(&app, &zone, &ZONE).await;
    let draft = zone
        .create_booking(&order("WO-1", &wh, vec![line(1, "1", "1")]))
        .await
        .unwrap();
    zone.declare_booking(&draft).await.unwrap();
    // The message changed after it was signed: customs cannot verify it.
    sqlx::query("UPDATE outbox SET payload = REPLACE(payload, 'Amazon', 'Amazom')")
        .execute(app.store.write_pool())
        .await
        .unwrap();
    let failed = until(&relay, &zone, draft.id, Status::SendFailed).await;
    let (message_type, return_status): (String, i64) =
        sqlx::query_as("SELECT message_type, return_status FROM sandbox_receipts")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(message_type, "CEB304");
    assert!(return_status < 0, "{return_status}");
    assert!(failed
        .last_return_info
        .as_deref()
        .is_some_and(|info| info.contains("签名验证失败")));
    assert_eq!(failed.history.last().unwrap().actor, "海关");
    // Declared again as it is, it is taken in.
    zone.declare_booking(&failed).await.unwrap();
    until(&relay, &zone, draft.id, Status::Received).await;
}

async fn an_incomplete_order_or_warehouse_record_is_not_declared(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    approved_registration(&app, &zone, &ZONE).await;
    // A warehouse record without its lease agreement fails its own declare-level checks.
    let bare = zone.create(&leased_warehouse("Bare")).await.unwrap();
    let draft = zone
        .create_booking(&order("WO-1", &bare, vec![line(1, "1", "1")]))
        .await
        .unwrap();
    let refusal = zone.declare_booking(&draft).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = &refusal.error.fields["warehouse_id"];
    assert!(reason.contains("“Bare”尚不完整"), "{reason}");
    // A line without 单价 is named by its 序号.
    let (wh, _) = warehouse_with_lease(&zone).await;
    let mut form = order("WO-2", &wh, vec![line(1, "1", "1"), line(2, "1", "")]);
    form.lines[1].price.clear();
    let second = zone.create_booking(&form).await.unwrap();
    let refusal = zone.declare_booking(&second).await.unwrap_err();
    assert_eq!(refusal.error.fields["lines.2.price"], "请填写单价");
    assert_eq!(app.count("outbox").await, 0);
    assert_eq!(zone.booking(second.id).await.unwrap().status, Status::Draft);
}

async fn another_enterprises_orders_cannot_be_declared_changed_or_deleted(app: TestApp) {
    let app = app.with_demo().await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    let wh = warehouse(&app, &zone, &ZONE).await;
    let form = order("WO-1", &wh, vec![line(1, "1", "1")]);
    let draft = zone.create_booking(&form).await.unwrap();
    assert_eq!(
        plain.declare_booking(&draft).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    zone.declare_booking(&draft).await.unwrap();
    relay.send_due().await.unwrap();
    let sent = zone.booking(draft.id).await.unwrap();
    assert_eq!(
        plain.change_booking(&sent, &form).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        plain
            .delete_booking_at_customs(&sent)
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    let unchanged = until(&relay, &zone, draft.id, Status::Received).await;
    assert_eq!(unchanged.app_type, AppType::New);
    assert_eq!(app.count("outbox").await, 1);
}

both_databases!(
    a_declared_order_is_taken_in_with_its_timeline,
    the_signed_message_is_ceb303_w_with_exact_decimals_over_1000_lines,
    a_number_customs_already_holds_is_returned_then_fixed_and_taken_in,
    changes_and_deletions_go_before_intake_and_are_refused_after,
    a_negative_return_status_is_a_format_error,
    an_incomplete_order_or_warehouse_record_is_not_declared,
    another_enterprises_orders_cannot_be_declared_changed_or_deleted,
);
