//! Setup that is not measured: the approved 企业登记 that warehouses need (rule R3), proof
//! documents, and bulk filings written directly with SQL.

use owf_backend::clock::now_ms;
use owf_backend::customs::keys::SigningKeys;
use owf_backend::store::attachments::NewAttachment;
use owf_backend::store::{Dialect, Store};
use owf_shared::enterprise::EnterpriseInfo;
use owf_shared::fixtures;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{Executor, Row};

use crate::server::Api;

/// The zone demo enterprise (the one the benchmarks log in as).
pub async fn zone_enterprise(store: &Store) -> EnterpriseInfo {
    store
        .enterprise_by_customs_code(fixtures::ZONE.customs_code)
        .await
        .expect("read enterprise")
        .expect("demo enterprise")
}

/// Creates the zone enterprise's 企业登记 over HTTP; returns its id and version.
pub async fn registration(api: &Api) -> (i64, i64) {
    let (status, created) = api
        .post(
            "/api/registrations",
            &json!({ "form": fixtures::ZONE.registration() }),
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
        .execute(store.write_pool())
        .await
        .expect("approve");
}

/// The body of a warehouse draft named `name` (an owned warehouse: proof document type 01).
pub fn warehouse(name: &str) -> serde_json::Value {
    json!({ "form": fixtures::owned_warehouse(name) })
}

/// Stores the 01 proof document of each warehouse draft in `ids`, many at a time so that the
/// writer commits them in batches.
pub async fn attach_all(store: &Store, enterprise_id: i64, ids: &[i64]) {
    let document = NewAttachment {
        doc_type: "01".into(),
        file_name: "deed.pdf".into(),
        content_type: "application/pdf".into(),
        sha256: hex::encode(Sha256::digest(fixtures::PDF)),
        content: fixtures::PDF.into(),
    };
    for chunk in ids.chunks(64) {
        let mut attaching = tokio::task::JoinSet::new();
        for &id in chunk {
            let (store, document) = (store.clone(), document.clone());
            attaching.spawn(async move {
                store
                    .add_attachment(enterprise_id, id, document)
                    .await
                    .expect("store attachment")
                    .expect("attachment accepted");
            });
        }
        attaching.join_all().await;
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
        SigningKeys::new(store.clone())
            .add_enterprise(&fixtures::numbered_enterprise(n))
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
/// The operator of every seeded filing.
const OPERATOR: &str = "8900000000000";

/// One seeded warehouse filing: the columns that vary (kind `warehouse`, operator
/// [`OPERATOR`], ownership `1` and version 1 are the same for all, updated = created).
struct Warehouse {
    enterprise_id: i64,
    apply_no: String,
    registration_id: i64,
    trade_modes: &'static str,
    wh_name: String,
    wh_name_key: String,
    wh_code: String,
    country_code: &'static str,
    address_key: String,
    status: i64,
    decl_time: Option<i64>,
    created_at: i64,
}

impl Warehouse {
    /// The `i`-th warehouse of the `e`-th enterprise: every status, created and declared over
    /// the past year, six cities and countries.
    fn new(e: usize, enterprise_id: i64, registration_id: i64, i: usize, now: i64) -> Self {
        let city = CITIES[i % CITIES.len()];
        let wh_name = format!("{city} Hub {i:04}");
        let status = STATUSES[(i * 7 + e) % STATUSES.len()];
        let created_at = now - (i as i64 * 8_760_000 * 36) % (365 * DAY_MS) - e as i64;
        Self {
            enterprise_id,
            apply_no: format!("W{e:05}{i:08}"),
            registration_id,
            trade_modes: if i.is_multiple_of(3) {
                ",1210,"
            } else {
                ",9810,"
            },
            wh_name_key: wh_name.to_lowercase().replace(' ', ""),
            wh_name,
            wh_code: format!("WH{i:06}"),
            country_code: COUNTRIES[i % COUNTRIES.len()],
            address_key: format!("{i}mainst{}", city.to_lowercase()),
            status,
            decl_time: (status != 1).then_some(created_at + 3_600_000),
            created_at,
        }
    }

    /// The row in PostgreSQL's COPY text format, in [`COLUMNS`] order.
    fn copy_line(&self, form_json: &str, out: &mut String) {
        let decl = self
            .decl_time
            .map_or_else(|| "\\N".to_owned(), |d| d.to_string());
        let fields = [
            self.enterprise_id.to_string(),
            "warehouse".to_owned(),
            copy_text(&self.apply_no),
            self.registration_id.to_string(),
            OPERATOR.to_owned(),
            copy_text(form_json),
            self.trade_modes.to_owned(),
            copy_text(&self.wh_name),
            copy_text(&self.wh_name_key),
            copy_text(&self.wh_code),
            self.country_code.to_owned(),
            copy_text(&self.address_key),
            "1".to_owned(),
            self.status.to_string(),
            "1".to_owned(),
            decl,
            self.created_at.to_string(),
            self.created_at.to_string(),
        ];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
}

/// The columns of a seeded warehouse, in the order of [`Warehouse::copy_line`] and of the
/// SQLite statement's values.
const COLUMNS: &str = "enterprise_id, kind, apply_no, registration_id, operator_card_no, \
     form_json, trade_modes, wh_name, wh_name_key, wh_code, country_code, address_key, ownership, \
     status, version, decl_time, created_at, updated_at";

/// `text` escaped for COPY's text format.
fn copy_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// `per_enterprise` filings for each enterprise: one approved 企业登记, the rest warehouses
/// ([`Warehouse::new`]). Bulk writes in one transaction that drops the secondary indexes of
/// `filings` and builds them again afterwards from their own definitions (read from the
/// catalog), which is several times faster than keeping eight indexes up to date row by row: on
/// SQLite one prepared statement, on PostgreSQL one `COPY`.
pub async fn filings(store: &Store, url: &str, enterprise_ids: &[i64], per_enterprise: usize) {
    let now = now_ms();
    let form = serde_json::to_string(&fixtures::owned_warehouse("Ontario Hub 0001")).unwrap();
    let registrations = registrations(store, enterprise_ids, now).await;
    let warehouses = enterprise_ids
        .iter()
        .zip(&registrations)
        .enumerate()
        .flat_map(|(e, (&enterprise_id, &registration))| {
            (1..per_enterprise).map(move |i| Warehouse::new(e, enterprise_id, registration, i, now))
        });
    match store.dialect() {
        Dialect::Sqlite => sqlite_warehouses(url, &form, warehouses).await,
        Dialect::Postgres => postgres_warehouses(url, &form, warehouses).await,
    }
}

/// One approved 企业登记 per enterprise, in one transaction; their ids.
async fn registrations(store: &Store, enterprise_ids: &[i64], now: i64) -> Vec<i64> {
    let mut tx = store.write_pool().begin().await.expect("begin");
    let mut ids = Vec::with_capacity(enterprise_ids.len());
    for (e, &enterprise_id) in enterprise_ids.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO filings (enterprise_id, kind, apply_no, operator_card_no, form_json, \
             trade_modes, status, version, decl_time, created_at, updated_at) \
             VALUES ($1, 'registration', $2, $3, '{}', ',9810,1210,', 399, 3, $4, $4, $4) \
             RETURNING id",
        )
        .bind(enterprise_id)
        .bind(format!("E{e:05}"))
        .bind(OPERATOR)
        .bind(now - 400 * DAY_MS)
        .fetch_one(&mut *tx)
        .await
        .expect("seed registration");
        ids.push(id);
    }
    tx.commit().await.expect("commit");
    ids
}

async fn sqlite_warehouses(url: &str, form: &str, rows: impl Iterator<Item = Warehouse>) {
    use sqlx::Connection;
    let file = url.strip_prefix("sqlite:").expect("a sqlite: url");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{file}"))
        .await
        .expect("connect to SQLite");
    // The whole table and its indexes in memory while they are built (512 MiB).
    sqlx::query("PRAGMA cache_size = -524288")
        .execute(&mut conn)
        .await
        .expect("cache size");
    let mut tx = conn.begin().await.expect("begin");
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'index' AND tbl_name = 'filings' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("read indexes");
    drop_indexes(&mut *tx, &indexes).await;
    // One prepared statement (sqlx keeps it per connection), one row per execution: multi-row
    // statements of 500 rows took three times as long here through sqlx.
    let sql = sqlite_insert();
    for w in rows {
        sqlx::query(&sql)
            .bind(w.enterprise_id)
            .bind(&w.apply_no)
            .bind(w.registration_id)
            .bind(form)
            .bind(w.trade_modes)
            .bind(&w.wh_name)
            .bind(&w.wh_name_key)
            .bind(&w.wh_code)
            .bind(w.country_code)
            .bind(&w.address_key)
            .bind(w.status)
            .bind(w.decl_time)
            .bind(w.created_at)
            .execute(&mut *tx)
            .await
            .expect("seed warehouse");
    }
    create_indexes(&mut *tx, &indexes).await;
    tx.commit().await.expect("commit");
}

/// Drops the indexes `(name, definition)`.
async fn drop_indexes<C>(conn: &mut C, indexes: &[(String, String)])
where
    for<'e> &'e mut C: Executor<'e>,
{
    for (name, _) in indexes {
        conn.execute(format!("DROP INDEX {name}").as_str())
            .await
            .expect("drop index");
    }
}

/// Creates the indexes `(name, definition)` again.
async fn create_indexes<C>(conn: &mut C, indexes: &[(String, String)])
where
    for<'e> &'e mut C: Executor<'e>,
{
    for (_, definition) in indexes {
        conn.execute(definition.as_str())
            .await
            .expect("create index");
    }
}

/// `INSERT INTO filings … VALUES (…)` of one warehouse.
fn sqlite_insert() -> String {
    format!(
        "INSERT INTO filings ({COLUMNS}) VALUES ($1, 'warehouse', $2, $3, '{OPERATOR}', $4, $5, \
         $6, $7, $8, $9, $10, '1', $11, 1, $12, $13, $13)"
    )
}

/// Bytes of COPY data per message to the server.
const COPY_CHUNK: usize = 1 << 20;

async fn postgres_warehouses(url: &str, form: &str, rows: impl Iterator<Item = Warehouse>) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("connect to PostgreSQL");
    let mut tx = conn.begin().await.expect("begin");
    sqlx::query("SET LOCAL maintenance_work_mem = '256MB'")
        .execute(&mut *tx)
        .await
        .expect("maintenance_work_mem");
    // Not the indexes of constraints (primary key, UNIQUE apply_no): those stay.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = 'filings' \
         AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    )
    .fetch_all(&mut *tx)
    .await
    .expect("read indexes");
    drop_indexes(&mut *tx, &indexes).await;
    let mut copy = tx
        .copy_in_raw(&format!("COPY filings ({COLUMNS}) FROM STDIN"))
        .await
        .expect("COPY");
    let mut data = String::with_capacity(COPY_CHUNK + 4096);
    for w in rows {
        w.copy_line(form, &mut data);
        if data.len() >= COPY_CHUNK {
            copy.send(data.as_bytes()).await.expect("COPY data");
            data.clear();
        }
    }
    copy.send(data.as_bytes()).await.expect("COPY data");
    copy.finish().await.expect("COPY finish");
    create_indexes(&mut *tx, &indexes).await;
    tx.commit().await.expect("commit");
}
