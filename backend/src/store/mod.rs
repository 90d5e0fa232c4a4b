//! Persistence: sqlx `Any` pools over SQLite (default) or PostgreSQL, migrated on connect — the
//! writer's, on which every write runs ([`writer`]), and a read pool that cannot write. Queries
//! are portable (`$N` placeholders, integers for booleans and timestamps); where the
//! dialects differ, the difference lives in this module.

pub mod accounts;
pub mod amendments;
pub mod attachments;
pub mod booking_declarations;
pub mod booking_orders;
pub mod filings;
pub mod history;
pub mod key_encryption;
pub mod outbox;
pub mod readiness;
mod writer;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::Notify;

use crate::telemetry::{self, Telemetry};
use filings::{bind_all, ListArg};
use key_encryption::{KeyEncryptionError, KeyEncryptionKey};
use readiness::Readiness;
pub use writer::WriterCounts;
use writer::{WriteFuture, Writer};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database the pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("不支持的数据库地址（只支持 sqlite: 与 postgres://）：{0}")]
    UnsupportedUrl(String),
    #[error("无法创建数据目录 {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("重复的记录：{0:?}")]
    Duplicate(filings::Duplicate),
    #[error("本企业已有订仓单编号为 {0} 的订仓单，订仓单编号不能重复")]
    OrderNoTaken(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("记录在加锁后仍被并发修改")]
    ConcurrentChange,
    #[error("写入数据库失败：{0}")]
    Commit(String),
    #[error("写入未完成（数据库写入中断），请重试")]
    WriteAborted,
    #[error(transparent)]
    KeyEncryption(#[from] KeyEncryptionError),
    #[error(
        "未配置签名密钥的加密密钥（{}），不能生成或使用企业签名密钥",
        key_encryption::ENV_VAR
    )]
    NoKeyEncryptionKey,
}

/// The read pool, the writer and the dialect.
#[derive(Clone)]
pub struct Store {
    /// The read pool: its connections cannot write.
    pool: AnyPool,
    /// The one writer: every write goes through it ([`writer`]).
    writer: Writer,
    dialect: Dialect,
    /// Signalled after a declaration wrote an outbox message, so a relay in this process sends
    /// it at once instead of at its next poll.
    outbox_written: Arc<Notify>,
    /// The PostgreSQL database's URL, for a connection listening to the declarations of every
    /// server ([`Store::listen_for_outbox`]); `None` on SQLite.
    listen_url: Option<Arc<str>>,
    /// The last readiness check, shared by the callers of `/healthz`.
    readiness: Arc<Readiness>,
    /// Encrypts the signing keys at rest; `None` in a store that never touches them (the
    /// customs sandbox, which reads public keys only).
    key_encryption: Option<KeyEncryptionKey>,
    /// The server's figures: the writer records its batches here, the HTTP layer its requests.
    telemetry: Telemetry,
}

impl Store {
    /// Connects to `url` (`sqlite:path/to/file.db` or `postgres://…`), creating a SQLite file
    /// and its folder when missing, and runs the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (dialect, url) = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            let file = path.split('?').next().unwrap_or_default();
            if let Some(dir) = Path::new(file)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
            let url = if path.contains("mode=") {
                format!("sqlite://{path}")
            } else {
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("sqlite://{path}{sep}mode=rwc")
            };
            (Dialect::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_owned())
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let options: AnyConnectOptions = url.parse()?;
        // Two pools: the writer's, on which every write runs (migrations included), and the read
        // pool, whose connections cannot write. One writer at a time is what SQLite allows; WAL
        // lets readers run beside it, and writers queue for the one write connection instead of
        // sleeping in SQLite's busy handler. PostgreSQL takes concurrent writers: the relay's
        // and the sandbox's transactions run beside the queue ([`Store::write_alone`]).
        let (write_connections, read_connections) = match dialect {
            Dialect::Sqlite => (1, 8),
            Dialect::Postgres => (8, 16),
        };
        let writes = pool(&options, dialect, write_connections, false).await?;
        match dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS.run(&writes).await?,
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&writes).await?,
        }
        let reads = pool(&options, dialect, read_connections, true).await?;
        let telemetry = Telemetry::new();
        let batch_sizes = telemetry.record(|| metrics::histogram!(telemetry::WRITE_BATCH));
        Ok(Self {
            writer: Writer::start(writes, dialect, batch_sizes),
            telemetry,
            listen_url: (dialect == Dialect::Postgres).then(|| url.as_str().into()),
            pool: reads,
            dialect,
            outbox_written: Arc::new(Notify::new()),
            readiness: Arc::default(),
            key_encryption: None,
        })
    }

    /// This store with the key that encrypts the enterprises' signing keys at rest, needed to
    /// store and read them.
    pub fn with_key_encryption(self, key: KeyEncryptionKey) -> Self {
        Self {
            key_encryption: Some(key),
            ..self
        }
    }

    /// The read pool: its connections cannot write (SQLite's `query_only`, PostgreSQL's
    /// read-only transactions); owf writes through [`Store::write`] and [`Store::write_alone`].
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The writer's pool, for writes that are no part of owf: tests and benchmarks setting up a
    /// database state directly.
    pub fn write_pool(&self) -> &AnyPool {
        self.writer.pool()
    }

    /// Runs `work` as one write of the group-commit queue ([`writer`]) and returns its result
    /// once committed. `work` may run more than once; only its last run counts.
    pub(crate) async fn write<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: for<'c> Fn(&'c mut AnyConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        self.writer.write(work).await
    }

    /// Runs `work` in one transaction, beside the queue where the database allows it
    /// ([`writer::Writer::write_alone`]): the writes of the relay, the customs sandbox, logins and
    /// sessions.
    pub(crate) async fn write_alone<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: for<'c> Fn(&'c mut AnyConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        self.writer.write_alone(work).await
    }

    /// Runs one statement with `args` through [`Store::write_alone`]; how many rows it changed.
    async fn execute_alone(
        &self,
        sql: &'static str,
        args: Vec<ListArg>,
    ) -> Result<u64, StoreError> {
        let args = Arc::new(args);
        self.write_alone(move |conn| {
            let args = args.clone();
            Box::pin(async move {
                let done = bind_all(sqlx::query(sql), &args).execute(conn).await?;
                Ok(done.rows_affected())
            })
        })
        .await
    }

    /// The writer's failures and reconnections since the process started.
    pub fn writer_counts(&self) -> WriterCounts {
        self.writer.counts()
    }

    /// The server's figures ([`crate::telemetry`]).
    pub fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Waits until a declaration writes an outbox message (or returns at once if one was
    /// written since the last wait).
    pub async fn outbox_written(&self) {
        self.outbox_written.notified().await;
    }

    /// Wakes the relay waiting in [`Store::outbox_written`].
    fn signal_outbox_written(&self) {
        self.outbox_written.notify_one();
    }

    fn listen_url(&self) -> Option<&str> {
        self.listen_url.as_deref()
    }
}

/// The settings of every SQLite connection: WAL (readers beside the one writer), a busy wait,
/// foreign keys, and `synchronous = NORMAL` (durable at checkpoints, safe in WAL mode).
pub const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// A pool of `size` connections to the database of `options`. SQLite connections get
/// [`SQLITE_PRAGMAS`], one stays open, and a connection is waited for longer (the one writer's
/// turn). With `read_only`, the connections cannot write: SQLite's `query_only`, PostgreSQL's
/// read-only transactions.
async fn pool(
    options: &AnyConnectOptions,
    dialect: Dialect,
    size: u32,
    read_only: bool,
) -> Result<AnyPool, sqlx::Error> {
    let (min, wait, settings, read_only_setting) = match dialect {
        Dialect::Sqlite => (1, 30, Some(SQLITE_PRAGMAS), "PRAGMA query_only = ON"),
        Dialect::Postgres => (0, 10, None, "SET default_transaction_read_only = on"),
    };
    let read_only = read_only.then_some(read_only_setting);
    AnyPoolOptions::new()
        .max_connections(size)
        .min_connections(min)
        .acquire_timeout(Duration::from_secs(wait))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                for setting in [settings, read_only].into_iter().flatten() {
                    conn.execute(setting).await?;
                }
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await
}
