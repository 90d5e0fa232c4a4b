//! Bad input and the error body: every refusal is the JSON `{code, message, fields}` — also
//! those the router gives before any handler runs (defects the API fuzzing of
//! `scripts/api-fuzz.py` found) — bad input changes nothing, and no input makes a 5xx.

use axum::http::{Method, StatusCode};
use owf_shared::fixtures::ZONE;
use serde_json::json;

use crate::helpers::{both_databases, TestApp};

async fn bad_input_gets_a_json_4xx_and_changes_nothing(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let draft = zone.create(&ZONE.registration()).await.unwrap();
    let path = format!("/api/registrations/{}", draft.id);
    let tables = ["filings", "filing_history", "outbox", "sequences"];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.count(table).await);
    }
    let huge = "长".repeat(100_000);
    let declare = format!("{path}/declare");
    let bodies: Vec<(Method, &str, String)> = vec![
        (Method::POST, "/api/registrations", "{".into()),
        (Method::POST, "/api/registrations", r#"{"form": {"uscc": "9144"#.into()),
        (Method::POST, "/api/registrations", r#"{"form": {"trade_modes": "9810"}}"#.into()),
        (Method::POST, "/api/registrations", r#"{"form": 5}"#.into()),
        (Method::PUT, &path, r#"{"version": "one", "form": {}}"#.into()),
        (Method::PUT, &path, json!({ "version": 1, "form": { "contact_name": huge } }).to_string()),
        (Method::PUT, &path, json!({ "version": 1, "form": { "contact_name": "x'; DROP TABLE filings; --" , "uscc": "9144' OR '1'='1"} }).to_string()),
        (Method::PUT, &path, json!({ "version": 1, "form": { "uscc": "９１４４０３００ＭＡ５Ｇ８Ｋ２Ｐ０５" } }).to_string()),
        (Method::POST, &declare, r#"{"version": null}"#.into()),
        (Method::POST, "/api/warehouses", json!({ "form": { "area_sqm": "1e9999" } }).to_string()),
    ];
    for (method, p, body) in bodies {
        let (status, err) = zone.send(method.clone(), p, Some(&body)).await;
        assert!(
            status.is_client_error(),
            "{method} {p} {}: {status}",
            &body[..body.len().min(80)]
        );
        assert!(
            err["code"].is_string() && err["message"].is_string(),
            "JSON error body: {err}"
        );
    }
    let (status, err) = zone
        .send(Method::GET, "/api/filings?status=abc", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], "bad_request");
    let (status, _) = zone
        .send(Method::GET, "/api/registrations/1%27%20OR%201=1", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let literal = zone
        .filings("ent_name=%25%27%20OR%20%271%27%3D%271")
        .await
        .unwrap();
    assert_eq!(
        literal.total, 0,
        "metacharacters are searched for literally"
    );
    for (table, count) in tables.iter().zip(before) {
        assert_eq!(app.count(table).await, count, "{table} unchanged");
    }
    assert_eq!(zone.reload(&draft).await.unwrap(), draft);
}

async fn a_method_a_route_does_not_have_answers_json_405(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    for (method, path) in [
        (Method::TRACE, "/api/registrations"),
        (Method::PATCH, "/api/registrations/1"),
        (Method::PUT, "/api/registrations/1/declare"),
        (Method::PATCH, "/api/session"),
        (Method::PUT, "/api/warehouses/1/attachments"),
        (Method::POST, "/api/filings"),
        (Method::DELETE, "/healthz"),
        (Method::POST, "/metrics"),
    ] {
        let (status, body) = zone.send(method.clone(), path, None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(
            body["code"], "method_not_allowed",
            "{method} {path}: {body}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{method} {path}: {body}"
        );
    }
}

/// PostgreSQL cannot compare text holding a NUL character: such input is refused or matches
/// nothing, never a 500.
async fn a_nul_character_is_a_client_error_not_a_server_error(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    for path in [
        "/api/registrations?ent_name=a%00b",
        "/api/warehouses?wh_name=%00",
        "/api/filings?apply_no=1%00",
    ] {
        let (status, body) = zone.send(Method::GET, path, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["code"], "bad_request", "{path}: {body}");
    }
    let (status, _, body) = app.try_login("8944030000001\u{0}", "x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "bad_credentials", "{body}");
}

both_databases!(
    bad_input_gets_a_json_4xx_and_changes_nothing,
    a_method_a_route_does_not_have_answers_json_405,
    a_nul_character_is_a_client_error_not_a_server_error,
);
