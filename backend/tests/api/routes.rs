//! The OpenAPI description and the router agree: every documented route exists.

use axum::http::{Method, StatusCode};
use owf_shared::fixtures::ZONE;

use crate::helpers::{both_databases, TestApp};
use crate::setup::{approved_registration, warehouse_with_lease};

async fn every_documented_route_exists(app: TestApp) {
    let app = app.with_demo().await;
    let zone = app.login(&ZONE).await;
    let reg = approved_registration(&app, &zone, &ZONE).await;
    let (wh, att) = warehouse_with_lease(&zone).await;
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
