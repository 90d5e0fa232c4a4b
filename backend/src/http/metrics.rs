//! `GET /metrics`: the server's figures ([`crate::telemetry`]) in the Prometheus text format,
//! and the middleware that counts and times every request.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, gauge, histogram};

use super::{AppError, AppState};
use crate::clock::now_ms;
use crate::store::outbox::RelayCounts;
use crate::store::WriterCounts;
use crate::telemetry::{self, Telemetry};

/// The `route` of a request no route matched: the frontend's files and unknown paths.
const UNMATCHED: &str = "unmatched";

/// Counts the request by method, route template and status class, and records how long the
/// answer took.
pub async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", status_class(response.status()).to_owned()),
    ];
    state.store.telemetry().record(|| {
        counter!(telemetry::HTTP_REQUESTS, &labels).increment(1);
        histogram!(telemetry::HTTP_DURATION, &labels).record(started.elapsed());
    });
    response
}

/// The method, or `OTHER` for one the server has no route for (no label per invented method).
fn method_label(method: &Method) -> &'static str {
    ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]
        .into_iter()
        .find(|known| *known == method.as_str())
        .unwrap_or("OTHER")
}

/// `2xx`, `4xx` …
fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

/// The figures read when `/metrics` is asked for: the relay's from the database (as of `now`,
/// ms since the epoch), the writer's since the process started.
fn publish(telemetry: &Telemetry, relay: &RelayCounts, writer: &WriterCounts, now: i64) {
    let total = |count: i64| u64::try_from(count).unwrap_or(0);
    let lag_ms = relay.oldest_waiting.map_or(0, |at| (now - at).max(0));
    telemetry.record(|| {
        gauge!(telemetry::OUTBOX_DEPTH).set(relay.depth as f64);
        gauge!(telemetry::RELAY_LAG).set(lag_ms as f64 / 1000.0);
        counter!(telemetry::RELAY_SENT).absolute(total(relay.sent));
        counter!(telemetry::RELAY_RETRIED).absolute(total(relay.retried));
        counter!(telemetry::RELAY_FAILED).absolute(total(relay.failed));
        counter!(telemetry::RECEIPTS_APPLIED).absolute(total(relay.receipts_applied));
        counter!(telemetry::RECEIPTS_DEAD).absolute(total(relay.receipts_dead));
        counter!(telemetry::WRITE_FAILURES).absolute(total(writer.failures));
        counter!(telemetry::WRITER_RECONNECTIONS).absolute(total(writer.reconnections));
    });
}

/// 指标（Prometheus 文本格式）：请求、写入批次、海关中继
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "运维",
    responses((status = OK, description = "Prometheus 文本", body = String, content_type = "text/plain"))
)]
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let relay = state.store.relay_counts().await?;
    let telemetry = state.store.telemetry();
    publish(telemetry, &relay, &state.store.writer_counts(), now_ms());
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        telemetry.render(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_prometheus_text() {
        let telemetry = Telemetry::new();
        publish(
            &telemetry,
            &RelayCounts {
                depth: 3,
                sent: 10,
                retried: 2,
                failed: 1,
                receipts_applied: 20,
                receipts_dead: 4,
                oldest_waiting: Some(1_000),
            },
            &WriterCounts {
                failures: 4,
                reconnections: 1,
            },
            91_500,
        );
        let text = telemetry.render();
        assert!(text.contains("# TYPE owf_outbox_depth gauge\nowf_outbox_depth 3\n"));
        assert!(text.contains("\nowf_relay_lag_seconds 90.5\n"), "{text}");
        assert!(text.contains("owf_relay_sent_total 10\n"));
        assert!(text.contains("owf_relay_receipts_applied_total 20\n"));
        assert!(text.contains("owf_relay_receipts_dead_total 4\n"));
        assert!(text.contains("owf_store_write_failures_total 4\n"));
        assert!(text.contains("owf_store_writer_reconnections_total 1\n"));
        assert_eq!(text.matches("# TYPE ").count(), 9, "{text}");
    }

    #[test]
    fn labels_are_bounded() {
        assert_eq!(method_label(&Method::DELETE), "DELETE");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "OTHER");
        assert_eq!(status_class(StatusCode::NO_CONTENT), "2xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
    }
}
