//! The customs relay against the customs sandbox over real HTTP — on SQLite and PostgreSQL:
//! approval, 退单 and re-declaring, format errors, outages, lost acknowledgements, permanent
//! failures, and two relays racing.

mod common;
mod support;

use std::time::Duration;

use axum::extract::Query;
use axum::http::{Method, StatusCode};
use axum::Json;
use common::*;
use owf_backend::customs::envelope::{ReceiptQuery, RECEIPTS_PATH};
use owf_backend::customs::message::{MessageType, Receipt};
use owf_backend::customs::sandbox::Faults;
use owf_backend::relay::client::CustomsEndpoint;
use owf_backend::relay::RelayConfig;
use owf_backend::store::attachments::NewAttachment;
use owf_backend::store::Store;
use owf_shared::status::Status;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::*;

fn zone_registration(district: &str) -> Value {
    json!({ "form": {
        "uscc": "91440300MA5G8K2P04",
        "ent_name": "深圳前海综保跨境供应链有限公司",
        "customs_district": district,
        "trade_modes": ["9810", "1210"],
        "ems_no": "T5300W000001",
        "contact_name": "林晓",
        "contact_phone": "0755-88886666",
        "commitment_ack": true
    }})
}

fn owned_warehouse(name: &str) -> Value {
    json!({ "form": {
        "trade_mode": "9810",
        "wh_name": name,
        "country_code": "502",
        "city": "Ontario, CA",
        "wh_address": format!("{name} 1234 E Francis St"),
        "area_sqm": "5200",
        "ownership": "1"
    }})
}

async fn post(app: &TestApp, path: &str, body: &Value, token: &str) -> (StatusCode, Value) {
    let (status, _, json) = app
        .send(
            Method::POST,
            path,
            Some(&body.to_string()),
            Some(token),
            None,
        )
        .await;
    (status, json)
}

/// Creates a filing and declares it; returns its id.
async fn create_and_declare(app: &TestApp, kind: &str, body: &Value, token: &str) -> i64 {
    let (status, created) = post(app, &format!("/api/{kind}"), body, token).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    declare(app, kind, id, token).await;
    id
}

async fn declare(app: &TestApp, kind: &str, id: i64, token: &str) {
    let (_, detail) = app.get(&format!("/api/{kind}/{id}"), Some(token)).await;
    let version = detail["lifecycle"]["version"].clone();
    let (status, declared) = post(
        app,
        &format!("/api/{kind}/{id}/declare"),
        &json!({ "version": version }),
        token,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{declared}");
    assert_eq!(declared["lifecycle"]["status"], 2);
}

/// Stores a proof document of the zone enterprise's filing; `claimed` is the hash recorded for it
/// (the real one unless given).
async fn attach(store: &Store, filing_id: i64, content: &[u8], claimed: Option<&str>) {
    let sha256 = hex::encode(Sha256::digest(content));
    let enterprise = store
        .enterprise_by_customs_code("4403960ABC")
        .await
        .unwrap()
        .unwrap();
    let document = NewAttachment {
        doc_type: "01".into(),
        file_name: "deed.pdf".into(),
        content_type: "application/pdf".into(),
        sha256: claimed.map_or(sha256, str::to_owned),
        content: content.to_vec().into(),
    };
    store
        .add_attachment(enterprise.id, filing_id, document)
        .await
        .unwrap()
        .expect("stored");
}

fn transitions(history: &[(Option<Status>, Status, String, String)]) -> Vec<(Status, &str)> {
    history
        .iter()
        .map(|(_, to, actor, _)| (*to, actor.as_str()))
        .collect()
}

async fn declared_filings_reach_approval(app: TestApp) {
    let app = with_demo(app).await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    // As if the enterprise had been created before enterprises had keys: it gets them at 申报.
    sqlx::query(
        "UPDATE enterprises SET sign_key = '', public_key = '', cert_no = '' \
         WHERE customs_code = '4403960ABC'",
    )
    .execute(app.store.write_pool())
    .await
    .unwrap();

    let reg = create_and_declare(&app, "registrations", &zone_registration("5300"), &token).await;
    drive_until(&app.store, &relay, &[reg], Status::Approved).await;
    let steps = history(&app.store, reg).await;
    assert_eq!(
        transitions(&steps),
        [
            (Status::Draft, ZONE_CARD),
            (Status::Declared, ZONE_CARD),
            (Status::Sent, "系统"),
            (Status::Received, "海关"),
            (Status::Approved, "海关"),
        ]
    );
    assert!(steps[4].3.contains("审核通过"), "{steps:?}");
    let (_, detail) = app
        .get(&format!("/api/registrations/{reg}"), Some(&token))
        .await;
    let lifecycle = &detail["lifecycle"];
    assert_eq!(lifecycle["send_attempts"], 1);
    assert_eq!(lifecycle["next_attempt_at"], Value::Null);
    assert!(lifecycle["last_return_info"]
        .as_str()
        .unwrap()
        .contains("审核通过"));
    assert!(lifecycle["last_return_time"].as_str().unwrap().len() == 19);
    let (_, list) = app.get("/api/registrations", Some(&token)).await;
    assert_eq!(
        list["items"][0]["last_return_time"], lifecycle["last_return_time"],
        "the list shows the receipt time as the detail does"
    );

    let (status, created) = post(&app, "/api/warehouses", &owned_warehouse("LA DC"), &token).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let wh = created["id"].as_i64().unwrap();
    attach(&app.store, wh, b"%PDF-1.4 deed of the warehouse", None).await;
    declare(&app, "warehouses", wh, &token).await;
    let payload: String = sqlx::query_scalar("SELECT payload FROM outbox WHERE filing_id = $1")
        .bind(wh)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(payload.contains("<owh:OWH201Message xmlns:owh=\"urn:sim:owh:1.0\""));
    assert!(payload.contains("<owh:fileName>deed.pdf</owh:fileName>"));
    assert!(payload.contains("<ds:SignatureValue>"));
    drive_until(&app.store, &relay, &[wh], Status::Approved).await;

    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 2);
    assert!(stats.iter().all(|s| s.deliveries == 1 && s.receipts == 2));
    let counts = app.store.relay_counts().await.unwrap();
    assert_eq!((counts.depth, counts.sent, counts.failed), (0, 2, 0));
    assert_eq!(counts.receipts_applied, 4);
}

async fn rejected_filings_show_the_reason_and_can_be_declared_again(app: TestApp) {
    let app = with_demo(app).await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;

    // The registration carries 主管海关 5300 from the enterprise record; by the time customs
    // judges it, customs' master data has the enterprise under 2900.
    let reg = create_and_declare(&app, "registrations", &zone_registration("5300"), &token).await;
    sqlx::query("UPDATE enterprises SET customs_district = '2900' WHERE customs_code = $1")
        .bind("4403960ABC")
        .execute(app.store.write_pool())
        .await
        .unwrap();
    drive_until(&app.store, &relay, &[reg], Status::Rejected).await;
    let (_, detail) = app
        .get(&format!("/api/registrations/{reg}"), Some(&token))
        .await;
    let info = detail["lifecycle"]["last_return_info"].as_str().unwrap();
    assert!(
        info.contains("2900 杭州关区") && info.contains("当前为 5300 深圳海关"),
        "{info}"
    );
    assert!(info.contains("请重新打开本登记并暂存后再申报"), "{info}");
    let last = history(&app.store, reg).await.pop().unwrap();
    assert_eq!((last.1, last.2.as_str()), (Status::Rejected, "海关"));
    assert!(last.3.contains("主管海关"));

    // Saved again, the registration takes 主管海关 from the enterprise record, whatever the
    // request says.
    let mut fixed = zone_registration("5300");
    fixed["version"] = detail["lifecycle"]["version"].clone();
    let (status, _, saved) = app
        .send(
            Method::PUT,
            &format!("/api/registrations/{reg}"),
            Some(&fixed.to_string()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["lifecycle"]["status"], 1);
    declare(&app, "registrations", reg, &token).await;
    drive_until(&app.store, &relay, &[reg], Status::Approved).await;
}

/// The proof documents a declaration froze are checked before sending: one whose content is no
/// longer what was declared (or whose recorded hash never matched) fails the message for good,
/// with the reason, and customs never receives other content than the message lists.
async fn a_document_changed_after_declaring_is_never_sent(app: TestApp) {
    let app = with_demo(app).await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    let reg = create_and_declare(&app, "registrations", &zone_registration("5300"), &token).await;
    drive_until(&app.store, &relay, &[reg], Status::Approved).await;

    let (_, created) = post(&app, "/api/warehouses", &owned_warehouse("LA DC"), &token).await;
    let changed = created["id"].as_i64().unwrap();
    attach(&app.store, changed, b"%PDF-1.4 the deed", None).await;
    declare(&app, "warehouses", changed, &token).await;
    // As a damaged disk or a hand in the database would: the content changes after 申报.
    sqlx::query("UPDATE attachments SET content = $1 WHERE filing_id = $2")
        .bind(&b"%PDF-1.4 another deed"[..])
        .bind(changed)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    let (_, created) = post(&app, "/api/warehouses", &owned_warehouse("NJ DC"), &token).await;
    let misrecorded = created["id"].as_i64().unwrap();
    attach(
        &app.store,
        misrecorded,
        b"the real deed",
        Some(&"0".repeat(64)),
    )
    .await;
    declare(&app, "warehouses", misrecorded, &token).await;

    drive_until(
        &app.store,
        &relay,
        &[changed, misrecorded],
        Status::SendFailed,
    )
    .await;
    for wh in [changed, misrecorded] {
        let (state, attempts, error) = delivery(&app.store, wh).await;
        assert_eq!((state.as_str(), attempts), ("failed", 1), "not retried");
        assert_eq!(
            error.unwrap(),
            "证明材料“deed.pdf”的内容与申报时记录的校验值或大小不符，报文未发送"
        );
    }
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 1, "customs got only the registration");
}

async fn a_tampered_message_gets_a_format_error_receipt(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let id = declared_registration(&app.store, 1).await;
    sqlx::query(
        "UPDATE outbox SET payload = REPLACE(payload, '张三', '李四') WHERE filing_id = $1",
    )
    .bind(id)
    .execute(app.store.write_pool())
    .await
    .unwrap();
    drive_until(&app.store, &relay, &[id], Status::SendFailed).await;
    let steps = history(&app.store, id).await;
    let last = steps.last().unwrap();
    assert_eq!((last.0, last.1), (Some(Status::Sent), Status::SendFailed));
    assert!(
        last.3.contains("-900004") && last.3.contains("签名验证失败"),
        "{last:?}"
    );
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats[0].verdict, -900_004);
    assert_eq!(app.store.relay_counts().await.unwrap().failed, 1);
}

async fn an_outage_delays_but_loses_nothing(app: TestApp) {
    let app = with_demo(app).await;
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(declared_registration(&app.store, n).await);
    }
    customs.sandbox.set_faults(Faults {
        down: true,
        ..Faults::default()
    });
    relay.send_due().await.unwrap();
    assert!(relay.pull_receipts().await.is_err());
    assert!(statuses(&app.store, &ids)
        .await
        .iter()
        .all(|s| *s == Status::Declared));
    let (state, attempts, last_error) = delivery(&app.store, ids[0]).await;
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    assert!(last_error.unwrap().contains("HTTP 503"));
    let counts = app.store.relay_counts().await.unwrap();
    assert_eq!((counts.depth, counts.sent), (6, 0));

    // Down for a while: still retried, still 申报中.
    tokio::time::sleep(Duration::from_millis(50)).await;
    step(&relay).await;
    assert!(statuses(&app.store, &ids)
        .await
        .iter()
        .all(|s| *s == Status::Declared));

    customs.sandbox.set_faults(Faults::default());
    drive_until(&app.store, &relay, &ids, Status::Approved).await;
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 6);
    assert!(stats.iter().all(|s| s.deliveries == 1 && s.receipts == 2));
    assert!(app.store.relay_counts().await.unwrap().retried >= 6);
}

async fn a_lost_acknowledgement_is_resent_and_processed_once(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let id = declared_registration(&app.store, 7).await;
    customs.sandbox.set_faults(Faults {
        drop_ack_rate: 1.0,
        ..Faults::default()
    });
    relay.send_due().await.unwrap();
    let (_, _, last_error) = delivery(&app.store, id).await;
    assert!(last_error.unwrap().contains("回执丢失"));
    // Only the relay's own retry may deliver it: no receipt is read meanwhile.
    eventually(Duration::from_secs(10), "the resend", || async {
        relay.send_due().await.unwrap();
        let status = statuses(&app.store, &[id]).await[0];
        (status == Status::Sent).then_some(())
    })
    .await;
    drive_until(&app.store, &relay, &[id], Status::Approved).await;
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!((stats[0].deliveries, stats[0].receipts), (2, 2));
    let steps = history(&app.store, id).await;
    assert_eq!(
        steps.iter().filter(|h| h.1 == Status::Approved).count(),
        1,
        "{steps:?}"
    );
}

async fn refusals_and_exhausted_attempts_fail_and_can_be_declared_again(app: TestApp) {
    let app = with_demo(app).await;
    let customs = customs(&app.store, instant_customs()).await;
    let token = app.login(PLAIN_CARD, PLAIN_PASSWORD).await;
    let plain = json!({ "form": {
        "uscc": "91330100MA2H3Y5K7A",
        "ent_name": "杭州云帆跨境电子商务有限公司",
        "customs_district": "2900",
        "trade_modes": ["9810"],
        "contact_name": "周敏",
        "contact_phone": "0571-88886666",
        "commitment_ack": true
    }});
    let reg = create_and_declare(&app, "registrations", &plain, &token).await;

    // A URL where customs answers 404: refused for good.
    let wrong = owf_backend::relay::Relay::new(
        app.store.clone(),
        &CustomsEndpoint {
            url: format!("{}/no-such-gateway", customs.endpoint.url),
            ..customs.endpoint.clone()
        },
        fast_relay(),
    )
    .unwrap();
    drive_until(&app.store, &wrong, &[reg], Status::SendFailed).await;
    let last = history(&app.store, reg).await.pop().unwrap();
    assert_eq!(last.2, "系统");
    assert!(last.3.contains("海关拒收报文（HTTP 404"), "{last:?}");

    // Declared again, while customs is down, with two attempts allowed: given up after two.
    declare(&app, "registrations", reg, &token).await;
    customs.sandbox.set_faults(Faults {
        down: true,
        ..Faults::default()
    });
    let impatient = relay(
        &app.store,
        &customs,
        RelayConfig {
            max_attempts: 2,
            ..fast_relay()
        },
    );
    drive_until(&app.store, &impatient, &[reg], Status::SendFailed).await;
    let (_, detail) = app
        .get(&format!("/api/registrations/{reg}"), Some(&token))
        .await;
    assert_eq!(detail["lifecycle"]["send_attempts"], 2);
    let error = detail["lifecycle"]["last_error"].as_str().unwrap();
    assert!(error.starts_with("已尝试 2 次仍未送达海关"), "{error}");

    customs.sandbox.set_faults(Faults::default());
    declare(&app, "registrations", reg, &token).await;
    drive_until(&app.store, &impatient, &[reg], Status::Approved).await;
    assert_eq!(app.store.relay_counts().await.unwrap().failed, 2);
}

/// A relay that would poll only once an hour still delivers a declaration at once: the
/// declaration wakes it.
async fn a_declaration_wakes_the_idle_relay(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let idle = relay(
        &app.store,
        &customs,
        RelayConfig {
            poll_interval: Duration::from_secs(3600),
            ..fast_relay()
        },
    );
    let running = tokio::spawn(idle.run());
    // Let it claim nothing and fall asleep first.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let id = declared_registration(&app.store, 1).await;
    eventually(Duration::from_secs(20), "the delivery", || async {
        (statuses(&app.store, &[id]).await[0] == Status::Sent).then_some(())
    })
    .await;
    running.abort();
}

/// Customs refuses one message of a batch (an unsupported message type): that one fails for good
/// with customs' reason, and the others of the same batch are recorded as delivered.
async fn a_refused_message_fails_alone_in_its_batch(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    let ids = [
        declared_registration(&app.store, 1).await,
        declared_registration(&app.store, 2).await,
        declared_registration(&app.store, 3).await,
    ];
    sqlx::query("UPDATE outbox SET message_type = 'OWH999' WHERE filing_id = $1")
        .bind(ids[1])
        .execute(app.store.write_pool())
        .await
        .unwrap();
    assert_eq!(relay.send_due().await.unwrap(), 3, "one batch");
    assert_eq!(
        statuses(&app.store, &ids).await,
        [Status::Sent, Status::SendFailed, Status::Sent]
    );
    let (state, attempts, error) = delivery(&app.store, ids[1]).await;
    assert_eq!((state.as_str(), attempts), ("failed", 1));
    let error = error.unwrap();
    assert!(
        error.contains("海关拒收报文（HTTP 400") && error.contains("OWH999"),
        "{error}"
    );
    let last = history(&app.store, ids[1]).await.pop().unwrap();
    assert_eq!((last.1, last.2.as_str()), (Status::SendFailed, "系统"));
    assert_eq!(
        customs.sandbox.store().message_stats().await.unwrap().len(),
        2
    );
}

both_databases!(
    declared_filings_reach_approval,
    rejected_filings_show_the_reason_and_can_be_declared_again,
    a_document_changed_after_declaring_is_never_sent,
    unreadable_receipts_are_kept_as_dead_letters_and_passed,
    receipts_without_a_guid_are_unreadable,
    a_tampered_message_gets_a_format_error_receipt,
    an_outage_delays_but_loses_nothing,
    a_lost_acknowledgement_is_resent_and_processed_once,
    refusals_and_exhausted_attempts_fail_and_can_be_declared_again,
    a_declaration_wakes_the_idle_relay,
    a_refused_message_fails_alone_in_its_batch,
);

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
    Receipt {
        receipt_id: receipt_id.into(),
        message_type: MessageType::RegistrationReturn,
        guid: guid.into(),
        apply_no: "E20261201000000001".into(),
        customs_code: "4403000001".into(),
        return_status,
        return_time: "20261201101531123".into(),
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
    let relay = owf_backend::relay::Relay::new(
        app.store.clone(),
        &CustomsEndpoint { url, secret: None },
        fast_relay(),
    )
    .unwrap();

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
    let (status, _, metrics) = app.download("/metrics", "").await;
    assert_eq!(status, StatusCode::OK);
    let metrics = String::from_utf8(metrics).unwrap();
    assert!(
        metrics.contains("\nowf_relay_receipts_dead_total 4\n"),
        "{metrics}"
    );
    assert!(metrics.contains("\nowf_relay_receipts_applied_total 1\n"));
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
    let relay = owf_backend::relay::Relay::new(
        app.store.clone(),
        &CustomsEndpoint { url, secret: None },
        fast_relay(),
    )
    .unwrap();
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

/// Claimers racing for the outbox in tight loops never get the same row within a lease.
async fn concurrent_claims_are_disjoint(store: &Store, rows: usize) {
    let claimers: Vec<_> = (0..4)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let owner = format!("claimer-{n}");
                let mut ids = Vec::new();
                loop {
                    let lease_until = owf_backend::clock::now_ms() + 60_000;
                    let claimed = store.claim_outbox(&owner, lease_until, 2).await.unwrap();
                    if claimed.is_empty() {
                        break ids;
                    }
                    ids.extend(claimed.iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    let claimed = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(
        claimed,
        all.len(),
        "a row was claimed twice within its lease"
    );
    assert_eq!(all.len(), rows);
    // Give the rows back, as if every lease had run out.
    sqlx::query("UPDATE outbox SET attempts = 0, lease_owner = NULL, lease_until = NULL")
        .execute(store.write_pool())
        .await
        .unwrap();
}

/// Two relays claim from the same outbox at once: within a lease no message is sent twice —
/// customs sees each guid exactly once and every row was claimed exactly once.
async fn two_relays_never_send_the_same_row_within_a_lease(store: Store) {
    const FILINGS: usize = 120;
    let customs = customs(&store, instant_customs()).await;
    for n in 0..FILINGS {
        declared_registration(&store, n).await;
    }
    concurrent_claims_are_disjoint(&store, FILINGS).await;
    let small_batches = RelayConfig {
        batch_size: 4,
        ..fast_relay()
    };
    let a = relay(&store, &customs, small_batches.clone());
    let b = relay(&store, &customs, small_batches);
    let race = |relay: owf_backend::relay::Relay| {
        tokio::spawn(async move {
            let mut claimed = 0;
            loop {
                match relay.send_due().await.unwrap() {
                    0 => break claimed,
                    n => claimed += n,
                }
            }
        })
    };
    let (a, b) = (race(a), race(b));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a + b, FILINGS);
    assert!(a > 0 && b > 0, "both relays took part ({a} + {b})");
    let stats = customs.sandbox.store().message_stats().await.unwrap();
    assert_eq!(stats.len(), FILINGS);
    assert!(
        stats.iter().all(|s| s.deliveries == 1),
        "a message was sent twice"
    );
    let attempts: Vec<i64> = sqlx::query_scalar("SELECT attempts FROM outbox")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(attempts.iter().all(|a| *a == 1));
}

mod race {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::two_relays_never_send_the_same_row_within_a_lease(
            super::common::sqlite().await.store,
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        if let Some(app) = super::common::postgres().await {
            super::two_relays_never_send_the_same_row_within_a_lease(app.store).await
        }
    }
}

/// Two servers' relays on one PostgreSQL database, both idle (polling once an hour), and a
/// declaration written by a third server: both relays wake and take part. Each holds at most one
/// message at a time and customs answers slowly, so two messages in flight at once are one in
/// each relay.
mod wake {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn both_relays_on_postgres_wake_on_a_declaration_elsewhere() {
        let Some(app) = common::postgres().await else {
            return;
        };
        let database: String = sqlx::query_scalar("SELECT CAST(current_database() AS TEXT)")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let admin = std::env::var("OWF_TEST_PG_URL").unwrap();
        let url = format!("{}/{database}", admin.rsplit_once('/').unwrap().0);
        let slow = owf_backend::customs::sandbox::SandboxConfig {
            faults: Faults {
                latency_ms: 1500,
                ..Faults::default()
            },
            ..instant_customs()
        };
        let customs = customs(&app.store, slow).await;
        let one_at_a_time = RelayConfig {
            poll_interval: Duration::from_secs(3600),
            batch_size: 1,
            batches_in_flight: 1,
            ..fast_relay()
        };
        let mut owners = Vec::new();
        let mut running = Vec::new();
        for _ in 0..2 {
            let server = Store::connect(&url).await.unwrap();
            let relay = relay(&server, &customs, one_at_a_time.clone());
            owners.push(relay.owner().to_owned());
            running.push(tokio::spawn(relay.run()));
        }
        owners.sort();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let ids = [
            declared_registration(&app.store, 1).await,
            declared_registration(&app.store, 2).await,
        ];
        eventually(
            Duration::from_secs(20),
            "both relays to hold a message",
            || async {
                let holding: Vec<String> = sqlx::query_scalar(
                    "SELECT DISTINCT lease_owner FROM outbox WHERE lease_owner IS NOT NULL \
                 ORDER BY lease_owner",
                )
                .fetch_all(app.store.pool())
                .await
                .unwrap();
                (holding == owners).then_some(())
            },
        )
        .await;
        eventually(Duration::from_secs(20), "the deliveries", || async {
            let mut states = Vec::new();
            for id in ids {
                states.push(delivery(&app.store, id).await.0);
            }
            states.iter().all(|s| s == "sent").then_some(())
        })
        .await;
        let stats = customs.sandbox.store().message_stats().await.unwrap();
        assert!(stats.iter().all(|s| s.deliveries == 1), "{stats:?}");
        for relay in running {
            relay.abort();
        }
    }
}
