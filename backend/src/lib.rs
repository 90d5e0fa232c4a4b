//! owf server library: the `owf` binary and the tests start the same pieces.

pub mod auth;
pub mod cli;
pub mod customs;
pub mod demo;
pub mod http;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::http::{AppState, HttpConfig};
use crate::store::Store;

/// Everything `owf serve` needs, whether from the command line or a test.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub database_url: String,
    pub dist: PathBuf,
    pub http: HttpConfig,
}

/// Connects and migrates the database, then serves the app on `listener` until `shutdown`.
pub async fn serve(
    config: ServeConfig,
    store: Store,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = AppState {
        store,
        config: Arc::new(config.http),
    };
    let app = http::router(state, &config.dist);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
