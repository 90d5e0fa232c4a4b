//! The real router's routes: each one described in the OpenAPI document and each described
//! operation routed; and each request counted and timed in `/metrics` under its route.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::{with_demo, ZONE_CARD, ZONE_PASSWORD};
use http_body_util::BodyExt;
use owf_backend::http::{router, AppState, HttpConfig};
use serde_json::Value;
use tower::ServiceExt;

/// The methods a route may take: HEAD goes with GET, and OPTIONS is the CORS layer's, answered
/// before routing.
const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::PATCH,
];

fn app_router(app: &common::TestApp) -> Router {
    let config = HttpConfig {
        session_hours: 8,
        allowed_origins: Vec::new(),
        login_attempts_per_minute: 1000,
        secure_cookies: false,
    };
    router(
        AppState::new(app.store.clone(), config),
        std::path::Path::new("/nonexistent-dist"),
    )
}

/// The path templates of the router's routes. axum lists no routes, but its `Debug` output
/// names them (`node: Node { paths: {RouteId(…): "/api/…", …} }`, the fallbacks' apart under
/// `fallback_router`); should that output change, this finds no routes and the test fails.
fn route_paths(router: &Router) -> BTreeSet<String> {
    let debug = format!("{router:?}");
    let routes = debug
        .split("fallback_router:")
        .next()
        .unwrap()
        .split_once("paths: {")
        .expect("the router's Debug output names its paths")
        .1;
    routes
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Whether `method` is routed at `path` (ids filled in): anything but 405. Same-origin, so the
/// origin guard lets every method through to the routing.
async fn routed(router: &Router, method: &Method, path: &str) -> bool {
    let uri = path.replace("{id}", "1").replace("{attachment_id}", "1");
    let request = Request::builder()
        .method(method)
        .uri(&uri)
        .header(header::HOST, "owf.test")
        .header(header::ORIGIN, "http://owf.test")
        .body(Body::empty())
        .unwrap();
    let status = router.clone().oneshot(request).await.unwrap().status();
    status != StatusCode::METHOD_NOT_ALLOWED
}

#[tokio::test]
async fn every_route_is_described_and_every_described_route_is_served() {
    let app = common::sqlite().await;
    let router = app_router(&app);
    let paths = route_paths(&router);
    assert!(paths.len() >= 15, "{paths:?}");
    let mut served = BTreeSet::new();
    for path in &paths {
        for method in &METHODS {
            if routed(&router, method, path).await {
                served.insert((method.as_str().to_lowercase(), path.clone()));
            }
        }
    }
    let doc = owf_backend::http::openapi::document();
    let described: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let undescribed: Vec<_> = served.difference(&described).collect();
    let unserved: Vec<_> = described.difference(&served).collect();
    assert!(
        undescribed.is_empty(),
        "served but not described: {undescribed:?}"
    );
    assert!(
        unserved.is_empty(),
        "described but not served: {unserved:?}"
    );
    assert_eq!(described.len(), 24);
}

/// The value of the `/metrics` line that starts with `series` (name and labels).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

#[tokio::test]
async fn requests_are_counted_and_timed_by_route_template() {
    let app = with_demo(common::sqlite().await).await;
    let token = app.login(ZONE_CARD, ZONE_PASSWORD).await;
    for id in [7, 8, 9] {
        let (status, _) = app
            .call(
                Method::GET,
                &format!("/api/registrations/{id}"),
                None,
                &token,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = app.get("/api/registrations", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    app.get("/no/such/page", None).await;

    let (status, _, body) = app.download("/metrics", "").await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    let labels = |method: &str, route: &str, status: &str| {
        format!("{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}")
    };
    let read = labels("GET", "/api/registrations/{id}", "4xx");
    assert_eq!(
        value(&text, &format!("owf_http_requests_total{read}")),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            &format!("owf_http_request_duration_seconds_count{read}")
        ),
        Some(3.0)
    );
    let bucket = "owf_http_request_duration_seconds_bucket{method=\"GET\",\
                  route=\"/api/registrations/{id}\",status=\"4xx\",le=\"+Inf\"}";
    assert_eq!(value(&text, bucket), Some(3.0), "{text}");
    let list = labels("GET", "/api/registrations", "2xx");
    assert_eq!(
        value(&text, &format!("owf_http_requests_total{list}")),
        Some(1.0)
    );
    let login = labels("POST", "/api/session", "2xx");
    assert_eq!(
        value(&text, &format!("owf_http_requests_total{login}")),
        Some(1.0)
    );
    let unmatched = labels("GET", "unmatched", "4xx");
    assert!(value(&text, &format!("owf_http_requests_total{unmatched}")).is_some());
    // The login wrote through the writer; nothing waits in the outbox.
    assert!(value(&text, "owf_store_write_batch_size_count").unwrap() >= 1.0);
    assert_eq!(value(&text, "owf_relay_lag_seconds"), Some(0.0));
    assert_eq!(value(&text, "owf_outbox_depth"), Some(0.0));
}

/// The document is served as built, and its operation ids are unique.
#[tokio::test]
async fn the_document_is_served_with_unique_operation_ids() {
    let app = common::sqlite().await;
    let response = app_router(&app)
        .oneshot(
            Request::builder()
                .uri("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let served: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(served, owf_backend::http::openapi::document());
    assert_eq!(served["openapi"], "3.1.0");
    let ids: Vec<&str> = served["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|operations| operations.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
}
