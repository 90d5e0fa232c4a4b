//! Relay test support: a customs sandbox served over real HTTP on a free port, fast relay
//! settings, many enterprises with declared registrations, polling with a deadline, and the real
//! `owf serve` as a child process.

#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use owf_backend::customs::keys::SigningKeys;
use owf_backend::customs::message::{self, DeclarationInput, DeclaredForm};
use owf_backend::customs::sandbox::{Faults, Sandbox, SandboxConfig};
use owf_backend::listener::Limits;
use owf_backend::relay::backoff::Backoff;
use owf_backend::relay::client::CustomsEndpoint;
use owf_backend::relay::{Relay, RelayConfig};
use owf_backend::store::filings::{IndexColumns, NewFiling, OutboxMessage};
use owf_backend::store::history::Transition;
use owf_backend::store::key_encryption;
use owf_backend::store::Store;
use owf_shared::enterprise::{CreditLevel, NewEnterprise};
use owf_shared::field::FilingKind;
use owf_shared::form::RegistrationForm;
use owf_shared::ids::Uscc;
use owf_shared::status::Status;
use sqlx::Row;

/// The sandbox with no receipt delays.
pub fn instant_customs() -> SandboxConfig {
    SandboxConfig {
        received_delay: Duration::ZERO,
        verdict_delay: Duration::ZERO,
        faults: Faults::default(),
    }
}

/// Relay settings for tests: short backoff and poll, a generous lease.
pub fn fast_relay() -> RelayConfig {
    RelayConfig {
        max_attempts: 6,
        backoff: Backoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(40),
        },
        lease: Duration::from_secs(30),
        poll_interval: Duration::from_millis(10),
        batch_size: 32,
        batches_in_flight: 2,
        request_timeout: Duration::from_secs(5),
    }
}

/// A sandbox served on 127.0.0.1 at a free port, requiring its own random secret.
pub struct Customs {
    pub sandbox: Sandbox,
    pub endpoint: CustomsEndpoint,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Customs {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn customs(store: &Store, config: SandboxConfig) -> Customs {
    let secret = owf_backend::random_secret();
    let sandbox = Sandbox::new(store.clone(), config, &secret);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = owf_backend::local_url(listener.local_addr().unwrap());
    let server = tokio::spawn(owf_backend::listener::serve(
        listener,
        sandbox.router(),
        Limits::DEFAULT,
        std::future::pending(),
    ));
    Customs {
        sandbox,
        endpoint: CustomsEndpoint {
            url,
            secret: Some(secret),
        },
        server,
    }
}

pub fn relay(store: &Store, customs: &Customs, config: RelayConfig) -> Relay {
    Relay::new(store.clone(), &customs.endpoint, config).unwrap()
}

/// Polls `check` until it yields a value or `limit` passes.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One relay step: a send round and a receipt page (errors are the sandbox being down).
pub async fn step(relay: &Relay) {
    let _ = relay.send_due().await;
    let _ = relay.pull_receipts().await;
}

/// Steps `relay` until every filing in `ids` has reached `status`.
pub async fn drive_until(store: &Store, relay: &Relay, ids: &[i64], status: Status) {
    eventually(
        Duration::from_secs(60),
        "filings to reach their status",
        || async {
            step(relay).await;
            let statuses = statuses(store, ids).await;
            statuses.iter().all(|s| *s == status).then_some(())
        },
    )
    .await;
}

/// The statuses of filings, in the order of `ids`.
pub async fn statuses(store: &Store, ids: &[i64]) -> Vec<Status> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let code: i64 = sqlx::query_scalar("SELECT status FROM filings WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        out.push(Status::from_code(code as i32).unwrap());
    }
    out
}

/// `(from, to, actor, note)` of a filing's history.
pub async fn history(store: &Store, id: i64) -> Vec<(Option<Status>, Status, String, String)> {
    let rows: Vec<(Option<i64>, i64, String, String)> = sqlx::query_as(
        "SELECT from_status, to_status, actor, note FROM filing_history \
         WHERE filing_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let status = |code: i64| Status::from_code(code as i32).unwrap();
    rows.into_iter()
        .map(|(from, to, actor, note)| (from.map(status), status(to), actor, note))
        .collect()
}

/// `(state, attempts, last_error)` of a filing's latest outbox message.
pub async fn delivery(store: &Store, id: i64) -> (String, i64, Option<String>) {
    sqlx::query_as(
        "SELECT state, attempts, last_error FROM outbox WHERE filing_id = $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

/// Creates enterprise number `n` (not in a zone) and declares its 企业登记 through the store, as
/// the declare endpoint does: signed message and outbox row in the declaring transaction.
/// Returns the filing id.
pub async fn declared_registration(store: &Store, n: usize) -> i64 {
    let body = format!("91440300MA{n:07}");
    let uscc = format!("{body}{}", Uscc::check_char(&body).unwrap());
    let enterprise = NewEnterprise {
        id: (),
        customs_code: format!("4403{n:06}"),
        uscc: uscc.clone(),
        name: format!("深圳测试跨境电商有限公司{n}"),
        customs_district: "5300".into(),
        in_zone: false,
        credit_level: CreditLevel::Registered,
    };
    let keys = SigningKeys::new(store.clone());
    let enterprise_id = keys.add_enterprise(&enterprise).await.unwrap().unwrap();
    let info = store
        .enterprise_by_customs_code(&enterprise.customs_code)
        .await
        .unwrap()
        .unwrap();
    let form = RegistrationForm {
        uscc,
        ent_name: enterprise.name.clone(),
        customs_district: "5300".into(),
        trade_modes: vec!["9810".into()],
        contact_name: "张三".into(),
        contact_phone: "0755-12345678".into(),
        commitment_ack: true,
        ..RegistrationForm::default()
    };
    let card = format!("89{n:011}");
    let record = store
        .create_filing(&NewFiling {
            kind: FilingKind::Registration,
            enterprise: &info,
            registration: None,
            operator_card_no: &card,
            form_json: serde_json::to_string(&form).unwrap(),
            index: IndexColumns {
                trade_modes: form.trade_modes.clone(),
                ..IndexColumns::default()
            },
        })
        .await
        .unwrap()
        .record;
    let signer = keys.signer(enterprise_id).await.unwrap();
    let signed = message::declaration(
        DeclarationInput {
            apply_no: &record.apply_no,
            ent_apply_no: "",
            enterprise: &info,
            card_no: &card,
            form: DeclaredForm::Registration(form),
        },
        &signer,
    );
    let message = OutboxMessage::from(signed);
    let declared = store
        .declare_filing(
            record.clone(),
            Transition {
                id: record.id,
                version: record.version,
                from: Status::Draft,
                to: Status::Declared,
                actor: card,
                note: "申报".into(),
            },
            message,
        )
        .await
        .unwrap();
    assert!(declared.is_some());
    record.id
}

/// Guids of every outbox message.
pub async fn outbox_guids(store: &Store) -> Vec<String> {
    let rows = sqlx::query("SELECT guid FROM outbox ORDER BY guid")
        .fetch_all(store.pool())
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<String, _>("guid")).collect()
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child `owf serve` or `owf customs-sandbox`, killed when dropped.
pub struct Owf {
    child: Child,
    /// The app's (or the standalone sandbox's) listener.
    pub addr: SocketAddr,
}

impl Owf {
    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Peak resident memory of the process so far, in MiB (VmHWM of `/proc/<pid>/status`).
    pub fn peak_mb(&self) -> u64 {
        self.status_mb("VmHWM:")
    }

    /// Resident memory of the process now, in MiB (VmRSS of `/proc/<pid>/status`).
    pub fn resident_mb(&self) -> u64 {
        self.status_mb("VmRSS:")
    }

    fn status_mb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kb| kb.trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in /proc/<pid>/status"));
        kb / 1024
    }
}

impl Drop for Owf {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `owf serve --database-url <database_url> <args>` on a free port, serving no frontend,
/// and waits until it answers `/healthz`.
pub async fn owf_serve(database_url: &str, args: &[&str]) -> Owf {
    let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let child = Command::new(env!("CARGO_BIN_EXE_owf"))
        .args(["serve", "--database-url", database_url])
        .args(["--listen", &addr.to_string(), "--dist", "/nonexistent-dist"])
        .args(args)
        .env("OWF_LOG", "warn")
        .env(key_encryption::ENV_VAR, key_encryption::DEMO_KEY_HEX)
        .stdout(Stdio::null())
        .spawn()
        .expect("start owf serve");
    let server = Owf { child, addr };
    let health = format!("http://{addr}/healthz");
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

/// Starts `owf customs-sandbox --database-url <database_url> --customs-secret <secret>` on a free
/// port and waits until it answers (with the secret).
pub async fn owf_customs_sandbox(database_url: &str, secret: &str) -> Owf {
    let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let child = Command::new(env!("CARGO_BIN_EXE_owf"))
        .args(["customs-sandbox", "--database-url", database_url])
        .args(["--listen", &addr.to_string(), "--customs-secret", secret])
        .env("OWF_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start owf customs-sandbox");
    let sandbox = Owf { child, addr };
    let receipts = format!("http://{addr}/receipts?after=0&limit=1");
    let client = reqwest::Client::new();
    eventually(Duration::from_secs(20), "the sandbox to answer", || async {
        client
            .get(&receipts)
            .bearer_auth(secret)
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success())
    })
    .await;
    sandbox
}
