//! Group commit for the filing writes — of requests (暂存, 修改, 申报) and of the relay (delivery
//! outcomes, receipts). SQLite lets one writer in at a time: rather than every write opening its
//! own transaction and sleeping in SQLite's busy handler until the lock is free, writes queue here
//! and one task runs everything waiting in a single transaction, each write in its own savepoint —
//! one write's failure (a duplicate, a stale version) rolls back only that write. A caller hears
//! its result after the commit that made it durable. PostgreSQL goes through the same queue: one
//! code path, and batching saves it commits too.

use std::future::Future;
use std::pin::Pin;

use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{mpsc, oneshot};

use super::{Dialect, StoreError};

/// The future of one write, borrowing the batch's connection.
pub type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

/// Most writes in one transaction; more wait for the next.
const MAX_BATCH: usize = 64;

/// What a write left once it ran: whether to keep its savepoint, and how to hand its request
/// the result once the batch's commit is known.
struct Ran {
    keep: bool,
    reply: Reply,
}

/// Hands a request its result, given the commit's outcome.
type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;

type Job = Box<
    dyn for<'c> FnOnce(&'c mut AnyConnection) -> Pin<Box<dyn Future<Output = Ran> + Send + 'c>>
        + Send,
>;

/// The queue of writes; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Writer {
    /// Starts the task that runs the writes on `pool`.
    pub fn start(pool: AnyPool, dialect: Dialect) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, dialect, queue));
        Self { jobs }
    }

    /// Runs `work` in the next batch and returns its result once that batch committed.
    pub async fn write<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: for<'c> FnOnce(&'c mut AnyConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        let (answer, result) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let outcome = work(conn).await;
                Ran {
                    keep: outcome.is_ok(),
                    reply: Box::new(move |committed| {
                        let _ = answer.send(match outcome {
                            Ok(value) => committed.map(|()| value).map_err(StoreError::Commit),
                            Err(e) => Err(e),
                        });
                    }),
                }
            })
        });
        self.jobs.send(job).map_err(|_| StoreError::WriteAborted)?;
        result.await.map_err(|_| StoreError::WriteAborted)?
    }
}

async fn run(pool: AnyPool, dialect: Dialect, mut queue: mpsc::UnboundedReceiver<Job>) {
    let begin = match dialect {
        // Take the write lock at once: a batch never waits halfway for another writer.
        Dialect::Sqlite => "BEGIN IMMEDIATE",
        Dialect::Postgres => "BEGIN",
    };
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let jobs = std::mem::replace(&mut waiting, Vec::with_capacity(MAX_BATCH));
        // A batch of its own task: should a write panic, its batch fails (the requests hear
        // [`StoreError::WriteAborted`]) and the queue goes on.
        let _ = tokio::spawn(run_batch(pool.clone(), begin, jobs)).await;
    }
}

/// Runs the jobs in one transaction and hands every request its result.
async fn run_batch(pool: AnyPool, begin: &'static str, jobs: Vec<Job>) {
    let mut replies = Vec::with_capacity(jobs.len());
    let committed = run_jobs(&pool, begin, jobs, &mut replies)
        .await
        .map_err(|e| e.to_string());
    for reply in replies {
        reply(committed.clone());
    }
}

/// Jobs after a failing statement of the batch itself are dropped unrun, which their requests
/// hear as [`StoreError::WriteAborted`].
async fn run_jobs(
    pool: &AnyPool,
    begin: &'static str,
    jobs: Vec<Job>,
    replies: &mut Vec<Reply>,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_with(begin).await?;
    for job in jobs {
        (&mut *tx).execute("SAVEPOINT write").await?;
        let ran = job(&mut tx).await;
        replies.push(ran.reply);
        if !ran.keep {
            (&mut *tx).execute("ROLLBACK TO SAVEPOINT write").await?;
        }
        (&mut *tx).execute("RELEASE SAVEPOINT write").await?;
    }
    tx.commit().await
}
