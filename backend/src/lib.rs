//! owf server library: the `owf` binary and the tests start the same pieces.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod customs;
pub mod demo;
mod headers;
pub mod http;
pub mod listener;
pub mod relay;
pub mod store;
pub mod telemetry;

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::customs::sandbox::{Sandbox, SandboxConfig};
use crate::http::{AppState, HttpConfig};
use crate::listener::Limits;
use crate::relay::client::CustomsEndpoint;
use crate::relay::{Relay, RelayConfig};
use crate::store::Store;

/// The customs sandbox `owf serve` runs in its own process, on a listener of its own.
#[derive(Debug)]
pub struct OwnSandbox {
    /// Its listener, bound by the caller: loopback by default, never the app's listener.
    pub listener: TcpListener,
    pub config: SandboxConfig,
}

/// Everything `owf serve` needs, whether from the command line or a test.
#[derive(Debug)]
pub struct ServeConfig {
    pub database_url: String,
    pub dist: PathBuf,
    pub http: HttpConfig,
    /// The bounds of every connection, on the app's listener and the sandbox's.
    pub limits: Limits,
    /// The customs relay's settings; `None` runs no relay in this process.
    pub relay: Option<RelayConfig>,
    /// Base URL of customs; `None` means this server's own sandbox.
    pub customs_url: Option<String>,
    /// The secret the relay sends to customs and the own sandbox requires; `None` sends none to
    /// another customs, and draws a random one for this process when it runs its own sandbox.
    pub customs_secret: Option<String>,
    /// The customs sandbox to run beside the app; `None` runs none.
    pub sandbox: Option<OwnSandbox>,
}

/// A fresh random secret (64 hex digits).
pub fn random_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The base URL at which this machine reaches a listener bound to `addr`.
pub fn local_url(addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() {
        match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        }
    } else {
        addr.ip()
    };
    format!("http://{}", SocketAddr::new(host, addr.port()))
}

/// Serves the app on `listener` until `shutdown`, with the customs sandbox on its own listener
/// and the relay running as configured.
pub async fn serve(
    config: ServeConfig,
    store: Store,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let secret = config
        .customs_secret
        .clone()
        .or_else(|| config.sandbox.is_some().then(random_secret));
    let sandbox = match (config.sandbox, &secret) {
        (Some(own), Some(secret)) => {
            let url = local_url(own.listener.local_addr()?);
            tracing::info!(%url, "customs sandbox listening");
            let sandbox = Sandbox::new(store.clone(), own.config, secret);
            Some((own.listener, url, sandbox))
        }
        _ => None,
    };
    let relay = match config.relay {
        Some(relay_config) => {
            let url = match (&config.customs_url, &sandbox) {
                (Some(url), _) => url.clone(),
                (None, Some((_, url, _))) => url.clone(),
                (None, None) => {
                    return Err(std::io::Error::other(
                        "没有海关地址：请用 --customs-url 指定，或运行自带的海关沙箱",
                    ))
                }
            };
            let customs = CustomsEndpoint { url, secret };
            let relay =
                Relay::new(store.clone(), &customs, relay_config).map_err(std::io::Error::other)?;
            Some(tokio::spawn(relay.run()))
        }
        None => None,
    };
    let (stop, stopping) = watch::channel(false);
    let stopped = move || {
        let mut stopping = stopping.clone();
        async move {
            let _ = stopping.wait_for(|stopped| *stopped).await;
        }
    };
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let state = AppState::new(store, config.http);
    let app = listener::serve(
        listener,
        http::router(state, &config.dist),
        config.limits,
        stopped(),
    );
    let customs = async {
        if let Some((bound, _, sandbox)) = sandbox {
            listener::serve(bound, sandbox.router(), config.limits, stopped()).await;
        }
    };
    tokio::join!(app, customs);
    if let Some(relay) = relay {
        relay.abort();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_on_every_address_is_reached_over_loopback() {
        assert_eq!(
            local_url("0.0.0.0:8090".parse().unwrap()),
            "http://127.0.0.1:8090"
        );
        assert_eq!(local_url("[::]:8090".parse().unwrap()), "http://[::1]:8090");
        assert_eq!(
            local_url("192.0.2.1:80".parse().unwrap()),
            "http://192.0.2.1:80"
        );
    }
}
