//! Writes: create-draft (暂存) and declare (申报) over HTTP against `owf serve`, beside two
//! baselines doing the same database work in-process with bare sqlx ([`crate::bare_writes`]):
//! (a) through a group commit like owf's, (b) one transaction per request. On one database per
//! call: SQLite or PostgreSQL.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use owf_backend::auth::session::token_hash;
use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::Store;
use owf_shared::fixtures;
use serde_json::json;
use sqlx::Row;

use crate::bare_writes::{Baseline, Context, Discipline, Pools};
use crate::group_commit::GroupCommit;
use crate::seed;
use crate::server::{Api, Memory, Owf};
use crate::stats::{self, Load};

/// The three programs of §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Owf,
    /// (a) bare sqlx through a group commit like owf's.
    GroupCommit,
    /// (b) bare sqlx, one transaction per request.
    PerRequest,
}

const SIDES: [Side; 3] = [Side::Owf, Side::GroupCommit, Side::PerRequest];

/// One measure of each side.
#[derive(Debug, Clone, Default)]
pub struct Sides {
    pub owf: Load,
    pub group_commit: Load,
    pub per_request: Load,
}

impl Sides {
    fn from_rounds(rounds: &[(Side, Load)]) -> Self {
        let take = |side: Side| {
            let mine = rounds.iter().filter(|(s, _)| *s == side);
            Load::merged(mine.map(|(_, load)| load.clone()).collect())
        };
        Self {
            owf: take(Side::Owf),
            group_commit: take(Side::GroupCommit),
            per_request: take(Side::PerRequest),
        }
    }
}

pub struct Writes {
    /// "SQLite" or "PostgreSQL".
    pub database: &'static str,
    pub requests: usize,
    pub concurrency: usize,
    pub create: Sides,
    pub declare: Sides,
    /// `GET /config.json` (a static file: no session, no database) at the same concurrency:
    /// what HTTP alone costs on this machine.
    pub http_floor: Load,
    /// After start and login, before any load.
    pub idle: Memory,
    /// After the load.
    pub after: Memory,
    /// The whole section on this database, setup included.
    pub took: Duration,
}

/// The sides take turns, round by round and each round starting with the next side, so that the
/// drift of this machine (single runs of 2,000 differed by ±20 %) and the growth of the tables
/// weigh on all alike.
const ROUNDS: usize = 5;

/// Measures §3 on the database at `url` (fresh), served by `owf serve` from `bin`.
pub async fn run(
    bin: &Path,
    dist: &Path,
    url: &str,
    database: &'static str,
    requests: usize,
    concurrency: usize,
) -> Writes {
    let started = Instant::now();
    let server = Owf::start(bin, url, dist, &["--no-relay"]).await;
    let api = server
        .login(fixtures::ZONE.card_no, fixtures::ZONE.password)
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.memory();
    let store = Store::connect(url)
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
    // Not measured: one declared warehouse of owf's gives the baselines its form and message.
    let before = seed::max_filing_id(&store).await;
    create_drafts(&api, "Sample", 1, 1).await;
    declare_drafts(&api, &store, enterprise.id, before, 1).await;
    let pools = Pools::connect(url).await;
    let ctx = Arc::new(Context::read(&store, &api, enterprise.id).await);
    let group_commit = Baseline {
        pools: pools.clone(),
        ctx: ctx.clone(),
        discipline: Discipline::GroupCommit(GroupCommit::start(pools.write.clone(), pools.dialect)),
    };
    let per_request = Baseline {
        pools: pools.clone(),
        ctx,
        discipline: Discipline::PerRequest(pools.read.clone()),
    };

    let per_round = requests.div_ceil(ROUNDS);
    let (mut create, mut declare) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        for turn in 0..SIDES.len() {
            let side = SIDES[(round + turn) % SIDES.len()];
            let before = seed::max_filing_id(&store).await;
            let prefix = format!("{side:?} {round}");
            crate::step(&format!("writes ({database}): round {round}, {side:?}"));
            let (created, declared) = match side {
                Side::Owf => (
                    create_drafts(&api, &prefix, per_round, concurrency).await,
                    declare_drafts(&api, &store, enterprise.id, before, concurrency).await,
                ),
                Side::GroupCommit | Side::PerRequest => {
                    let baseline = if side == Side::GroupCommit {
                        &group_commit
                    } else {
                        &per_request
                    };
                    baseline_round(baseline, &store, &prefix, before, per_round, concurrency).await
                }
            };
            create.push((side, created));
            declare.push((side, declared));
        }
    }
    let after = server.memory();
    pools.close().await;
    Writes {
        database,
        requests: per_round * ROUNDS,
        concurrency,
        create: Sides::from_rounds(&create),
        declare: Sides::from_rounds(&declare),
        http_floor,
        idle,
        after,
        took: started.elapsed(),
    }
}

/// One round of a baseline: `n` drafts named `<prefix> <i>` (measured), their proof documents
/// (not measured, as for owf), then their declarations (measured).
async fn baseline_round(
    baseline: &Baseline,
    store: &Store,
    prefix: &str,
    before: i64,
    n: usize,
    concurrency: usize,
) -> (Load, Load) {
    let (b, prefix) = (baseline.clone(), prefix.to_owned());
    let created = stats::run(n, concurrency, move |i| {
        let (b, name) = (b.clone(), format!("{prefix} {i}"));
        async move {
            b.create_draft(name).await;
        }
    })
    .await;
    let drafts = attached_drafts(store, baseline.ctx.enterprise_id, before).await;
    let b = baseline.clone();
    let declared = stats::run(drafts.len(), concurrency, move |i| {
        let (b, (id, version)) = (b.clone(), drafts[i]);
        async move { b.declare(id, version).await }
    })
    .await;
    (created, declared)
}

/// Attaches the proof document to every draft made after filing id `before`; `(id, version)` of
/// each, the version as attaching left it.
async fn attached_drafts(store: &Store, enterprise_id: i64, before: i64) -> Arc<Vec<(i64, i64)>> {
    let ids: Vec<i64> = seed::drafts_after(store, before)
        .await
        .iter()
        .map(|d| d.0)
        .collect();
    seed::attach_all(store, enterprise_id, &ids).await;
    Arc::new(seed::drafts_after(store, before).await)
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
    // Attaching raises each draft's version: declared at the new one.
    let drafts = attached_drafts(store, enterprise_id, before).await;
    let client = api.clone();
    stats::run(drafts.len(), concurrency, move |i| {
        let (api, (id, version)) = (client.clone(), drafts[i]);
        async move { declare(&api, id, version).await }
    })
    .await
}

/// 申报 of warehouse `id` at `version` over HTTP; it must succeed.
pub async fn declare(api: &Api, id: i64, version: i64) {
    let (status, body) = api
        .post(
            &format!("/api/warehouses/{id}/declare"),
            &json!({ "version": version }),
        )
        .await;
    assert_eq!(status, 200, "declare: {body}");
}

impl Context {
    /// The logged-in session of `api` and a declared warehouse of owf's: its form and message.
    async fn read(store: &Store, api: &Api, enterprise_id: i64) -> Self {
        let row = sqlx::query(
            "SELECT f.registration_id, f.form_json, o.payload FROM filings f \
             JOIN outbox o ON o.filing_id = f.id WHERE f.kind = 'warehouse' LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .expect("a declared filing");
        Self {
            token_hash: token_hash(&api.token),
            card_no: fixtures::ZONE.card_no.to_owned(),
            enterprise_id,
            registration_id: row.get("registration_id"),
            form_json: row.get("form_json"),
            payload: row.get("payload"),
        }
    }
}
