//! owf server library: the `owf` binary and the tests start the same pieces.

pub mod auth;
pub mod cli;
pub mod customs;
pub mod demo;
pub mod http;
pub mod relay;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::customs::sandbox::{Sandbox, SandboxConfig};
use crate::http::{AppState, HttpConfig};
use crate::relay::{Relay, RelayConfig};
use crate::store::Store;

/// Where `owf serve` mounts the customs sandbox.
pub const SANDBOX_PATH: &str = "/customs-sandbox";

/// Everything `owf serve` needs, whether from the command line or a test.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub database_url: String,
    pub dist: PathBuf,
    pub http: HttpConfig,
    /// The customs relay's settings; `None` runs no relay in this process.
    pub relay: Option<RelayConfig>,
    /// Base URL of customs; `None` means this server's own sandbox.
    pub customs_url: Option<String>,
    /// The customs sandbox mounted under [`SANDBOX_PATH`]; `None` mounts none.
    pub sandbox: Option<SandboxConfig>,
}

/// The base URL of the sandbox mounted on a server listening at `addr`.
pub fn own_sandbox_url(addr: SocketAddr) -> String {
    let host = if addr.ip().is_unspecified() {
        match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        }
    } else {
        addr.ip()
    };
    format!(
        "http://{}{SANDBOX_PATH}",
        SocketAddr::new(host, addr.port())
    )
}

/// Serves the app on `listener` until `shutdown`, with the customs sandbox mounted and the relay
/// running as configured.
pub async fn serve(
    config: ServeConfig,
    store: Store,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = AppState {
        store: store.clone(),
        config: Arc::new(config.http),
    };
    let mut app = http::router(state, &config.dist);
    if let Some(sandbox) = config.sandbox {
        app = app.nest(SANDBOX_PATH, Sandbox::new(store.clone(), sandbox).router());
    }
    let relay = match config.relay {
        Some(relay_config) => {
            let url = match config.customs_url {
                Some(url) => url,
                None => own_sandbox_url(listener.local_addr()?),
            };
            let relay = Relay::new(store, &url, relay_config).map_err(std::io::Error::other)?;
            Some(tokio::spawn(relay.run()))
        }
        None => None,
    };
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    if let Some(relay) = relay {
        relay.abort();
    }
    served
}

/// Serves the customs sandbox alone (`owf customs-sandbox`) until `shutdown`.
pub async fn serve_sandbox(
    config: SandboxConfig,
    store: Store,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Sandbox::new(store, config).router();
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_own_sandbox_is_reached_over_loopback() {
        assert_eq!(
            own_sandbox_url("0.0.0.0:8080".parse().unwrap()),
            "http://127.0.0.1:8080/customs-sandbox"
        );
        assert_eq!(
            own_sandbox_url("[::]:8080".parse().unwrap()),
            "http://[::1]:8080/customs-sandbox"
        );
        assert_eq!(
            own_sandbox_url("192.0.2.1:80".parse().unwrap()),
            "http://192.0.2.1:80/customs-sandbox"
        );
    }
}
