//! Login, who-am-I, logout, lockout and the 401 contract — on SQLite and PostgreSQL.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;

async fn login_returns_the_enterprise_and_sets_a_cookie(app: TestApp) {
    let app = with_demo(app).await;
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    let (status, me) = app.get("/api/session", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["card_no"], ZONE_CARD);
    assert_eq!(me["enterprise"]["customs_code"], "4403960ABC");
    assert_eq!(me["enterprise"]["in_zone"], true);
    let other = app.login(PLAIN_CARD, PLAIN_PASSWORD).await;
    let (_, me) = app.get("/api/session", Some(&other)).await;
    assert_eq!(me["enterprise"]["in_zone"], false);
}

async fn wrong_card_or_password_gets_one_generic_message(app: TestApp) {
    let app = with_demo(app).await;
    let mut messages = Vec::new();
    for (card, password) in [(ZONE_CARD, "wrong"), ("0000000000000", ZONE_PASSWORD)] {
        let body = json!({ "card_no": card, "password": password }).to_string();
        let (status, token, err) = app
            .send(Method::POST, "/api/session", Some(&body), None, None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(token.is_none());
        assert_eq!(err["code"], "bad_credentials");
        messages.push(err["message"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        messages[0], messages[1],
        "no hint which of card or password was wrong"
    );
    assert_eq!(messages[0], "IC卡号或密码错误");
}

async fn api_without_session_gets_401_json(app: TestApp) {
    for path in ["/api/session", "/api/anything/else"] {
        let (status, err) = app.get(path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(err["code"], "unauthenticated");
        assert_eq!(err["message"], "请先登录");
    }
    let (status, err) = app.get("/api/session", Some("forged-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["code"], "unauthenticated");
}

async fn logout_revokes_the_session(app: TestApp) {
    let app = with_demo(app).await;
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    let (status, _, _) = app
        .send(Method::DELETE, "/api/session", None, Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.get("/api/session", Some(&token)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old cookie no longer works"
    );
}

async fn five_failures_lock_the_account_until_unlocked(app: TestApp) {
    let app = with_demo(app).await;
    let wrong = json!({ "card_no": ZONE_CARD, "password": "wrong" }).to_string();
    for attempt in 1..=5 {
        let (status, _, err) = app
            .send(Method::POST, "/api/session", Some(&wrong), None, None)
            .await;
        if attempt < 5 {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        } else {
            assert_eq!(status, StatusCode::LOCKED, "attempt {attempt}");
            assert!(err["message"].as_str().unwrap().contains("锁定"), "{err}");
        }
    }
    let right = json!({ "card_no": ZONE_CARD, "password": ZONE_PASSWORD }).to_string();
    let (status, token, err) = app
        .send(Method::POST, "/api/session", Some(&right), None, None)
        .await;
    assert_eq!(
        status,
        StatusCode::LOCKED,
        "even the right password is refused while locked"
    );
    assert!(token.is_none());
    assert_eq!(err["code"], "locked");
    // The other enterprise's user is unaffected.
    app.login(PLAIN_CARD, PLAIN_PASSWORD).await;
    assert!(app.store.unlock_user(ZONE_CARD).await.unwrap());
    app.login(ZONE_CARD, ZONE_PASSWORD).await;
}

async fn success_resets_the_failure_count(app: TestApp) {
    let app = with_demo(app).await;
    let wrong = json!({ "card_no": ZONE_CARD, "password": "wrong" }).to_string();
    for _ in 0..4 {
        app.send(Method::POST, "/api/session", Some(&wrong), None, None)
            .await;
    }
    app.login(ZONE_CARD, ZONE_PASSWORD).await;
    for _ in 0..4 {
        let (status, _, _) = app
            .send(Method::POST, "/api/session", Some(&wrong), None, None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

async fn malformed_or_oversized_bodies_get_json_errors(app: TestApp) {
    let app = with_demo(app).await;
    for body in ["{", "{\"card_no\": 5}", "[]", "null"] {
        let (status, _, err) = app
            .send(Method::POST, "/api/session", Some(body), None, None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(err["code"], "bad_request");
    }
    let huge = json!({ "card_no": "x".repeat(2 << 20), "password": "p" }).to_string();
    let (status, _, err) = app
        .send(Method::POST, "/api/session", Some(&huge), None, None)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(err["code"], "payload_too_large");
}

async fn foreign_origins_cannot_change_state(app: TestApp) {
    let app = with_demo(app).await;
    let body = json!({ "card_no": ZONE_CARD, "password": ZONE_PASSWORD }).to_string();
    let (status, token, err) = app
        .send(
            Method::POST,
            "/api/session",
            Some(&body),
            None,
            Some("http://evil.test"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(token.is_none());
    assert_eq!(err["code"], "forbidden_origin");
    for origin in ["http://owf.test", "http://static.test:9000"] {
        let (status, _, _) = app
            .send(
                Method::POST,
                "/api/session",
                Some(&body),
                None,
                Some(origin),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{origin}");
    }
}

both_databases!(
    login_returns_the_enterprise_and_sets_a_cookie,
    wrong_card_or_password_gets_one_generic_message,
    api_without_session_gets_401_json,
    logout_revokes_the_session,
    five_failures_lock_the_account_until_unlocked,
    success_resets_the_failure_count,
    malformed_or_oversized_bodies_get_json_errors,
    foreign_origins_cannot_change_state,
);
