//! The real router's routes: each one described in the OpenAPI document and each described
//! operation routed and answering; and each request counted and timed in `/metrics` under its
//! route.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use owf_shared::booking::BookingForm;
use owf_shared::fixtures::ZONE;
use serde_json::Value;

use crate::helpers::{both_databases, sqlite, TestApp};
use crate::setup::{approved_registration, warehouse_with_lease};

async fn every_documented_route_exists(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let reg = approved_registration(&app, &zone, &ZONE).await;
    let (wh, att) = warehouse_with_lease(&zone).await;
    let booking = zone.create_booking(&BookingForm::default()).await.unwrap();
    let doc = owf_backend::http::openapi::document();
    let mut checked = 0;
    // Deletions after the reads, and logging out last, keep the data and the session.
    let mut routes: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (path.clone(), m.clone()))
        })
        .collect();
    routes.sort_by_key(|(path, method)| (method == "delete", path == "/api/session", path.clone()));
    for (path, method) in routes {
        let id = if path.starts_with("/api/registrations") {
            reg.id
        } else if path.starts_with("/api/booking-orders") {
            booking.id
        } else {
            wh.id
        };
        let concrete = path
            .replace("{id}", &id.to_string())
            .replace("{attachment_id}", &att.id.to_string());
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let (status, body) = zone.send(method.clone(), &concrete, Some("{}")).await;
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_FOUND,
            "{method} {concrete}: {status} {body}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} routes documented");
}

both_databases!(every_documented_route_exists);

/// The methods a route may take: HEAD goes with GET, and OPTIONS is the CORS layer's, answered
/// before routing.
const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::PATCH,
];

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
async fn routed(app: &TestApp, method: &Method, path: &str) -> bool {
    let uri = path.replace("{id}", "1").replace("{attachment_id}", "1");
    let request = Request::builder()
        .method(method)
        .uri(&uri)
        .header(header::HOST, "owf.test")
        .header(header::ORIGIN, "http://owf.test")
        .body(Body::empty())
        .unwrap();
    let (status, ..) = app.answer(request).await;
    status != StatusCode::METHOD_NOT_ALLOWED
}

#[tokio::test]
async fn every_route_is_described_and_every_described_route_is_served() {
    let app = sqlite().await;
    let paths = route_paths(&TestApp::router(&app.store, TestApp::config()));
    assert!(paths.len() >= 15, "{paths:?}");
    let mut served = BTreeSet::new();
    for path in &paths {
        for method in &METHODS {
            if routed(&app, method, path).await {
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
    assert_eq!(described.len(), 41);
}

/// The value of the `/metrics` line that starts with `series` (name and labels).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

#[tokio::test]
async fn requests_are_counted_and_timed_by_route_template() {
    let app = sqlite().await.with_demo().await;
    let zone = app.login(&ZONE).await;
    for id in [7, 8, 9] {
        let (status, _) = zone
            .send(Method::GET, &format!("/api/registrations/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    zone.registrations("").await.unwrap();
    app.get("/no/such/page", None).await;

    let request = Request::builder()
        .uri("/metrics")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = app.answer(request).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body.to_vec()).unwrap();
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
    let app = sqlite().await;
    let request = Request::builder()
        .uri("/api/openapi.json")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = app.answer(request).await;
    assert_eq!(status, StatusCode::OK);
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
