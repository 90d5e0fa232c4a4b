//! The receipt stream: unreadable receipts are kept as dead letters and passed, and a receipt
//! without its own guid is unreadable.

use axum::extract::Query;
use axum::Json;
use owf_backend::customs::envelope::{ReceiptQuery, RECEIPTS_PATH};
use owf_backend::customs::message::{MessageType, Receipt};
use owf_backend::store::Store;
use owf_shared::status::Status;
use serde_json::{json, Value};

use crate::common::declared::{declared_registration, history, outbox_guids};
use crate::customs::{relay_at, statuses};
use crate::helpers::{both_databases, TestApp};

/// A customs answering the receipt stream from `items` (those without a readable `seq` in every
/// page), and nothing else.
async fn receipt_stream(items: Vec<Value>) -> (String, tokio::task::JoinHandle<()>) {
    let items = std::sync::Arc::new(items);
    let receipts = move |Query(q): Query<ReceiptQuery>| {
        let items = items.clone();
        async move {
            let page: Vec<Value> = items
                .iter()
                .filter(|item| item["seq"].as_i64().is_none_or(|seq| seq > q.after))
                .cloned()
                .collect();
            Json(json!({ "receipts": page }))
        }
    };
    let app = axum::Router::new().route(RECEIPTS_PATH, axum::routing::get(receipts));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, server)
}

/// A receipt (OWH102) for the declaration `guid`, itself identified by `receipt_id`.
fn receipt(receipt_id: &str, guid: &str, return_status: i32, info: &str) -> String {
    receipt_at(receipt_id, guid, return_status, info, "20261201101531123")
}

/// [`receipt`] issued at `return_time`.
fn receipt_at(
    receipt_id: &str,
    guid: &str,
    return_status: i32,
    info: &str,
    return_time: &str,
) -> String {
    Receipt {
        receipt_id: receipt_id.into(),
        message_type: MessageType::RegistrationReturn,
        guid: guid.into(),
        apply_no: "E20261201000000001".into(),
        customs_code: "4403000001".into(),
        ebp_code: String::new(),
        return_status,
        return_time: return_time.into(),
        return_info: info.into(),
    }
    .to_document()
}

/// `(seq, raw, reason)` of every dead letter, in arrival order.
async fn dead_letters(store: &Store) -> Vec<(Option<i64>, String, String)> {
    sqlx::query_as("SELECT seq, raw, reason FROM relay_dead_receipts ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap()
}

async fn unreadable_receipts_are_kept_as_dead_letters_and_passed(app: TestApp) {
    let id = declared_registration(&app.store, 1).await;
    let guid = outbox_guids(&app.store).await.remove(0);
    let broken = "<owh:OWH102Message xmlns:owh=\"urn:sim:owh:1.0\" guid=\"R-1\"><owh:Owh";
    let unknown = receipt("R-4", &guid, 555, "?");
    let items = vec![
        json!({ "seq": 1, "xml": broken }),
        json!({ "seq": 2, "payload": "no xml here" }),
        json!({ "seq": 3, "xml": unknown }),
        json!({ "seq": 4, "xml": receipt("R-5", &guid, 120, "海关入库") }),
        json!({ "xml": "an item without its place in the stream" }),
    ];
    let (url, _server) = receipt_stream(items).await;
    let relay = relay_at(&app.store, url);

    assert_eq!(relay.pull_receipts().await.unwrap(), 4);
    assert_eq!(app.store.receipt_cursor().await.unwrap(), 4, "moved on");
    assert_eq!(
        statuses(&app.store, &[id]).await,
        [Status::Received],
        "the readable receipt behind the unreadable ones applied"
    );
    let dead = dead_letters(&app.store).await;
    let seqs: Vec<_> = dead.iter().map(|d| d.0).collect();
    assert_eq!(seqs, [Some(1), Some(2), Some(3), None]);
    assert_eq!(dead[0].1, broken, "the raw text is kept");
    assert!(dead[0].2.starts_with("回执报文无法解析"), "{dead:?}");
    assert!(dead[1].1.contains("no xml here"));
    assert!(dead[1].2.starts_with("回执条目格式错误"), "{dead:?}");
    assert_eq!(
        (dead[2].1.as_str(), dead[2].2.as_str()),
        (unknown.as_str(), "未知的回执状态 555")
    );

    // Read again, the item without a place is not kept twice; nothing else is new.
    assert_eq!(relay.pull_receipts().await.unwrap(), 0);
    assert_eq!(dead_letters(&app.store).await.len(), 4);
    assert_eq!(app.metric("owf_relay_receipts_dead_total").await, 4);
    assert_eq!(app.metric("owf_relay_receipts_applied_total").await, 1);
}

/// A receipt without its own guid cannot be applied exactly once: it is unreadable, never
/// stored under an empty id (which would drop every later id-less receipt as a duplicate).
async fn receipts_without_a_guid_are_unreadable(app: TestApp) {
    let first = declared_registration(&app.store, 1).await;
    let second = declared_registration(&app.store, 2).await;
    let guids = sqlx::query_scalar::<_, String>("SELECT guid FROM outbox ORDER BY filing_id")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    let items = vec![
        json!({ "seq": 1, "xml": receipt("", &guids[0], 120, "海关入库") }),
        json!({ "seq": 2, "xml": receipt(" ", &guids[1], 120, "海关入库") }),
        json!({ "seq": 3, "xml": receipt("R-3", "", 120, "海关入库") }),
        json!({ "seq": 4, "xml": receipt("R-4", &guids[1], 120, "海关入库") }),
    ];
    let (url, _server) = receipt_stream(items).await;
    let relay = relay_at(&app.store, url);
    assert_eq!(relay.pull_receipts().await.unwrap(), 4);
    assert_eq!(
        statuses(&app.store, &[first, second]).await,
        [Status::Declared, Status::Received],
        "only the receipt with its guid applied"
    );
    let dead = dead_letters(&app.store).await;
    assert_eq!(dead.len(), 3, "{dead:?}");
    assert!(dead.iter().all(|d| d.2.contains("guid")), "{dead:?}");
    assert_eq!(
        app.count("relay_receipts WHERE TRIM(receipt_id) = '' OR TRIM(guid) = ''")
            .await,
        0
    );
    assert_eq!(app.count("relay_receipts").await, 1);
}

/// A receipt the declaration cannot take — here one issued before the receipt already applied —
/// changes nothing, and still shows on the filing's timeline with why.
async fn a_receipt_that_changes_nothing_still_shows_on_the_timeline(app: TestApp) {
    let id = declared_registration(&app.store, 1).await;
    let guid = outbox_guids(&app.store).await.remove(0);
    let items = vec![
        json!({ "seq": 1, "xml": receipt("R-1", &guid, 120, "海关入库") }),
        json!({ "seq": 2, "xml": receipt_at("R-2", &guid, 100, "退单：资料不全", "20261201101530000") }),
    ];
    let (url, _server) = receipt_stream(items).await;
    let relay = relay_at(&app.store, url);
    assert_eq!(relay.pull_receipts().await.unwrap(), 2);
    assert_eq!(statuses(&app.store, &[id]).await, [Status::Received]);
    let (from, to, actor, note) = history(&app.store, id).await.pop().unwrap();
    assert_eq!(
        (from, to, actor.as_str()),
        (Some(Status::Received), Status::Received, "海关")
    );
    assert!(
        note.starts_with("退单：资料不全（未改变状态：旧回执"),
        "{note}"
    );
    assert_eq!(app.metric("owf_relay_receipts_applied_total").await, 1);
}

both_databases!(
    unreadable_receipts_are_kept_as_dead_letters_and_passed,
    receipts_without_a_guid_are_unreadable,
    a_receipt_that_changes_nothing_still_shows_on_the_timeline,
);
