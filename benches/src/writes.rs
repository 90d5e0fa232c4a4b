//! Writes: create-draft (暂存) and declare (申报) over HTTP against `owf serve`, and the same
//! statements in the same transactions by bare sqlx on the same SQLite file, at the same
//! concurrency.

use std::path::Path;
use std::sync::Arc;

use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::{now_ms, Store};
use serde_json::json;
use sqlx::Row;

use crate::seed;
use crate::server::{Api, Memory, Owf, Scratch};
use crate::stats::{self, Load};

pub struct Writes {
    pub requests: usize,
    pub concurrency: usize,
    pub create: Load,
    pub declare: Load,
    pub base_create: Load,
    pub base_declare: Load,
    /// `GET /config.json` (a static file: no session, no database) at the same concurrency:
    /// what HTTP alone costs on this machine.
    pub http_floor: Load,
    /// After start and login, before any load.
    pub idle: Memory,
    /// After the load.
    pub after: Memory,
}

/// owf and the baseline take turns, round by round, so that the drift of this machine (single
/// runs of 2,000 differed by ±20 %) weighs on both alike.
const ROUNDS: usize = 5;

pub async fn run(bin: &Path, dist: &Path, requests: usize, concurrency: usize) -> Writes {
    let scratch = Scratch::new("owf-bench-writes");
    let url = scratch.sqlite_url();
    let server = Owf::start(bin, &url, dist, &["--no-relay"]).await;
    let api = server
        .login(owf_e2e::ZONE_CARD, owf_e2e::ZONE_PASSWORD)
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let idle = server.memory();
    let store = Store::connect(&url)
        .await
        .expect("bench store")
        .with_key_encryption(KeyEncryptionKey::demo());
    let enterprise = seed::zone_enterprise(&store).await;
    let (registration, _) = seed::registration(&api).await;
    seed::approve(&store, registration).await;

    let client = api.clone();
    let http_floor = stats::run(requests, concurrency, move |_| {
        let api = client.clone();
        async move {
            assert_eq!(api.get("/config.json").await.0, 200, "config.json");
        }
    })
    .await;
    let per_round = requests.div_ceil(ROUNDS);
    let (mut create, mut declare, mut base_create, mut base_declare) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let before = seed::max_filing_id(&store).await;
        let prefix = format!("Bench {round}");
        create.push(create_drafts(&api, &prefix, per_round, concurrency).await);
        declare.push(declare_drafts(&api, &store, enterprise.id, before, concurrency).await);
        let sample = Arc::new(Sample::read(&store, enterprise.id).await);
        let (load, ids) = baseline_create(&store, &sample, round, per_round, concurrency).await;
        base_create.push(load);
        base_declare.push(baseline_declare(&store, &sample, ids, concurrency).await);
    }
    let after = server.memory();
    Writes {
        requests: per_round * ROUNDS,
        concurrency,
        create: Load::merged(create),
        declare: Load::merged(declare),
        base_create: Load::merged(base_create),
        base_declare: Load::merged(base_declare),
        http_floor,
        idle,
        after,
    }
}

/// What one baseline write stores, copied from what owf stored.
struct Sample {
    enterprise_id: i64,
    registration_id: i64,
    form_json: String,
    payload: String,
}

/// Creates `n` warehouse drafts named `<prefix> <i>` over HTTP; the measured create-draft load.
pub async fn create_drafts(api: &Api, prefix: &str, n: usize, concurrency: usize) -> Load {
    let client = api.clone();
    let prefix = prefix.to_owned();
    stats::run(n, concurrency, move |i| {
        let (api, name) = (client.clone(), format!("{prefix} {i}"));
        async move {
            let (status, body) = api.post("/api/warehouses", &seed::warehouse(&name)).await;
            assert_eq!(status, 201, "create-draft: {body}");
        }
    })
    .await
}

/// Attaches the proof document to every draft made after filing id `before` (seeding, not
/// measured) and declares them over HTTP; the measured declare load.
pub async fn declare_drafts(
    api: &Api,
    store: &Store,
    enterprise_id: i64,
    before: i64,
    concurrency: usize,
) -> Load {
    let ids: Vec<i64> = seed::drafts_after(store, before)
        .await
        .iter()
        .map(|d| d.0)
        .collect();
    seed::attach_all(store, enterprise_id, &ids).await;
    // Attaching raised each draft's version: declared at the new one.
    let drafts = Arc::new(seed::drafts_after(store, before).await);
    let client = api.clone();
    stats::run(drafts.len(), concurrency, move |i| {
        let (api, (id, version)) = (client.clone(), drafts[i]);
        async move {
            let (status, body) = api
                .post(
                    &format!("/api/warehouses/{id}/declare"),
                    &json!({ "version": version }),
                )
                .await;
            assert_eq!(status, 200, "declare: {body}");
        }
    })
    .await
}

impl Sample {
    /// A declared warehouse filing of owf's: its form and its message.
    async fn read(store: &Store, enterprise_id: i64) -> Self {
        let row = sqlx::query(
            "SELECT f.registration_id, f.form_json, o.payload FROM filings f \
             JOIN outbox o ON o.filing_id = f.id WHERE f.kind = 'warehouse' LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .expect("a declared filing");
        Self {
            enterprise_id,
            registration_id: row.get("registration_id"),
            form_json: row.get("form_json"),
            payload: row.get("payload"),
        }
    }
}

/// The baseline of create-draft: bare sqlx on the same file (same pool settings as owf's store)
/// doing the sequence upsert, the filings insert and the history insert in one transaction per
/// draft. Returns the load and the drafts' ids.
async fn baseline_create(
    store: &Store,
    sample: &Arc<Sample>,
    round: usize,
    n: usize,
    concurrency: usize,
) -> (Load, Vec<i64>) {
    let ids = Arc::new(std::sync::Mutex::new(Vec::with_capacity(n)));
    let (s, pool, out) = (sample.clone(), store.clone(), ids.clone());
    let load = stats::run(n, concurrency, move |i| {
        let (s, store, out) = (s.clone(), pool.clone(), out.clone());
        async move {
            let now = now_ms();
            let mut tx = store.pool().begin().await.expect("begin");
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO sequences (name, value) VALUES ($1, 1) \
                 ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value",
            )
            .bind("B20260101")
            .fetch_one(&mut *tx)
            .await
            .expect("sequence");
            let name = format!("Baseline {round} {i}");
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO filings (enterprise_id, kind, apply_no, registration_id, operator_card_no, \
                 form_json, trade_modes, wh_name, wh_name_key, wh_code, country_code, address_key, \
                 ownership, status, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15) RETURNING id",
            )
            .bind(s.enterprise_id)
            .bind("warehouse")
            .bind(format!("B20260101{seq:09}"))
            .bind(s.registration_id)
            .bind(owf_e2e::ZONE_CARD)
            .bind(s.form_json.as_str())
            .bind(",9810,")
            .bind(name.as_str())
            .bind(name.to_lowercase())
            .bind(None::<String>)
            .bind("502")
            .bind(format!("{name}1234efrancisst").to_lowercase())
            .bind("1")
            .bind(1_i64)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .expect("insert filing");
            history(&mut tx, id, now, None, 1, "新增暂存").await;
            tx.commit().await.expect("commit");
            out.lock().unwrap().push(id);
        }
    })
    .await;
    let ids = std::mem::take(&mut *ids.lock().unwrap());
    (load, ids)
}

/// The baseline of declare: the conditional transition, the history insert, the declaration
/// time and the outbox insert in one transaction per draft.
async fn baseline_declare(
    store: &Store,
    sample: &Arc<Sample>,
    ids: Vec<i64>,
    concurrency: usize,
) -> Load {
    let ids = Arc::new(ids);
    let (s, pool) = (sample.clone(), store.clone());
    stats::run(ids.len(), concurrency, move |i| {
        let (s, store, id) = (s.clone(), pool.clone(), ids[i]);
        async move {
            let now = now_ms();
            let mut tx = store.pool().begin().await.expect("begin");
            let done = sqlx::query(
                "UPDATE filings SET status = $1, version = version + 1, updated_at = $2 \
                 WHERE id = $3 AND enterprise_id = $4 AND version = $5",
            )
            .bind(2_i64)
            .bind(now)
            .bind(id)
            .bind(s.enterprise_id)
            .bind(1_i64)
            .execute(&mut *tx)
            .await
            .expect("transition");
            assert_eq!(done.rows_affected(), 1);
            history(&mut tx, id, now, Some(1), 2, "申报，报文已进入发送队列").await;
            sqlx::query(
                "UPDATE filings SET decl_time = $1, operator_card_no = $2, last_return_time = NULL, \
                 last_return_info = NULL WHERE id = $3",
            )
            .bind(now)
            .bind(owf_e2e::ZONE_CARD)
            .bind(id)
            .execute(&mut *tx)
            .await
            .expect("declaration time");
            sqlx::query(
                "INSERT INTO outbox (filing_id, guid, message_type, payload, state, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, 'pending', $5, $5)",
            )
            .bind(id)
            .bind(format!("BASELINE-{id}"))
            .bind("OWH201")
            .bind(s.payload.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await
            .expect("outbox");
            tx.commit().await.expect("commit");
        }
    })
    .await
}

async fn history(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    at: i64,
    from: Option<i64>,
    to: i64,
    note: &str,
) {
    sqlx::query(
        "INSERT INTO filing_history (filing_id, at, actor, from_status, to_status, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(at)
    .bind(owf_e2e::ZONE_CARD)
    .bind(from)
    .bind(to)
    .bind(note)
    .execute(&mut **tx)
    .await
    .expect("history");
}
