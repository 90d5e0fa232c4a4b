//! Group commit for the filing writes — of requests (暂存, 修改, 申报) and of the relay (delivery
//! outcomes, receipts). SQLite lets one writer in at a time: rather than every write opening its
//! own transaction and sleeping in SQLite's busy handler until the lock is free, writes queue here
//! and one task runs everything waiting in a single transaction. A caller hears its result after
//! the commit that made it durable. When one write fails (a duplicate, a database error), the
//! batch is rolled back, that write answered with its error, and the others run again in a new
//! transaction: a write is a function of the connection that may run more than once, and only
//! its last run counts. PostgreSQL goes through the same queue: one code path, and batching saves
//! it commits too.
//!
//! Every write of owf goes through here, by one of two doors. [`Writer::write`] is the queue.
//! [`Writer::write_alone`] is for writers that run side by side with the requests' — the relay,
//! the customs sandbox, logins and sessions: on SQLite it is the queue too (one writer at a
//! time), on PostgreSQL, which takes concurrent writers (row locks order them), a transaction of
//! its own on the writer's pool, beside the queue; one queue would serialise the relay's
//! statements behind the sandbox's and the requests' (measured: 119 against 249 filings/s of a
//! bare loop).
//!
//! When the transaction itself fails — BEGIN, COMMIT or ROLLBACK, as on a full disk or a dropped
//! connection — the connection is closed rather than reused (a failed COMMIT can leave it in a
//! transaction SQLite already ended), and the next batch runs on a new one: writes succeed again
//! as soon as the cause is gone, without a restart.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use metrics::Histogram;
use sqlx::{AnyConnection, AnyPool, Connection};
use tokio::sync::{mpsc, oneshot};

use super::{Dialect, StoreError};

/// The future of one run of a write, borrowing the batch's connection.
pub type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

/// Most writes in one transaction; more wait for the next.
const MAX_BATCH: usize = 64;

/// A write waiting in the queue, with the caller waiting for it.
trait Job: Send {
    /// Runs the write on the batch's connection; `false` when it failed.
    fn run<'a>(
        &'a mut self,
        conn: &'a mut AnyConnection,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>>;
    /// Answers the caller: the last run's result once the batch committed (or failed to).
    fn answer(self: Box<Self>, committed: Result<(), String>);
}

struct Pending<T, W> {
    work: W,
    outcome: Option<Result<T, StoreError>>,
    caller: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, W> Job for Pending<T, W>
where
    T: Send + 'static,
    W: for<'c> Fn(&'c mut AnyConnection) -> WriteFuture<'c, T> + Send + 'static,
{
    fn run<'a>(
        &'a mut self,
        conn: &'a mut AnyConnection,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        Box::pin(async move {
            let outcome = (self.work)(conn).await;
            let ok = outcome.is_ok();
            self.outcome = Some(outcome);
            ok
        })
    }

    fn answer(self: Box<Self>, committed: Result<(), String>) {
        let result = match (self.outcome, committed) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), Ok(())) => Ok(value),
            // Committing failed, or the transaction did not even begin.
            (_, Err(e)) => Err(StoreError::Commit(e)),
            (None, Ok(())) => Err(StoreError::WriteAborted),
        };
        let _ = self.caller.send(result);
    }
}

/// What the writer counts for `/metrics` since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterCounts {
    /// Writes that failed in the database (a database error, a failed commit, a panic) — not
    /// the refusals a write decides itself, such as a duplicate.
    pub failures: i64,
    /// Write connections closed after a failed transaction and replaced by a new one.
    pub reconnections: i64,
}

#[derive(Default)]
struct Counters {
    failures: AtomicI64,
    reconnections: AtomicI64,
}

/// The queue of writes and the pool they write on; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::UnboundedSender<Box<dyn Job>>,
    counters: Arc<Counters>,
    pool: AnyPool,
    dialect: Dialect,
}

impl Writer {
    /// Starts the task that runs the writes on `pool`; `batch_sizes` records how many writes
    /// each transaction committed.
    pub fn start(pool: AnyPool, dialect: Dialect, batch_sizes: Histogram) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        let counters = Arc::new(Counters::default());
        tokio::spawn(run(
            pool.clone(),
            dialect,
            queue,
            counters.clone(),
            batch_sizes,
        ));
        Self {
            jobs,
            counters,
            pool,
            dialect,
        }
    }

    /// The pool the writes run on.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs `work` in the next batch and returns its result once that batch committed. `work`
    /// may run more than once (when another write of its batch fails); it must only write.
    pub async fn write<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: for<'c> Fn(&'c mut AnyConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        let (caller, result) = oneshot::channel();
        let job = Pending {
            work,
            outcome: None,
            caller,
        };
        self.jobs
            .send(Box::new(job))
            .map_err(|_| StoreError::WriteAborted)?;
        // No answer: the batch panicked.
        self.counted(result.await.unwrap_or(Err(StoreError::WriteAborted)))
    }

    /// Runs `work` in one transaction: on SQLite in the queue ([`Writer::write`]); on PostgreSQL
    /// in a transaction of its own on the writer's pool, beside the queue.
    pub async fn write_alone<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: for<'c> Fn(&'c mut AnyConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        match self.dialect {
            Dialect::Sqlite => self.write(work).await,
            Dialect::Postgres => {
                let alone = async {
                    let mut tx = self.pool.begin().await?;
                    let value = work(&mut tx).await?;
                    tx.commit().await?;
                    Ok(value)
                };
                self.counted(alone.await)
            }
        }
    }

    /// `result`, counted among the failures when the database failed it.
    fn counted<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(StoreError::Database(_) | StoreError::Commit(_) | StoreError::WriteAborted) =
            result
        {
            self.counters.failures.fetch_add(1, Ordering::Relaxed);
        }
        result
    }

    pub fn counts(&self) -> WriterCounts {
        WriterCounts {
            failures: self.counters.failures.load(Ordering::Relaxed),
            reconnections: self.counters.reconnections.load(Ordering::Relaxed),
        }
    }
}

async fn run(
    pool: AnyPool,
    dialect: Dialect,
    mut queue: mpsc::UnboundedReceiver<Box<dyn Job>>,
    counters: Arc<Counters>,
    batch_sizes: Histogram,
) {
    let begin = match dialect {
        // Take the write lock at once: a batch never waits halfway for another writer.
        Dialect::Sqlite => "BEGIN IMMEDIATE",
        Dialect::Postgres => "BEGIN",
    };
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let jobs = std::mem::replace(&mut waiting, Vec::with_capacity(MAX_BATCH));
        // A batch of its own task: should a write panic, its batch fails (the callers hear
        // [`StoreError::WriteAborted`]) and the queue goes on.
        let batch = tokio::spawn(run_batch(
            pool.clone(),
            begin,
            jobs,
            counters.clone(),
            batch_sizes.clone(),
        ));
        if let Err(e) = batch.await {
            if let Ok(panic) = e.try_into_panic() {
                tracing::error!(
                    panic = panic_message(panic.as_ref()),
                    "a write panicked: its batch failed, the writes waiting in it were answered \
                     with an error"
                );
            }
        }
    }
}

/// The message a panic was raised with.
fn panic_message(panic: &(dyn Any + Send)) -> &str {
    match panic.downcast_ref::<&str>() {
        Some(message) => message,
        None => panic
            .downcast_ref::<String>()
            .map_or("(no message)", String::as_str),
    }
}

/// Runs the jobs in one transaction and answers every caller.
async fn run_batch(
    pool: AnyPool,
    begin: &'static str,
    mut jobs: Vec<Box<dyn Job>>,
    counters: Arc<Counters>,
    batch_sizes: Histogram,
) {
    while !jobs.is_empty() {
        match run_jobs(&pool, begin, &mut jobs, &counters).await {
            Ok(None) => {
                batch_sizes.record(jobs.len() as f64);
                for job in jobs.drain(..) {
                    job.answer(Ok(()));
                }
            }
            // Rolled back: the failed write hears its error, the others run again.
            Ok(Some(failed)) => jobs.remove(failed).answer(Ok(())),
            Err(e) => {
                tracing::error!(error = %e, writes = jobs.len(), "a write transaction failed");
                let committed = Err(e.to_string());
                for job in jobs.drain(..) {
                    job.answer(committed.clone());
                }
            }
        }
    }
}

/// Runs every job in one transaction on a connection of `pool`: committed (`None`), or rolled
/// back at the first job that failed (its index). A connection whose transaction failed is
/// closed, so the pool opens a new one for the next batch.
async fn run_jobs(
    pool: &AnyPool,
    begin: &'static str,
    jobs: &mut [Box<dyn Job>],
    counters: &Counters,
) -> Result<Option<usize>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let outcome = transaction(&mut conn, begin, jobs).await;
    if outcome.is_err() {
        counters.reconnections.fetch_add(1, Ordering::Relaxed);
        tracing::warn!("closing the write connection after its transaction failed");
        // Already broken or mid-transaction: how it closes does not matter.
        let _ = conn.close().await;
    }
    outcome
}

async fn transaction(
    conn: &mut AnyConnection,
    begin: &'static str,
    jobs: &mut [Box<dyn Job>],
) -> Result<Option<usize>, sqlx::Error> {
    let mut tx = conn.begin_with(begin).await?;
    for (index, job) in jobs.iter_mut().enumerate() {
        if !job.run(&mut tx).await {
            tx.rollback().await?;
            return Ok(Some(index));
        }
    }
    tx.commit().await?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use sqlx::any::AnyPoolOptions;

    use super::*;

    /// A SQLite file in the temp folder, removed with its journal when dropped.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut path = self.0.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// A writer over a fresh SQLite file with a table of unique values.
    async fn writer() -> (Writer, AnyPool, TempDb) {
        sqlx::any::install_default_drivers();
        let file = TempDb(
            std::env::temp_dir().join(format!("owf-writer-{}.db", uuid::Uuid::new_v4().simple())),
        );
        let url = format!("sqlite://{}?mode=rwc", file.0.display());
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .connect(&url)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (v INTEGER UNIQUE)")
            .execute(&pool)
            .await
            .unwrap();
        (
            Writer::start(pool.clone(), Dialect::Sqlite, Histogram::noop()),
            pool,
            file,
        )
    }

    fn insert(writer: &Writer, v: i64) -> impl Future<Output = Result<(), StoreError>> + '_ {
        writer.write(move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO t (v) VALUES ($1)")
                    .bind(v)
                    .execute(conn)
                    .await?;
                Ok(())
            })
        })
    }

    async fn values(pool: &AnyPool) -> Vec<i64> {
        sqlx::query_scalar("SELECT v FROM t ORDER BY v")
            .fetch_all(pool)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_failing_write_fails_alone_and_the_others_commit() {
        let (writer, pool, _file) = writer().await;
        // Queued before the writer task runs (one thread): one batch.
        let (a, b, c, d) = tokio::join!(
            insert(&writer, 1),
            insert(&writer, 2),
            insert(&writer, 1),
            insert(&writer, 3)
        );
        assert!(a.is_ok() && b.is_ok() && d.is_ok());
        assert!(matches!(c, Err(StoreError::Database(_))), "{c:?}");
        assert_eq!(values(&pool).await, [1, 2, 3]);
    }

    /// The log lines written while it is the thread's subscriber.
    #[derive(Clone, Default)]
    struct Log(Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl tracing_subscriber::fmt::MakeWriter<'_> for Log {
        type Writer = Log;

        fn make_writer(&self) -> Log {
            self.clone()
        }
    }

    #[tokio::test]
    async fn a_panicking_write_fails_its_batch_is_logged_and_the_queue_goes_on() {
        let log = Log::default();
        // The test's runtime has one thread: the writer's tasks log to this subscriber.
        let _logging = tracing::subscriber::set_default(
            tracing_subscriber::fmt()
                .with_writer(log.clone())
                .with_ansi(false)
                .finish(),
        );
        let (writer, pool, _file) = writer().await;
        let panicking = writer.write(|_conn| -> WriteFuture<'_, ()> {
            Box::pin(async { panic!("a write that panics") })
        });
        let (panicked, beside) = tokio::join!(panicking, insert(&writer, 1));
        assert!(matches!(panicked, Err(StoreError::WriteAborted)));
        assert!(matches!(beside, Err(StoreError::WriteAborted)));
        insert(&writer, 2).await.unwrap();
        assert_eq!(values(&pool).await, [2]);
        let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(
            logged.contains("ERROR") && logged.contains("a write that panics"),
            "{logged}"
        );
        assert_eq!(writer.counts().failures, 2);
    }
}
