//! Setup that is not measured: the approved 企业登记 that warehouses need (rule R3), proof
//! documents, and bulk filings written directly with SQL.

use owf_backend::store::accounts::NewEnterprise;
use owf_backend::store::attachments::NewAttachment;
use owf_backend::store::{now_ms, Store};
use owf_shared::api::{CreditLevel, EnterpriseInfo};
use owf_shared::ids::Uscc;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::server::Api;

/// The zone demo enterprise (the one the benchmarks log in as).
pub async fn zone_enterprise(store: &Store) -> EnterpriseInfo {
    store
        .enterprise_by_customs_code("4403960ABC")
        .await
        .expect("read enterprise")
        .expect("demo enterprise")
}

/// Creates the zone enterprise's 企业登记 over HTTP; returns its id and version.
pub async fn registration(api: &Api) -> (i64, i64) {
    let (status, created) = api
        .post(
            "/api/registrations",
            &json!({ "form": owf_e2e::zone_registration() }),
        )
        .await;
    assert_eq!(status, 201, "create registration: {created}");
    (
        created["id"].as_i64().expect("id"),
        created["lifecycle"]["version"].as_i64().expect("version"),
    )
}

/// Marks a filing 审核通过 directly (for a server without relay).
pub async fn approve(store: &Store, id: i64) {
    sqlx::query("UPDATE filings SET status = 399 WHERE id = $1")
        .bind(id)
        .execute(store.pool())
        .await
        .expect("approve");
}

/// The body of a warehouse draft named `name` (an owned warehouse: proof document type 01).
pub fn warehouse(name: &str) -> serde_json::Value {
    json!({ "form": owf_e2e::owned_warehouse(name) })
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// Stores the 01 proof document of each warehouse draft in `ids`.
pub async fn attach_all(store: &Store, enterprise_id: i64, ids: &[i64]) {
    let document = NewAttachment {
        doc_type: "01".into(),
        file_name: "deed.pdf".into(),
        content_type: "application/pdf".into(),
        sha256: hex::encode(Sha256::digest(PDF)),
        content: PDF.into(),
    };
    for id in ids {
        store
            .add_attachment(enterprise_id, *id, document.clone())
            .await
            .expect("store attachment")
            .expect("attachment accepted");
    }
}

/// `(id, version)` of the warehouse drafts with id above `after`, in id order.
pub async fn drafts_after(store: &Store, after: i64) -> Vec<(i64, i64)> {
    sqlx::query("SELECT id, version FROM filings WHERE kind = 'warehouse' AND status = 1 AND id > $1 ORDER BY id")
        .bind(after)
        .fetch_all(store.pool())
        .await
        .expect("read drafts")
        .iter()
        .map(|r| (r.get("id"), r.get("version")))
        .collect()
}

pub async fn max_filing_id(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM filings")
        .fetch_one(store.pool())
        .await
        .expect("max id")
}

/// Enterprises beside the two demo ones, up to `total`.
pub async fn enterprises(store: &Store, total: usize) -> Vec<i64> {
    owf_backend::demo::seed(store).await.expect("demo accounts");
    for n in 0..total.saturating_sub(2) {
        let body = format!("91440300MB{n:07}");
        let uscc = format!("{body}{}", Uscc::check_char(&body).expect("check char"));
        store
            .add_enterprise(&NewEnterprise {
                customs_code: format!("4403{n:06}"),
                uscc,
                name: format!("深圳基准跨境电商有限公司{n}"),
                customs_district: "5300".into(),
                in_zone: false,
                credit_level: CreditLevel::Registered,
            })
            .await
            .expect("add enterprise");
    }
    sqlx::query_scalar("SELECT id FROM enterprises ORDER BY id")
        .fetch_all(store.pool())
        .await
        .expect("enterprise ids")
}

const CITIES: [&str; 6] = ["Ontario", "Frankfurt", "Tokyo", "Sydney", "Dubai", "Warsaw"];
const COUNTRIES: [&str; 6] = ["502", "304", "116", "601", "138", "327"];
const STATUSES: [i64; 8] = [1, 2, 3, 4, 120, 399, 399, 100];
const DAY_MS: i64 = 86_400_000;
const COLUMNS: usize = 18;

/// `per_enterprise` filings for each enterprise (one approved 企业登记, the rest warehouses in
/// every status, declared and created over the past year), in one transaction per enterprise.
pub async fn filings(store: &Store, enterprise_ids: &[i64], per_enterprise: usize) {
    let now = now_ms();
    let form = serde_json::to_string(&owf_e2e::owned_warehouse("Ontario Hub 0001")).unwrap();
    // Statement size: SQLite allows 32766 bound values, PostgreSQL 65535.
    let rows_per_statement = 500;
    for (e, &enterprise_id) in enterprise_ids.iter().enumerate() {
        let mut tx = store.pool().begin().await.expect("begin");
        let registration: i64 = sqlx::query_scalar(
            "INSERT INTO filings (enterprise_id, kind, apply_no, operator_card_no, form_json, \
             trade_modes, status, version, decl_time, created_at, updated_at) \
             VALUES ($1, 'registration', $2, '8900000000000', '{}', ',9810,1210,', 399, 3, $3, $3, $3) \
             RETURNING id",
        )
        .bind(enterprise_id)
        .bind(format!("E{e:05}"))
        .bind(now - 400 * DAY_MS)
        .fetch_one(&mut *tx)
        .await
        .expect("seed registration");
        let warehouses: Vec<usize> = (1..per_enterprise).collect();
        for chunk in warehouses.chunks(rows_per_statement) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let b = r * COLUMNS;
                    let p: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", b + c)).collect();
                    format!("({})", p.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO filings (enterprise_id, kind, apply_no, registration_id, \
                 operator_card_no, form_json, trade_modes, wh_name, wh_name_key, wh_code, \
                 country_code, address_key, ownership, status, version, decl_time, created_at, \
                 updated_at) \
                 VALUES {}",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for &i in chunk {
                let city = CITIES[i % CITIES.len()];
                let name = format!("{city} Hub {i:04}");
                let status = STATUSES[(i * 7 + e) % STATUSES.len()];
                let created = now - (i as i64 * 8_760_000 * 36) % (365 * DAY_MS) - e as i64;
                let decl = (status != 1).then_some(created + 3_600_000);
                query = query
                    .bind(enterprise_id)
                    .bind("warehouse")
                    .bind(format!("W{e:05}{i:08}"))
                    .bind(registration)
                    .bind("8900000000000")
                    .bind(form.clone())
                    .bind(if i % 3 == 0 { ",1210," } else { ",9810," })
                    .bind(name.clone())
                    .bind(name.to_lowercase().replace(' ', ""))
                    .bind(format!("WH{i:06}"))
                    .bind(COUNTRIES[i % COUNTRIES.len()])
                    .bind(format!("{i}mainst{}", city.to_lowercase()))
                    .bind("1")
                    .bind(status)
                    .bind(1_i64)
                    .bind(decl)
                    .bind(created)
                    .bind(created);
            }
            query.execute(&mut *tx).await.expect("seed warehouses");
        }
        tx.commit().await.expect("commit");
    }
}
