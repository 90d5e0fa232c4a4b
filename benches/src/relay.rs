//! Relay, on SQLite and on PostgreSQL: a backlog of declared warehouses delivered to the
//! in-process customs sandbox of `owf serve`, once by a bare loop (sqlx + reqwest, written here)
//! and once by owf's relay; then declarations paced at a fixed rate over HTTP and their latency
//! from 申报 to 发送海关成功.
//!
//! Both sides deliver the same kind and number of filings to the same sandbox (same URL, same
//! secret, same HTTP client settings), and both rates are read the same way, from the filings'
//! history: filings ÷ (last − first 发送海关成功). The sandbox verifies each message's SM2
//! signature, re-checks the business rules and writes its own rows: customs' cost, in both.

use std::path::Path;
use std::time::{Duration, Instant};

use owf_backend::clock::now_ms;
use owf_backend::customs::envelope::{Ack, Envelope, FileData, MessageHead, RECEIVER_ID};
use owf_backend::customs::xml::Element;
use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::outbox::claim_sql;
use owf_backend::store::{Dialect, Store};
use owf_shared::fixtures;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{Any, Connection, Row};
use tokio::task::JoinSet;

use crate::seed;
use crate::server::{self, Api, Memory, Owf, Scratch};
use crate::stats::Load;
use crate::writes::{create_drafts, declare, declare_drafts};

/// The figures of one database.
pub struct RelayRun {
    pub dialect: &'static str,
    /// Declared warehouses in each backlog.
    pub filings: usize,
    /// owf's relay delivering a backlog: per-filing latencies are not meaningful for a
    /// backlog, the rate is (filings ÷ first to last 发送海关成功).
    pub owf: Load,
    /// The bare loop delivering a backlog of the same size.
    pub bare: Load,
    /// Declarations offered at this rate per second over HTTP ...
    pub paced_rate: u32,
    /// ... and their latency 申报 → 发送海关成功.
    pub paced: Load,
    /// Of the server running owf's relay, after the section.
    pub after: Memory,
}

pub struct Relay {
    pub runs: Vec<RelayRun>,
    /// Peak of the servers running owf's relay (largest over the databases).
    pub after: Memory,
}

/// Messages per claim, for both sides: owf's default batch size.
pub const BATCH: i64 = owf_backend::relay::RelayConfig::DEFAULT.batch_size as i64;
/// Offered load of the paced phase, declarations per second.
const PACED_RATE: u32 = 100;
/// Receipts come an hour later: neither side applies receipts while it is measured.
const SANDBOX: &[&str] = &[
    "--sandbox-received-delay-ms",
    "3600000",
    "--sandbox-verdict-delay-ms",
    "3600000",
];

/// Runs the section on SQLite and, when `OWF_TEST_PG_URL` is set, on PostgreSQL.
pub async fn run(bin: &Path, dist: &Path, filings: usize, concurrency: usize) -> Relay {
    let paced = filings.min(1000);
    let scratch = Scratch::new("owf-bench-relay");
    let mut runs = vec![
        run_on(
            bin,
            dist,
            &scratch.sqlite_url(),
            "SQLite",
            filings,
            paced,
            concurrency,
        )
        .await,
    ];
    match std::env::var("OWF_TEST_PG_URL") {
        Ok(admin) => {
            let url = server::postgres_database(&admin, "owf_bench_relay").await;
            runs.push(run_on(bin, dist, &url, "PostgreSQL", filings, paced, concurrency).await);
        }
        Err(_) => crate::step("relay (PostgreSQL) skipped: OWF_TEST_PG_URL not set"),
    }
    let after = runs
        .iter()
        .map(|r| r.after)
        .max_by_key(|m| m.hwm_kib)
        .unwrap_or_default();
    Relay { runs, after }
}

async fn run_on(
    bin: &Path,
    dist: &Path,
    url: &str,
    dialect: &'static str,
    filings: usize,
    paced: usize,
    concurrency: usize,
) -> RelayRun {
    let no_relay: Vec<&str> = SANDBOX.iter().copied().chain(["--no-relay"]).collect();
    let server = Owf::start(bin, url, dist, &no_relay).await;
    let api = server
        .login(fixtures::ZONE.card_no, fixtures::ZONE.password)
        .await;
    let store = Store::connect(url)
        .await
        .expect("bench store")
        .with_key_encryption(KeyEncryptionKey::demo());
    let enterprise = seed::zone_enterprise(&store).await;
    let bare = BareRelay::new(&store, &server);

    // Rule R3: the registration, delivered by the bare loop (customs records its approval at
    // once; its receipts would come an hour later) and approved in owf directly.
    let (registration, version) = seed::registration(&api).await;
    let (status, body) = api
        .post(
            &format!("/api/registrations/{registration}/declare"),
            &json!({ "version": version }),
        )
        .await;
    assert_eq!(status, 200, "declare registration: {body}");
    bare.drain().await;
    seed::approve(&store, registration).await;

    crate::step(&format!(
        "relay ({dialect}): declaring a backlog of {filings}"
    ));
    let first = declare_backlog(&api, &store, enterprise.id, "Bare", filings).await;
    crate::step(&format!("relay ({dialect}): bare loop delivering"));
    bare.drain().await;
    let bare_rate = delivery_rate(&store, first).await;

    crate::step(&format!(
        "relay ({dialect}): declaring a backlog of {filings}"
    ));
    let first = declare_backlog(&api, &store, enterprise.id, "Relay", filings).await;
    drop(server);
    crate::step(&format!("relay ({dialect}): owf's relay delivering"));
    let server = Owf::start(bin, url, dist, SANDBOX).await;
    wait_sent(&store, first, filings, Duration::from_secs(600)).await;
    let owf_rate = delivery_rate(&store, first).await;

    crate::step(&format!(
        "relay ({dialect}): {paced} declarations at {PACED_RATE}/s"
    ));
    let api = server
        .login(fixtures::ZONE.card_no, fixtures::ZONE.password)
        .await;
    let first = seed::max_filing_id(&store).await;
    create_drafts(&api, "Paced", paced, concurrency).await;
    declare_paced(&api, &store, enterprise.id, first, PACED_RATE).await;
    wait_sent(&store, first, paced, Duration::from_secs(120)).await;
    let paced_latency = delivery_rate(&store, first).await;
    RelayRun {
        dialect,
        filings,
        owf: owf_rate,
        bare: bare_rate,
        paced_rate: PACED_RATE,
        paced: paced_latency,
        after: server.memory(),
    }
}

/// Clients declaring a backlog: it is seeding, not measured, so as many as owf's writer takes in
/// one transaction (fewer commits: minutes less on a durable PostgreSQL).
const SEEDING_CLIENTS: usize = 64;

/// Creates `n` warehouse drafts with their proof documents and declares them over HTTP; the id
/// after which they were created.
async fn declare_backlog(
    api: &Api,
    store: &Store,
    enterprise_id: i64,
    prefix: &str,
    n: usize,
) -> i64 {
    let before = seed::max_filing_id(store).await;
    create_drafts(api, prefix, n, SEEDING_CLIENTS).await;
    declare_drafts(api, store, enterprise_id, before, SEEDING_CLIENTS).await;
    before
}

/// Declares the warehouse drafts with id above `after` over HTTP, one every `1 / rate` s
/// whether or not the ones before have answered.
async fn declare_paced(api: &Api, store: &Store, enterprise_id: i64, after: i64, rate: u32) {
    let ids: Vec<i64> = seed::drafts_after(store, after)
        .await
        .iter()
        .map(|d| d.0)
        .collect();
    seed::attach_all(store, enterprise_id, &ids).await;
    let drafts = seed::drafts_after(store, after).await;
    let period = Duration::from_secs(1) / rate;
    let start = tokio::time::Instant::now();
    let mut requests = JoinSet::new();
    for (n, (id, version)) in drafts.into_iter().enumerate() {
        tokio::time::sleep_until(start + period * n as u32).await;
        let api = api.clone();
        requests.spawn(async move { declare(&api, id, version).await });
    }
    while let Some(done) = requests.join_next().await {
        done.expect("declare request");
    }
}

/// Waits until the `n` warehouses with id above `after` are 发送海关成功.
async fn wait_sent(store: &Store, after: i64, n: usize, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let sent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM filing_history WHERE to_status = 3 AND filing_id > $1",
        )
        .bind(after)
        .fetch_one(store.pool())
        .await
        .expect("count sent");
        if sent >= n as i64 {
            return;
        }
        assert!(Instant::now() < deadline, "relay did not deliver {n}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// 申报 → 发送海关成功 of every warehouse with id above `after`, from their history; elapsed =
/// first to last 发送海关成功 (the delivery rate).
async fn delivery_rate(store: &Store, after: i64) -> Load {
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
    let first = pairs.iter().map(|p| p.1).min().unwrap_or(0);
    let last = pairs.iter().map(|p| p.1).max().unwrap_or(0);
    Load::from(
        pairs
            .iter()
            .map(|(d, s)| Duration::from_millis((s - d).max(0) as u64))
            .collect(),
        Duration::from_millis((last - first).max(1) as u64),
    )
}

/// The baseline: a bare relay loop. Claims a batch with owf's claim statement, reads the
/// batch's frozen proof documents in one query and checks their hashes, POSTs every message of
/// the batch at once to the sandbox, then marks the acknowledged ones sent (outbox row,
/// filing status 发送海关成功, history entry) in one transaction — and again, until nothing is
/// due. No retries, no leases beyond the claim, no receipts.
struct BareRelay {
    pool: sqlx::AnyPool,
    dialect: Dialect,
    http: reqwest::Client,
    messages_url: String,
}

/// A claimed message with what its envelope needs.
struct Claimed {
    id: i64,
    filing_id: i64,
    attempt: i64,
    envelope: Envelope,
}

impl BareRelay {
    /// Same client settings as owf's relay: its default 10 s timeouts, the secret as Bearer.
    fn new(store: &Store, server: &Owf) -> Self {
        let timeout = owf_backend::relay::RelayConfig::DEFAULT.request_timeout;
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", server::CUSTOMS_SECRET))
            .expect("printable secret");
        bearer.set_sensitive(true);
        let headers = HeaderMap::from_iter([(AUTHORIZATION, bearer)]);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .default_headers(headers)
            .build()
            .expect("http client");
        Self {
            pool: store.write_pool().clone(),
            dialect: store.dialect(),
            http,
            messages_url: format!(
                "{}{}",
                server.customs,
                owf_backend::customs::envelope::MESSAGES_PATH
            ),
        }
    }

    /// Delivers every due message.
    async fn drain(&self) {
        loop {
            let batch = self.claim().await;
            if batch.is_empty() {
                return;
            }
            let mut posts = JoinSet::new();
            for message in batch {
                let (http, url) = (self.http.clone(), self.messages_url.clone());
                posts.spawn(async move {
                    let body = serde_json::to_vec(&message.envelope).expect("envelope");
                    let answer = http
                        .post(url)
                        .header(CONTENT_TYPE, "application/json")
                        .body(body)
                        .send()
                        .await
                        .expect("POST to customs");
                    assert!(answer.status().is_success(), "customs refused");
                    let ack: Ack = serde_json::from_slice(&answer.bytes().await.expect("ack"))
                        .expect("ack JSON");
                    assert_eq!(
                        ack.message_id,
                        message.envelope.message.message_head.message_id
                    );
                    message
                });
            }
            let mut acked = Vec::new();
            while let Some(done) = posts.join_next().await {
                acked.push(done.expect("POST task"));
            }
            self.mark_sent(&acked).await;
        }
    }

    async fn claim(&self) -> Vec<Claimed> {
        let lease_until = now_ms() + 30_000;
        let rows = sqlx::query(&claim_sql(self.dialect))
            .bind("bare-relay")
            .bind(lease_until)
            .bind(now_ms())
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await
            .expect("claim");
        if rows.is_empty() {
            return Vec::new();
        }
        let ids: Vec<String> = rows
            .iter()
            .map(|r| r.get::<i64, _>("id").to_string())
            .collect();
        let files = sqlx::query(&format!(
            "SELECT o.outbox_id, o.sha256, o.size, a.doc_type, a.file_name, a.content \
             FROM outbox_attachments o JOIN attachments a ON a.id = o.attachment_id \
             WHERE o.outbox_id IN ({}) ORDER BY o.outbox_id, o.attachment_id",
            ids.join(",")
        ))
        .fetch_all(&self.pool)
        .await
        .expect("frozen documents");
        rows.iter()
            .map(|r| {
                let id: i64 = r.get("id");
                let payload: String = r.get("payload");
                let documents = files
                    .iter()
                    .filter(|f| f.get::<i64, _>("outbox_id") == id)
                    .map(|f| {
                        let content: Vec<u8> = f.get("content");
                        assert_eq!(
                            hex::encode(Sha256::digest(&content)),
                            f.get::<String, _>("sha256")
                        );
                        assert_eq!(content.len() as i64, f.get::<i64, _>("size"));
                        FileData::new(f.get("file_name"), f.get("doc_type"), &content)
                    })
                    .collect();
                let sender = Element::parse(&payload)
                    .and_then(|m| m.find("BaseTransfer")?.text_of("dxpId"))
                    .expect("dxpId");
                let head = MessageHead {
                    message_id: r.get("guid"),
                    message_type: r.get("message_type"),
                    sender_id: sender,
                    receiver_id: RECEIVER_ID.to_owned(),
                    send_time: owf_backend::clock::display_time(now_ms()),
                    version: "1.0".to_owned(),
                };
                Claimed {
                    id,
                    filing_id: r.get("filing_id"),
                    attempt: r.get("attempts"),
                    envelope: Envelope::new(head, &payload, documents),
                }
            })
            .collect()
    }

    async fn mark_sent(&self, acked: &[Claimed]) {
        let begin = match self.dialect {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        };
        let mut conn = self.pool.acquire().await.expect("connection");
        let mut tx = conn.begin_with(begin).await.expect("begin");
        let now = now_ms();
        for m in acked {
            sqlx::query::<Any>(
                "UPDATE outbox SET state = 'sent', sent_at = $1, lease_owner = NULL, \
                 lease_until = NULL WHERE id = $2 AND attempts = $3 AND state = 'pending'",
            )
            .bind(now)
            .bind(m.id)
            .bind(m.attempt)
            .execute(&mut *tx)
            .await
            .expect("outbox sent");
            sqlx::query::<Any>(
                "UPDATE filings SET status = 3, version = version + 1, updated_at = $1 \
                 WHERE id = $2 AND status = 2",
            )
            .bind(now)
            .bind(m.filing_id)
            .execute(&mut *tx)
            .await
            .expect("filing sent");
            sqlx::query::<Any>(
                "INSERT INTO filing_history (filing_id, at, actor, from_status, to_status, note, \
                 detail) VALUES ($1, $2, '系统', 2, 3, '报文已送达海关', $3)",
            )
            .bind(m.filing_id)
            .bind(now)
            .bind(format!(
                "报文编号 {}",
                m.envelope.message.message_head.message_id
            ))
            .execute(&mut *tx)
            .await
            .expect("history");
        }
        tx.commit().await.expect("commit");
    }
}
