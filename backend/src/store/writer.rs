//! Group commit for the filing writes — of requests (暂存, 修改, 申报) and of the relay (delivery
//! outcomes, receipts). SQLite lets one writer in at a time: rather than every write opening its
//! own transaction and sleeping in SQLite's busy handler until the lock is free, writes queue here
//! and one task runs everything waiting in a single transaction. A caller hears its result after
//! the commit that made it durable. When one write fails (a duplicate, a database error), the
//! batch is rolled back, that write answered with its error, and the others run again in a new
//! transaction: a write is a function of the connection that may run more than once, and only
//! its last run counts. PostgreSQL goes through the same queue: one code path, and batching saves
//! it commits too.

use std::future::Future;
use std::pin::Pin;

use sqlx::{AnyConnection, AnyPool};
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
        let result = match self.outcome {
            Some(Ok(value)) => committed.map(|()| value).map_err(StoreError::Commit),
            Some(Err(e)) => Err(e),
            None => Err(StoreError::WriteAborted),
        };
        let _ = self.caller.send(result);
    }
}

/// The queue of writes; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::UnboundedSender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the task that runs the writes on `pool`.
    pub fn start(pool: AnyPool, dialect: Dialect) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, dialect, queue));
        Self { jobs }
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
        result.await.map_err(|_| StoreError::WriteAborted)?
    }
}

async fn run(pool: AnyPool, dialect: Dialect, mut queue: mpsc::UnboundedReceiver<Box<dyn Job>>) {
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
        let _ = tokio::spawn(run_batch(pool.clone(), begin, jobs)).await;
    }
}

/// Runs the jobs in one transaction and answers every caller.
async fn run_batch(pool: AnyPool, begin: &'static str, mut jobs: Vec<Box<dyn Job>>) {
    while !jobs.is_empty() {
        match run_jobs(&pool, begin, &mut jobs).await {
            Ok(None) => {
                for job in jobs.drain(..) {
                    job.answer(Ok(()));
                }
            }
            // Rolled back: the failed write hears its error, the others run again.
            Ok(Some(failed)) => jobs.remove(failed).answer(Ok(())),
            Err(e) => {
                let committed = Err(e.to_string());
                for job in jobs.drain(..) {
                    job.answer(committed.clone());
                }
            }
        }
    }
}

/// Runs every job in one transaction: committed (`None`), or rolled back at the first job that
/// failed (its index).
async fn run_jobs(
    pool: &AnyPool,
    begin: &'static str,
    jobs: &mut [Box<dyn Job>],
) -> Result<Option<usize>, sqlx::Error> {
    let mut tx = pool.begin_with(begin).await?;
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
        (Writer::start(pool.clone(), Dialect::Sqlite), pool, file)
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

    #[tokio::test]
    async fn a_panicking_write_fails_its_batch_and_the_queue_goes_on() {
        let (writer, pool, _file) = writer().await;
        let panicking = writer.write(|_conn| -> WriteFuture<'_, ()> {
            Box::pin(async { panic!("a write that panics") })
        });
        let (panicked, beside) = tokio::join!(panicking, insert(&writer, 1));
        assert!(matches!(panicked, Err(StoreError::WriteAborted)));
        assert!(matches!(beside, Err(StoreError::WriteAborted)));
        insert(&writer, 2).await.unwrap();
        assert_eq!(values(&pool).await, [2]);
    }
}
