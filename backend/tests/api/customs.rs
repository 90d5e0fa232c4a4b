//! Customs for the relay tests: the sandbox served over real HTTP on a free port, fast relay
//! settings, and driving a relay until filings reach a status.

use std::time::Duration;

use owf_backend::customs::sandbox::{Faults, Sandbox, SandboxConfig};
use owf_backend::listener::Limits;
use owf_backend::relay::backoff::Backoff;
use owf_backend::relay::client::CustomsEndpoint;
use owf_backend::relay::{Relay, RelayConfig};
use owf_backend::store::Store;
use owf_shared::status::Status;

use crate::common::wait::eventually;

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

/// A relay to the customs at `url`, which asks for no secret.
pub fn relay_at(store: &Store, url: String) -> Relay {
    Relay::new(
        store.clone(),
        &CustomsEndpoint { url, secret: None },
        fast_relay(),
    )
    .unwrap()
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
