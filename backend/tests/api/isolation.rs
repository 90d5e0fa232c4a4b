//! Tenant isolation: another enterprise's filings, documents and lists are invisible.

use std::fmt::Debug;

use axum::http::StatusCode;
use owf_shared::fixtures::{PDF, PLAIN, ZONE};

use crate::helpers::{both_databases, TestApp};
use crate::setup::{approved_registration, warehouse_with_lease};
use crate::user::{Filing, User};

/// Every call of `other` on `filing` — read, 暂存, 删除, 申报 — is answered 404 `not_found`.
async fn not_found_everywhere<D: Filing + Debug>(other: &User<'_>, filing: &D)
where
    D::Form: Default,
{
    let form = D::Form::default();
    let refusals = [
        other.reload(filing).await.unwrap_err(),
        other.save(filing, &form).await.unwrap_err(),
        other.delete(filing).await.unwrap_err(),
        other.declare(filing).await.unwrap_err(),
    ];
    for refusal in refusals {
        assert_eq!(
            refusal.status,
            StatusCode::NOT_FOUND,
            "{}: {refusal:?}",
            filing.path()
        );
        assert_eq!(refusal.error.code, "not_found");
    }
}

async fn another_enterprise_sees_nothing_and_gets_404_everywhere(app: TestApp) {
    let app = app.with_demo().await;
    let (zone, plain) = (app.login(&ZONE).await, app.login(&PLAIN).await);
    let reg = approved_registration(&app, &zone, &ZONE).await;
    let (wh, att) = warehouse_with_lease(&zone).await;
    let before = (
        app.count("filings").await,
        app.count("outbox").await,
        app.count("attachments").await,
    );
    not_found_everywhere(&plain, &reg).await;
    not_found_everywhere(&plain, &wh).await;
    assert_eq!(plain.download(&wh, &att).await.0, StatusCode::NOT_FOUND);
    let refusal = plain.upload(&wh, "02", "x.pdf", PDF).await.unwrap_err();
    assert_eq!(refusal.status, StatusCode::NOT_FOUND);
    assert_eq!(plain.registrations("").await.unwrap().total, 0);
    assert_eq!(plain.warehouses("").await.unwrap().total, 0);
    assert_eq!(plain.filings("").await.unwrap().total, 0);
    let by_code = plain.filings("customs_code=4403960ABC").await.unwrap();
    assert_eq!(by_code.total, 0);
    let after = (
        app.count("filings").await,
        app.count("outbox").await,
        app.count("attachments").await,
    );
    assert_eq!(before, after);
}

both_databases!(another_enterprise_sees_nothing_and_gets_404_everywhere);
