//! A process-level crash: `owf serve` (relay and sandbox in one process, SQLite file) is
//! SIGKILLed while the relay is busy with 200+ declarations, then started again. Afterwards
//! customs has processed every declaration exactly once and every filing is final.

mod common;
mod support;

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use owf_backend::customs::sandbox::store::SandboxStore;
use owf_backend::store::key_encryption::{self, KeyEncryptionKey};
use owf_backend::store::Store;
use owf_shared::status::Status;
use support::*;

const FILINGS: usize = 210;

/// The child `owf serve`, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str) -> Server {
    let listen = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_owf"))
        .args(["serve", "--database-url", database_url, "--listen", &listen])
        .args(["--dist", "/nonexistent-dist"])
        // Slow enough customs that the relay is mid-stream when it is killed, and receipts
        // slower than the lease, so the restarted relay resends what was in doubt.
        .args(["--sandbox-latency-ms", "25", "--relay-batch", "4"])
        .args([
            "--sandbox-received-delay-ms",
            "1500",
            "--sandbox-verdict-delay-ms",
            "1600",
        ])
        .args(["--relay-poll-ms", "20", "--relay-lease-secs", "1"])
        .args(["--relay-timeout-ms", "1000", "--relay-backoff-ms", "50"])
        .env("OWF_LOG", "warn")
        .env(key_encryption::ENV_VAR, key_encryption::DEMO_KEY_HEX)
        .stdout(Stdio::null())
        .spawn()
        .expect("start owf serve");
    let server = Server(child);
    let health = format!("http://{listen}/healthz");
    let client = reqwest::Client::new();
    eventually(Duration::from_secs(20), "owf serve to answer", || async {
        client
            .get(&health)
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success())
    })
    .await;
    server
}

async fn count_status(store: &Store, statuses: &[Status]) -> usize {
    let mut n = 0;
    for status in statuses {
        let c: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM filings WHERE status = $1")
            .bind(i64::from(status.code()))
            .fetch_one(store.pool())
            .await
            .unwrap();
        n += c as usize;
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_while_relaying_loses_and_duplicates_nothing() {
    let dir =
        common::TempDir(std::env::temp_dir().join(format!("owf_crash_{}", std::process::id())));
    let url = format!("sqlite:{}/owf.db", dir.0.display());
    let store = Store::connect(&url)
        .await
        .unwrap()
        .with_key_encryption(KeyEncryptionKey::demo());

    let first = start(&url).await;
    let mut ids = Vec::with_capacity(FILINGS);
    for n in 0..FILINGS {
        ids.push(declared_registration(&store, n).await);
    }
    // Kill while the relay is busy and customs holds a message whose acknowledgement the relay
    // has not recorded yet.
    let in_doubt = eventually(Duration::from_secs(60), "the relay to be busy", || async {
        let sent = count_status(&store, &[Status::Sent, Status::Received, Status::Approved]).await;
        let in_doubt: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox o JOIN sandbox_messages m ON m.guid = o.guid \
             WHERE o.state = 'pending'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        (sent >= 20 && in_doubt > 0).then_some(in_doubt)
    })
    .await;
    drop(first); // SIGKILL
    let unsent = count_status(&store, &[Status::Declared]).await;
    assert!(unsent > 0, "the relay had finished before the kill");

    let _second = start(&url).await;
    eventually(
        Duration::from_secs(120),
        "every filing to be final",
        || async { (count_status(&store, &[Status::Approved]).await == FILINGS).then_some(()) },
    )
    .await;

    let stats = SandboxStore::new(store.clone())
        .message_stats()
        .await
        .unwrap();
    let received: BTreeSet<String> = stats.iter().map(|s| s.guid.clone()).collect();
    let declared: BTreeSet<String> = outbox_guids(&store).await.into_iter().collect();
    assert_eq!(received, declared, "customs received every declaration");
    assert_eq!(stats.len(), FILINGS, "one message per declaration");
    for s in &stats {
        assert_eq!(s.receipts, 2, "{} was processed more than once", s.guid);
        assert_eq!(s.verdict, 399);
    }
    for id in &ids {
        let steps = history(&store, *id).await;
        for status in [Status::Sent, Status::Received, Status::Approved] {
            let times = steps.iter().filter(|h| h.1 == status).count();
            assert_eq!(
                times, 1,
                "filing {id} reached {status:?} {times} times: {steps:?}"
            );
        }
    }
    let counts = store.relay_counts().await.unwrap();
    assert_eq!(
        (counts.depth, counts.sent, counts.failed),
        (0, FILINGS as i64, 0)
    );
    assert_eq!(counts.receipts_applied, 2 * FILINGS as i64);
    println!(
        "killed with {unsent} of {FILINGS} undelivered, {in_doubt} processed but unacknowledged; \
         customs received {} deliveries of {FILINGS} messages",
        stats.iter().map(|s| s.deliveries).sum::<i64>()
    );
}
