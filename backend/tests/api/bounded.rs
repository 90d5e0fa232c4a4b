//! Inputs beyond the limits — JSON and XML nested 100,000 deep, an oversized answer from
//! customs — are refused with a clear reason; none of them overflows the stack or is read whole.

use axum::http::{Method, StatusCode};
use axum::routing::get;
use axum::Router;
use owf_backend::customs::envelope::{IssuedReceipt, ReceiptPage, MAX_ANSWER_BYTES, RECEIPTS_PATH};
use owf_shared::fixtures::ZONE;

use crate::customs::{customs, instant_customs, relay_at};
use crate::helpers::{both_databases, TestApp};

const DEPTH: usize = 100_000;

fn nested_arrays() -> String {
    format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH))
}

fn nested_objects() -> String {
    format!("{}{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH))
}

fn nested_xml() -> String {
    format!("{}{}", "<a>".repeat(DEPTH), "</a>".repeat(DEPTH))
}

async fn deeply_nested_json_gets_400(app: TestApp) {
    let app = app.with_demo().await;
    let in_a_field = format!("{{\"card_no\":{},\"password\":\"x\"}}", nested_objects());
    for body in [nested_arrays(), nested_objects(), in_a_field] {
        let (status, _, err) = app
            .send(Method::POST, "/api/session", Some(&body), None, None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["code"], "bad_request");
        assert!(
            err["message"].as_str().unwrap().starts_with("请求格式错误"),
            "{err}"
        );
    }
    // The server still answers.
    app.login(&ZONE).await;
}

async fn deeply_nested_envelope_gets_400(app: TestApp) {
    let customs = customs(&app.store, instant_customs()).await;
    let client = reqwest::Client::new();
    for body in [nested_arrays(), nested_objects()] {
        let response = client
            .post(format!("{}/messages", customs.endpoint.url))
            .bearer_auth(customs.endpoint.secret.as_deref().unwrap())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let text = response.text().await.unwrap();
        assert!(text.starts_with("报文信封格式错误"), "{text}");
    }
}

/// A customs whose receipt stream answers `page` (a JSON text) to every request.
async fn customs_answering(page: String) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route(RECEIPTS_PATH, get(move || async move { page }));
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, server)
}

fn page(xml: String) -> String {
    serde_json::to_string(&ReceiptPage {
        receipts: vec![IssuedReceipt { seq: 1, xml }],
    })
    .unwrap()
}

async fn a_deeply_nested_receipt_does_not_crash_the_relay(app: TestApp) {
    let (url, server) = customs_answering(page(nested_xml())).await;
    let relay = relay_at(&app.store, url);
    assert!(relay.pull_receipts().await.is_ok());
    assert_eq!(app.store.receipt_cursor().await.unwrap(), 1, "read past it");
    server.abort();
}

async fn an_oversized_receipt_page_is_not_read(app: TestApp) {
    let (url, server) = customs_answering(page("x".repeat(MAX_ANSWER_BYTES))).await;
    let relay = relay_at(&app.store, url);
    let error = relay.pull_receipts().await.unwrap_err().to_string();
    assert_eq!(error, "海关应答超过 16 MiB 上限");
    assert_eq!(app.store.receipt_cursor().await.unwrap(), 0);
    server.abort();
}

both_databases!(
    deeply_nested_json_gets_400,
    deeply_nested_envelope_gets_400,
    a_deeply_nested_receipt_does_not_crash_the_relay,
    an_oversized_receipt_page_is_not_read,
);
