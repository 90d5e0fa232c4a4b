//! owf's group commit (`backend/src/store/writer.rs`) reproduced bare for baseline (a) of §3,
//! without calling owf's code: writes queue on a channel; one task takes everything waiting, at
//! most 64, and runs it in one transaction (`BEGIN IMMEDIATE` on SQLite, `BEGIN` on PostgreSQL)
//! on a connection of the write pool, each batch in a task of its own; a caller hears its result
//! after the commit. A write that fails rolls the batch back and hears its error, the others run
//! again in a new transaction; when BEGIN, COMMIT or ROLLBACK fails, the connection is closed and
//! every write of the batch hears the error.

use owf_backend::store::Dialect;
use sqlx::{AnyConnection, AnyPool, Connection};
use tokio::sync::{mpsc, oneshot};

use crate::bare_writes::Write;

/// Most writes in one transaction, as owf's `MAX_BATCH`.
const MAX_BATCH: usize = 64;

struct Job {
    write: Write,
    /// The last run's result.
    outcome: Option<Result<i64, String>>,
    caller: oneshot::Sender<Result<i64, String>>,
}

impl Job {
    fn answer(self, committed: Result<(), String>) {
        let result = match (self.outcome, committed) {
            (Some(Err(e)), _) | (_, Err(e)) => Err(e),
            (Some(Ok(id)), Ok(())) => Ok(id),
            (None, Ok(())) => Err("not run".to_owned()),
        };
        let _ = self.caller.send(result);
    }
}

/// The queue of writes; cheap to clone.
#[derive(Clone)]
pub struct GroupCommit {
    jobs: mpsc::UnboundedSender<Job>,
}

impl GroupCommit {
    /// Starts the task that runs the writes on `pool`.
    pub fn start(pool: AnyPool, dialect: Dialect) -> Self {
        let begin = match dialect {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        };
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, begin, queue));
        Self { jobs }
    }

    /// Runs `write` in the next batch; the filing id once that batch committed.
    pub async fn write(&self, write: Write) -> Result<i64, String> {
        let (caller, result) = oneshot::channel();
        let job = Job {
            write,
            outcome: None,
            caller,
        };
        self.jobs
            .send(job)
            .map_err(|_| "writer stopped".to_owned())?;
        result
            .await
            .unwrap_or_else(|_| Err("batch panicked".to_owned()))
    }
}

async fn run(pool: AnyPool, begin: &'static str, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let jobs = std::mem::replace(&mut waiting, Vec::with_capacity(MAX_BATCH));
        // As owf: a batch of its own task, so that a panic fails one batch only.
        let _ = tokio::spawn(run_batch(pool.clone(), begin, jobs)).await;
    }
}

async fn run_batch(pool: AnyPool, begin: &'static str, mut jobs: Vec<Job>) {
    while !jobs.is_empty() {
        match run_jobs(&pool, begin, &mut jobs).await {
            Ok(None) => jobs.drain(..).for_each(|job| job.answer(Ok(()))),
            Ok(Some(failed)) => jobs.remove(failed).answer(Ok(())),
            Err(e) => {
                let committed = Err(e.to_string());
                jobs.drain(..).for_each(|job| job.answer(committed.clone()));
            }
        }
    }
}

/// One transaction over `jobs`: committed (`None`) or rolled back at the first failed job.
async fn run_jobs(
    pool: &AnyPool,
    begin: &'static str,
    jobs: &mut [Job],
) -> Result<Option<usize>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let outcome = transaction(&mut conn, begin, jobs).await;
    if outcome.is_err() {
        let _ = conn.close().await;
    }
    outcome
}

async fn transaction(
    conn: &mut AnyConnection,
    begin: &'static str,
    jobs: &mut [Job],
) -> Result<Option<usize>, sqlx::Error> {
    let mut tx = conn.begin_with(begin).await?;
    for (index, job) in jobs.iter_mut().enumerate() {
        let outcome = job.write.run(&mut tx).await.map_err(|e| e.to_string());
        let failed = outcome.is_err();
        job.outcome = Some(outcome);
        if failed {
            tx.rollback().await?;
            return Ok(Some(index));
        }
    }
    tx.commit().await?;
    Ok(None)
}
