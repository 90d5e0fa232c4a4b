//! Login, who-am-I, logout, lockout, login limits and the 401 contract.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use owf_backend::auth::password_checks::PASSWORD_CHECKS;
use owf_backend::http::{HttpConfig, LOCK_MINUTES, MAX_FAILED_LOGINS};
use owf_shared::fixtures::{PLAIN, ZONE};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::helpers::{both_databases, TestApp};

/// The answer to every failed login, whatever the reason.
const FAILED: &str = "IC卡号或密码错误（同一IC卡连续 5 次登录失败将锁定 15 分钟）";

/// The app with other HTTP settings than the harness's.
fn app_with(app: &TestApp, config: HttpConfig) -> Router {
    TestApp::router(&app.store, config)
}

fn config() -> HttpConfig {
    HttpConfig {
        allowed_origins: Vec::new(),
        ..TestApp::config()
    }
}

/// A login from `peer` (`None`: no client address); returns status, headers and JSON body.
async fn login_from(
    app: &Router,
    peer: Option<SocketAddr>,
    card_no: &str,
    password: &str,
) -> (StatusCode, HeaderMap, Value) {
    let body = json!({ "card_no": card_no, "password": password }).to_string();
    let mut req = Request::post("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    if let Some(peer) = peer {
        req.extensions_mut().insert(ConnectInfo(peer));
    }
    let res = app.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (parts.status, parts.headers, json)
}

/// A wrong login, repeated while the server answers 429 (as a client honouring Retry-After
/// would, only sooner); returns the final status and body.
async fn guess_until_answered(app: &TestApp, card_no: &str, password: &str) -> (StatusCode, Value) {
    loop {
        let (status, _, json) = app.try_login(card_no, password).await;
        if status != StatusCode::TOO_MANY_REQUESTS {
            return (status, json);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `times` logins of the zone user with a wrong password.
async fn wrong_logins(app: &TestApp, times: usize) {
    for _ in 0..times {
        app.try_login(ZONE.card_no, "wrong").await;
    }
}

async fn failed_logins(app: &TestApp, card_no: &str) -> i64 {
    sqlx::query_scalar("SELECT failed_logins FROM users WHERE card_no = $1")
        .bind(card_no)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn login_returns_the_enterprise_and_sets_a_cookie(app: TestApp) {
    let app = app.with_demo().await;
    let me = app.login(&ZONE).await.me().await.unwrap();
    assert_eq!(me.card_no, ZONE.card_no);
    assert_eq!(me.enterprise.customs_code, "4403960ABC");
    assert!(me.enterprise.in_zone);
    let me = app.login(&PLAIN).await.me().await.unwrap();
    assert!(!me.enterprise.in_zone);
}

async fn wrong_card_or_password_gets_one_generic_message(app: TestApp) {
    let app = app.with_demo().await;
    let mut messages = Vec::new();
    for (card, password) in [(ZONE.card_no, "wrong"), ("0000000000000", ZONE.password)] {
        let (status, token, err) = app.try_login(card, password).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(token.is_none());
        assert_eq!(err["code"], "bad_credentials");
        messages.push(err["message"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        messages[0], messages[1],
        "no hint which of card or password was wrong"
    );
    assert_eq!(messages[0], FAILED);
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
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    zone.logout().await.unwrap();
    assert_eq!(
        zone.me().await.unwrap_err().status,
        StatusCode::UNAUTHORIZED,
        "the old cookie no longer works"
    );
}

/// A browser whose login has gone on the server (退出 elsewhere, or ended) is told so when the app
/// asks who is logged in, and loses the login hint with the session cookie, so that its next
/// pages stop preloading the screens after login.
async fn a_gone_login_clears_the_hint_when_asked_for(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    zone.logout().await.unwrap();
    let (status, headers, _) = app
        .answer(
            Request::get("/api/session")
                .header(
                    header::COOKIE,
                    format!("owf_session={}; owf_signed_in=1", zone.token),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let cleared: Vec<_> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    for name in ["owf_session=;", "owf_signed_in="] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0")),
            "{name} cleared: {cleared:?}"
        );
    }
}

/// Test setup: the session of `token` ends `ms_from_now` from now (negative: has ended).
async fn session_ends_in(app: &TestApp, token: &str, ms_from_now: i64) {
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind(owf_backend::clock::now_ms() + ms_from_now)
        .bind(owf_backend::auth::session::token_hash(token))
        .execute(app.store.write_pool())
        .await
        .unwrap();
}

async fn the_session_end_is_told_and_can_be_extended(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let hours = TestApp::config().session_hours;
    let full = hours * 3_600_000;
    let login = zone.me().await.unwrap();
    let left = login.expires_at - owf_backend::clock::now_ms();
    assert!(left > full - 60_000 && left <= full, "{left} ms left");
    session_ends_in(&app, &zone.token, 120_000).await;
    let soon = zone.me().await.unwrap().expires_at;
    assert!(soon < login.expires_at, "whoami tells the end as stored");
    let extended = zone.refresh().await.unwrap();
    assert!(
        extended.expires_at - owf_backend::clock::now_ms() > full - 60_000,
        "extended by a whole session length"
    );
    assert_eq!(zone.me().await.unwrap().expires_at, extended.expires_at);
    let (status, cookies, _) = app
        .answer(
            Request::post("/api/session/refresh")
                .header(header::COOKIE, format!("owf_session={}", zone.token))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let cookie = cookies[header::SET_COOKIE].to_str().unwrap();
    let max_age: i64 = cookie.split("Max-Age=").nth(1).unwrap().parse().unwrap();
    assert!(
        max_age > hours * 3600 - 60,
        "the cookie lasts as long: {cookie}"
    );
    session_ends_in(&app, &zone.token, -1).await;
    assert_eq!(
        zone.refresh().await.unwrap_err().status,
        StatusCode::UNAUTHORIZED,
        "an ended session is not revived"
    );
}

async fn five_failures_lock_the_account_until_unlocked(app: TestApp) {
    let app = app.with_demo().await;
    assert_eq!(
        (MAX_FAILED_LOGINS, LOCK_MINUTES),
        (5, 15),
        "as the message says"
    );
    for attempt in 1..=5 {
        let (status, _, err) = app.try_login(ZONE.card_no, "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(err["message"], FAILED);
    }
    let (status, token, err) = app.try_login(ZONE.card_no, ZONE.password).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "even the right password is refused while locked"
    );
    assert!(token.is_none());
    assert_eq!(err["code"], "bad_credentials");
    // The other enterprise's user is unaffected.
    app.login(&PLAIN).await;
    assert!(app.store.unlock_user(ZONE.card_no).await.unwrap());
    app.login(&ZONE).await;
}

async fn a_lock_that_ran_out_lets_the_right_password_in(app: TestApp) {
    let app = app.with_demo().await;
    wrong_logins(&app, 5).await;
    // Test setup: the 15 minutes have passed.
    sqlx::query("UPDATE users SET locked_until = 1 WHERE card_no = $1")
        .bind(ZONE.card_no)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    app.login(&ZONE).await;
    assert_eq!(failed_logins(&app, ZONE.card_no).await, 0);
}

async fn unknown_and_locked_cards_get_the_same_answer(app: TestApp) {
    let app = app.with_demo().await;
    wrong_logins(&app, 5).await;
    let mut answers = Vec::new();
    for (card, password) in [
        (ZONE.card_no, ZONE.password),  // locked, right password
        (ZONE.card_no, "wrong"),        // locked, wrong password
        ("8944039999999", "whatever1"), // no such card
        (PLAIN.card_no, "wrong"),       // existing card, wrong password
    ] {
        let (status, token, json) = app.try_login(card, password).await;
        assert!(token.is_none());
        answers.push((status, json));
    }
    for answer in &answers[1..] {
        assert_eq!(*answer, answers[0], "every failure answers alike");
    }
    assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);
    assert_eq!(answers[0].1["message"], FAILED);
}

async fn parallel_guesses_check_no_more_passwords_than_the_lockout_allows(app: TestApp) {
    let app = app.with_demo().await;
    let guesses = (0..20).map(|n| {
        guess_until_answered(
            &app,
            ZONE.card_no,
            if n % 2 == 0 { "wrong" } else { "wrong too" },
        )
    });
    let answers = futures_util::future::join_all(guesses).await;
    for (status, json) in &answers {
        assert_eq!(*status, StatusCode::UNAUTHORIZED);
        assert_eq!(json["message"], FAILED);
    }
    assert_eq!(
        failed_logins(&app, ZONE.card_no).await,
        MAX_FAILED_LOGINS,
        "20 parallel guesses: only 5 were checked against the password"
    );
    let (status, json) = guess_until_answered(&app, ZONE.card_no, ZONE.password).await;
    assert_eq!(
        (status, &json["code"]),
        (StatusCode::UNAUTHORIZED, &json!("bad_credentials")),
        "the right password after the burst does not log in while locked"
    );
    assert!(app.store.unlock_user(ZONE.card_no).await.unwrap());
    app.login(&ZONE).await;
}

async fn password_checks_beyond_the_slots_answer_429(app: TestApp) {
    let app = app_with(&app, config());
    let attempts = (0..3 * PASSWORD_CHECKS).map(|n| {
        let app = &app;
        async move { login_from(app, None, &format!("89440300{n:05}"), "wrong-password").await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let busy: Vec<_> = answers
        .iter()
        .filter(|(status, _, _)| *status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(
        busy.len(),
        2 * PASSWORD_CHECKS,
        "only {PASSWORD_CHECKS} checks run at once; the rest are refused, not queued"
    );
    for (_, headers, json) in busy {
        assert_eq!(headers[header::RETRY_AFTER], "1");
        assert_eq!(json["code"], "too_many_requests");
        assert_eq!(json["message"], "登录请求过多，请 1 秒后再试");
    }
}

async fn a_client_over_its_login_limit_is_told_when_to_retry(app: TestApp) {
    let app = app.with_demo().await;
    let router = app_with(
        &app,
        HttpConfig {
            login_attempts_per_minute: 3,
            ..config()
        },
    );
    let first: SocketAddr = "192.0.2.1:40000".parse().unwrap();
    let other: SocketAddr = "192.0.2.2:40000".parse().unwrap();
    for _ in 0..3 {
        let (status, _, _) = login_from(&router, Some(first), PLAIN.card_no, "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, json) =
        login_from(&router, Some(first), ZONE.card_no, ZONE.password).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // One attempt every 20 s; a little of that has passed during the three attempts.
    let secs: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&secs), "Retry-After {secs}");
    assert_eq!(json["message"], format!("登录请求过多，请 {secs} 秒后再试"));
    let (status, _, _) = login_from(&router, Some(other), ZONE.card_no, ZONE.password).await;
    assert_eq!(status, StatusCode::OK, "another client is not held back");
}

async fn secure_cookies_add_secure_and_hsts(app: TestApp) {
    let app = app.with_demo().await;
    for secure in [false, true] {
        let router = app_with(
            &app,
            HttpConfig {
                secure_cookies: secure,
                ..config()
            },
        );
        let (status, headers, _) = login_from(&router, None, ZONE.card_no, ZONE.password).await;
        assert_eq!(status, StatusCode::OK);
        let cookie = headers[header::SET_COOKIE].to_str().unwrap();
        assert_eq!(cookie.ends_with("; Secure"), secure, "{cookie}");
        assert_eq!(
            headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .map(|v| v.to_str().unwrap()),
            secure.then_some("max-age=31536000")
        );
    }
}

async fn expired_sessions_are_purged_at_the_next_login(app: TestApp) {
    let app = app.with_demo().await;
    let old = app.login(&ZONE).await;
    app.login(&PLAIN).await;
    // Test setup: the first session's hours are over.
    sqlx::query("UPDATE sessions SET expires_at = 1 WHERE user_id = (SELECT id FROM users WHERE card_no = $1)")
        .bind(ZONE.card_no)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    assert_eq!(old.me().await.unwrap_err().status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("sessions").await, 2);
    app.login(&PLAIN).await;
    assert_eq!(
        app.count("sessions").await,
        2,
        "the expired session is gone; the two live ones remain"
    );
}

async fn success_resets_the_failure_count(app: TestApp) {
    let app = app.with_demo().await;
    wrong_logins(&app, 4).await;
    app.login(&ZONE).await;
    for _ in 0..4 {
        let (status, _, _) = app.try_login(ZONE.card_no, "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

async fn malformed_or_oversized_bodies_get_json_errors(app: TestApp) {
    let app = app.with_demo().await;
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
    let app = app.with_demo().await;
    let body = json!({ "card_no": ZONE.card_no, "password": ZONE.password }).to_string();
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

/// A blank IC卡号 or password is named at its field and costs no attempt of the card.
async fn blank_login_fields_are_named_and_cost_no_attempt(app: TestApp) {
    let app = app.with_demo().await;
    for _ in 0..MAX_FAILED_LOGINS + 1 {
        let (status, _, body) = app.try_login(ZONE.card_no, "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"]["password"], "请输入密码");
    }
    let (_, _, body) = app.try_login(" ", "x").await;
    assert_eq!(body["fields"]["card_no"], "请输入IC卡号");
    app.login(&ZONE).await;
}

both_databases!(
    blank_login_fields_are_named_and_cost_no_attempt,
    login_returns_the_enterprise_and_sets_a_cookie,
    wrong_card_or_password_gets_one_generic_message,
    api_without_session_gets_401_json,
    logout_revokes_the_session,
    a_gone_login_clears_the_hint_when_asked_for,
    the_session_end_is_told_and_can_be_extended,
    five_failures_lock_the_account_until_unlocked,
    a_lock_that_ran_out_lets_the_right_password_in,
    unknown_and_locked_cards_get_the_same_answer,
    parallel_guesses_check_no_more_passwords_than_the_lockout_allows,
    password_checks_beyond_the_slots_answer_429,
    a_client_over_its_login_limit_is_told_when_to_retry,
    secure_cookies_add_secure_and_hsts,
    expired_sessions_are_purged_at_the_next_login,
    success_resets_the_failure_count,
    malformed_or_oversized_bodies_get_json_errors,
    foreign_origins_cannot_change_state,
);
