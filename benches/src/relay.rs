//! Relay: declarations over HTTP while the relay delivers them to the in-process customs sandbox
//! (no receipt delays): filings per second and latency from 申报 to 发送海关成功; then a
//! backlog declared while the sandbox is down, and the time to drain it once it is back up.

use std::path::Path;
use std::time::{Duration, Instant};

use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::Store;
use serde_json::json;
use sqlx::Row;

use crate::seed;
use crate::server::{Api, Memory, Owf, Scratch};
use crate::stats::Load;
use crate::writes::{create_drafts, declare_drafts};

pub struct Relay {
    pub filings: usize,
    pub concurrency: usize,
    /// The declarations over HTTP, while the relay runs.
    pub declare: Load,
    /// 申报 → 发送海关成功 per filing (from the filings' history); elapsed = first 申报 to last
    /// 发送海关成功.
    pub delivered: Load,
    /// Time to deliver the backlog once the sandbox is back up.
    pub drain: Duration,
    pub after: Memory,
}

const FLAGS: &[&str] = &[
    "--sandbox-received-delay-ms",
    "0",
    "--sandbox-verdict-delay-ms",
    "0",
    // The outage: retries stay frequent (≤ 1 s apart) and never give up.
    "--relay-backoff-ms",
    "100",
    "--relay-max-backoff-ms",
    "1000",
    "--relay-max-attempts",
    "1000000",
];

async fn sent(store: &Store) -> i64 {
    store.relay_counts().await.expect("relay counts").sent
}

async fn wait_sent(store: &Store, count: i64, limit: Duration) {
    let deadline = Instant::now() + limit;
    while sent(store).await < count {
        assert!(Instant::now() < deadline, "relay did not deliver {count}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Creates `n` warehouse drafts with their proof documents and declares them over HTTP.
async fn declare_batch(
    api: &Api,
    store: &Store,
    enterprise_id: i64,
    prefix: &str,
    n: usize,
    concurrency: usize,
) -> (Load, i64) {
    let before = seed::max_filing_id(store).await;
    create_drafts(api, prefix, n, concurrency).await;
    let declare = declare_drafts(api, store, enterprise_id, before, concurrency).await;
    (declare, before)
}

pub async fn run(bin: &Path, dist: &Path, filings: usize, concurrency: usize) -> Relay {
    let scratch = Scratch::new("owf-bench-relay");
    let url = scratch.sqlite_url();
    let server = Owf::start(bin, &url, dist, FLAGS).await;
    let api = server
        .login(owf_e2e::ZONE_CARD, owf_e2e::ZONE_PASSWORD)
        .await;
    let store = Store::connect(&url)
        .await
        .expect("bench store")
        .with_key_encryption(KeyEncryptionKey::demo());
    let enterprise = seed::zone_enterprise(&store).await;

    // Rule R3, through customs: the registration declared and approved by the sandbox.
    let (registration, version) = seed::registration(&api).await;
    let (status, body) = api
        .post(
            &format!("/api/registrations/{registration}/declare"),
            &json!({ "version": version }),
        )
        .await;
    assert_eq!(status, 200, "declare registration: {body}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, detail) = api.get(&format!("/api/registrations/{registration}")).await;
        if detail["lifecycle"]["status"] == 399 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "registration not approved: {detail}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let limit = Duration::from_secs(600);
    let (declare, first) =
        declare_batch(&api, &store, enterprise.id, "Relay", filings, concurrency).await;
    wait_sent(&store, 1 + filings as i64, limit).await;
    let delivered = latencies(&store, first).await;

    let faults = |down: bool| json!({ "latency_ms": 0, "error_rate": 0.0, "drop_ack_rate": 0.0, "down": down });
    let status = server.set_faults(&faults(true)).await;
    assert_eq!(status, 200, "sandbox down");
    declare_batch(&api, &store, enterprise.id, "Backlog", filings, concurrency).await;
    let status = server.set_faults(&faults(false)).await;
    assert_eq!(status, 200, "sandbox up");
    let up = Instant::now();
    wait_sent(&store, 1 + 2 * filings as i64, limit).await;
    let drain = up.elapsed();
    let after = server.memory();
    Relay {
        filings,
        concurrency,
        declare,
        delivered,
        drain,
        after,
    }
}

/// 申报 → 发送海关成功 of every warehouse with id above `after`, from their history.
async fn latencies(store: &Store, after: i64) -> Load {
    let rows = sqlx::query(
        "SELECT d.at AS declared, s.at AS sent FROM filing_history d \
         JOIN filing_history s ON s.filing_id = d.filing_id AND s.to_status = 3 \
         WHERE d.to_status = 2 AND d.filing_id > $1",
    )
    .bind(after)
    .fetch_all(store.pool())
    .await
    .expect("history");
    let pairs: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| (r.get("declared"), r.get("sent")))
        .collect();
    let first = pairs.iter().map(|p| p.0).min().unwrap_or(0);
    let last = pairs.iter().map(|p| p.1).max().unwrap_or(0);
    Load::from(
        pairs
            .iter()
            .map(|(d, s)| Duration::from_millis((s - d).max(0) as u64))
            .collect(),
        Duration::from_millis((last - first).max(1) as u64),
    )
}
