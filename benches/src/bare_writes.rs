//! The write baselines of §3: bare sqlx doing in the database what owf's create-draft (暂存) and
//! declare (申报) do there — the same reads with owf's own SQL text, then the same writes — with
//! the same driver (sqlx `Any`) and pools configured as owf configures its own, but without HTTP,
//! sessions cookies, JSON, validation, message building or signing. Two transaction disciplines:
//! (a) [`Discipline::GroupCommit`], owf's, reproduced in [`crate::group_commit`]; (b)
//! [`Discipline::PerRequest`], one transaction per request on the pool.

use std::sync::Arc;
use std::time::Duration;

use owf_backend::clock::{beijing_compact_date, now_ms};
use owf_backend::store::accounts::session_sql;
use owf_backend::store::filings::{normalised_key, parts_sql, registration_sql};
use owf_backend::store::{Dialect, SQLITE_PRAGMAS};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Executor};

use crate::group_commit::GroupCommit;

/// The bare pools: as owf's store sets up its own. On SQLite 8 connections for reads and
/// per-request transactions and 1 for the group-commit writer, WAL, `synchronous = NORMAL`; on
/// PostgreSQL one pool of 16 for everything.
#[derive(Clone)]
pub struct Pools {
    pub read: AnyPool,
    pub write: AnyPool,
    pub dialect: Dialect,
}

impl Pools {
    /// `url` as `Owf::start` takes it: `sqlite:<file>` or `postgres://…`, already migrated.
    pub async fn connect(url: &str) -> Self {
        sqlx::any::install_default_drivers();
        match url.strip_prefix("sqlite:") {
            Some(file) => {
                let url = format!("sqlite://{file}");
                Self {
                    read: sqlite_pool(&url, 8).await,
                    write: sqlite_pool(&url, 1).await,
                    dialect: Dialect::Sqlite,
                }
            }
            None => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .expect("bare PostgreSQL pool");
                Self {
                    read: pool.clone(),
                    write: pool,
                    dialect: Dialect::Postgres,
                }
            }
        }
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

async fn sqlite_pool(url: &str, size: u32) -> AnyPool {
    AnyPoolOptions::new()
        .max_connections(size)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(SQLITE_PRAGMAS).await?;
                Ok(())
            })
        })
        .connect(url)
        .await
        .expect("bare SQLite pool")
}

/// What every baseline request knows: the logged-in user and what owf wrote for a warehouse
/// (its form and its signed message, reused as they are).
pub struct Context {
    /// The session cookie's hash, as owf stores it.
    pub token_hash: String,
    pub card_no: String,
    pub enterprise_id: i64,
    pub registration_id: i64,
    pub form_json: String,
    pub payload: String,
}

/// The writes of one request, run inside the discipline's transaction. Like owf's, a write may
/// run more than once (when another of its batch fails).
pub enum Write {
    /// Create-draft: the 申请编号 sequence upsert, the filing insert, the history insert.
    Create {
        ctx: Arc<Context>,
        name: String,
        now: i64,
    },
    /// Declare: the guarded status change, the history insert, the declaration time, the outbox
    /// insert and the frozen proof documents.
    Declare {
        ctx: Arc<Context>,
        id: i64,
        version: i64,
        now: i64,
    },
}

impl Write {
    /// Runs the statements on `conn`; the filing id.
    pub async fn run(&self, conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
        match self {
            Write::Create { ctx, name, now } => create(conn, ctx, name, *now).await,
            Write::Declare {
                ctx,
                id,
                version,
                now,
            } => declare(conn, ctx, *id, *version, *now).await,
        }
    }
}

async fn create(
    conn: &mut AnyConnection,
    ctx: &Context,
    name: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let sequence = format!("W{}", beijing_compact_date(now));
    let value: i64 = sqlx::query_scalar(
        "INSERT INTO sequences (name, value) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value",
    )
    .bind(&sequence)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO filings (enterprise_id, kind, apply_no, registration_id, operator_card_no, \
         form_json, trade_modes, wh_name, wh_name_key, wh_code, country_code, address_key, \
         ownership, status, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15) \
         RETURNING id",
    )
    .bind(ctx.enterprise_id)
    .bind("warehouse")
    .bind(format!("{sequence}{value:09}"))
    .bind(ctx.registration_id)
    .bind(&ctx.card_no)
    .bind(&ctx.form_json)
    .bind(",9810,")
    .bind(name)
    .bind(normalised_key(name))
    .bind(None::<String>)
    .bind("502")
    .bind(normalised_key(&format!("{name} 1234 E Francis St")))
    .bind("1")
    .bind(1_i64)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    history(conn, ctx, id, now, None, 1, "新增暂存").await?;
    Ok(id)
}

async fn declare(
    conn: &mut AnyConnection,
    ctx: &Context,
    id: i64,
    version: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE filings SET status = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND enterprise_id = $4 AND version = $5",
    )
    .bind(2_i64)
    .bind(now)
    .bind(id)
    .bind(ctx.enterprise_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(sqlx::Error::RowNotFound);
    }
    history(conn, ctx, id, now, Some(1), 2, "申报，报文已进入发送队列").await?;
    sqlx::query(
        "UPDATE filings SET decl_time = $1, operator_card_no = $2, last_return_time = NULL, \
         last_return_info = NULL WHERE id = $3",
    )
    .bind(now)
    .bind(&ctx.card_no)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let outbox_id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (filing_id, guid, message_type, payload, state, next_attempt_at, \
         created_at) VALUES ($1, $2, $3, $4, 'pending', $5, $5) RETURNING id",
    )
    .bind(id)
    .bind(format!("BASELINE-{id}"))
    .bind("OWH201")
    .bind(&ctx.payload)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO outbox_attachments (outbox_id, attachment_id, sha256, size) \
         SELECT $1, id, sha256, size FROM attachments WHERE filing_id = $2",
    )
    .bind(outbox_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

async fn history(
    conn: &mut AnyConnection,
    ctx: &Context,
    id: i64,
    at: i64,
    from: Option<i64>,
    to: i64,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO filing_history (filing_id, at, actor, from_status, to_status, note) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(at)
    .bind(&ctx.card_no)
    .bind(from)
    .bind(to)
    .bind(note)
    .execute(conn)
    .await?;
    Ok(())
}

/// How the writes of a request reach the database.
#[derive(Clone)]
pub enum Discipline {
    /// (a) owf's: through one group-commit writer.
    GroupCommit(GroupCommit),
    /// (b) the naive one: a transaction of its own (a deferred `BEGIN` on SQLite) on a
    /// connection of the pool, the writers of SQLite waiting in its busy handler.
    PerRequest(AnyPool),
}

impl Discipline {
    async fn commit(&self, write: Write) -> i64 {
        match self {
            Discipline::GroupCommit(writer) => writer.write(write).await.expect("group commit"),
            Discipline::PerRequest(pool) => {
                let mut tx = pool.begin().await.expect("begin");
                let id = write.run(&mut tx).await.expect("write");
                tx.commit().await.expect("commit");
                id
            }
        }
    }
}

/// A bare request: reads first, as owf's handler, then the writes through `discipline`.
#[derive(Clone)]
pub struct Baseline {
    pub pools: Pools,
    pub ctx: Arc<Context>,
    pub discipline: Discipline,
}

impl Baseline {
    /// Create-draft: the session read and the R3 registration read, then the writes.
    pub async fn create_draft(&self, name: String) -> i64 {
        self.session().await;
        self.registration().await;
        let write = Write::Create {
            ctx: self.ctx.clone(),
            name,
            now: now_ms(),
        };
        self.discipline.commit(write).await
    }

    /// Declare: the session read, then the filing with its timeline, documents and delivery
    /// state beside the registration read (at the same time, as owf), then the writes.
    pub async fn declare(&self, id: i64, version: i64) {
        self.session().await;
        let parts = parts_sql(self.pools.dialect);
        let filing = sqlx::query(&parts)
            .bind(id)
            .bind(self.ctx.enterprise_id)
            .bind("warehouse")
            .fetch_one(&self.pools.read);
        let (filing, _) = tokio::join!(filing, self.registration());
        filing.expect("read filing");
        let write = Write::Declare {
            ctx: self.ctx.clone(),
            id,
            version,
            now: now_ms(),
        };
        self.discipline.commit(write).await;
    }

    async fn session(&self) {
        sqlx::query(&session_sql())
            .bind(&self.ctx.token_hash)
            .bind(now_ms())
            .fetch_one(&self.pools.read)
            .await
            .expect("read session");
    }

    async fn registration(&self) {
        sqlx::query(&registration_sql())
            .bind(self.ctx.enterprise_id)
            .fetch_one(&self.pools.read)
            .await
            .expect("read registration");
    }
}
