//! Process-level crashes, with the real `owf` binary:
//! * `owf serve` (relay and sandbox in one process, SQLite file) is SIGKILLed while the relay is
//!   busy with 200+ declarations, then started again. Afterwards customs has processed every
//!   declaration exactly once and every filing is final.
//! * A message nested 100,000 deep, which used to overflow the stack and abort the process,
//!   is answered with a format-error receipt by `owf customs-sandbox`, which keeps running.

use std::collections::BTreeSet;
use std::time::Duration;

use owf_backend::customs::envelope::{Envelope, MessageHead, ReceiptPage};
use owf_backend::customs::sandbox::store::SandboxStore;
use owf_backend::store::Store;
use owf_shared::status::Status;

use crate::child::{owf_customs_sandbox, owf_serve, Owf};
use crate::common::database::{self, TempDir};
use crate::common::declared::{declared_registration, history, outbox_guids};
use crate::common::wait::eventually;

const FILINGS: usize = 210;

async fn start(database_url: &str) -> Owf {
    owf_serve(
        database_url,
        &[
            "--sandbox-listen",
            "127.0.0.1:0",
            // Slow enough customs that the relay is mid-stream when it is killed, and receipts
            // slower than the lease, so the restarted relay resends what was in doubt.
            "--sandbox-latency-ms",
            "25",
            "--relay-batch",
            "4",
            "--sandbox-received-delay-ms",
            "1500",
            "--sandbox-verdict-delay-ms",
            "1600",
            "--relay-poll-ms",
            "20",
            "--relay-lease-secs",
            "1",
            "--relay-timeout-ms",
            "1000",
            "--relay-backoff-ms",
            "50",
        ],
    )
    .await
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
    let dir = TempDir(std::env::temp_dir().join(format!("owf_crash_{}", std::process::id())));
    let url = dir.sqlite_url();
    let store = database::connect(&url).await;

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

/// The secret `owf customs-sandbox` is started with, sent by every request of the test.
const SANDBOX_SECRET: &str = "nested-message-test-secret";

/// `owf customs-sandbox` on a free port, once it answers; its base URL.
async fn start_sandbox(database_url: &str) -> (Owf, String) {
    let sandbox = owf_customs_sandbox(database_url, SANDBOX_SECRET).await;
    let url = format!("http://{}", sandbox.addr);
    (sandbox, url)
}

#[tokio::test]
async fn a_deeply_nested_message_does_not_kill_the_sandbox() {
    let dir = TempDir(std::env::temp_dir().join(format!("owf_nested_{}", std::process::id())));
    let url = dir.sqlite_url();
    let (mut sandbox, base) = start_sandbox(&url).await;

    const DEPTH: usize = 100_000;
    let xml = format!("{}{}", "<a>".repeat(DEPTH), "</a>".repeat(DEPTH));
    let head = MessageHead {
        message_id: "6F1C0D2E-0000-4000-8000-00000000DEEP".into(),
        message_type: "OWH101".into(),
        sender_id: "DXPENT4403960ABC".into(),
        receiver_id: "OWHCUSTOMS".into(),
        send_time: "2025-03-12 10:15:00".into(),
        version: "1.0".into(),
    };
    let body = serde_json::to_vec(&Envelope::new(head, &xml, Vec::new())).unwrap();
    assert!(body.len() > 900_000, "{} bytes", body.len());
    let client = reqwest::Client::new();
    let answer = client
        .post(format!("{base}/messages"))
        .bearer_auth(SANDBOX_SECRET)
        .header("content-type", "text/plain")
        .body(body)
        .send()
        .await
        .expect("the sandbox answers the nested message");
    assert_eq!(answer.status(), reqwest::StatusCode::OK);

    let receipts = client
        .get(format!("{base}/receipts?after=0&limit=10"))
        .bearer_auth(SANDBOX_SECRET)
        .send()
        .await
        .expect("the sandbox still answers");
    assert_eq!(receipts.status(), reqwest::StatusCode::OK);
    let page: ReceiptPage = serde_json::from_str(&receipts.text().await.unwrap()).unwrap();
    assert_eq!(page.receipts.len(), 1);
    let receipt = &page.receipts[0].xml;
    assert!(
        receipt.contains("<owh:returnStatus>-900001</owh:returnStatus>"),
        "{receipt}"
    );
    assert!(receipt.contains("XML 元素嵌套超过 64 层"), "{receipt}");
    assert!(sandbox.is_running(), "the process is alive");
}
