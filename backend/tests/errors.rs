//! Defects found by the API fuzzing of `scripts/api-fuzz.py`: every error answer is the JSON
//! `{code, message, fields}` — also those the router gives before any handler runs — and no
//! input makes a 5xx.

mod common;

use axum::http::{Method, StatusCode};
use common::*;

async fn a_method_a_route_does_not_have_answers_json_405(app: TestApp) {
    let app = with_demo(app).await;
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
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
        let (status, _, body) = app
            .send(method.clone(), path, None, Some(&token), None)
            .await;
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
    let app = with_demo(app).await;
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    for path in [
        "/api/registrations?ent_name=a%00b",
        "/api/warehouses?wh_name=%00",
        "/api/filings?apply_no=1%00",
    ] {
        let (status, body) = app.get(path, Some(&token)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["code"], "bad_request", "{path}: {body}");
    }
    let login = serde_json::json!({ "card_no": "8944030000001\u{0}", "password": "x" });
    let (status, _, body) = app
        .send(
            Method::POST,
            "/api/session",
            Some(&login.to_string()),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "bad_credentials", "{body}");
}

both_databases!(
    a_method_a_route_does_not_have_answers_json_405,
    a_nul_character_is_a_client_error_not_a_server_error,
);
