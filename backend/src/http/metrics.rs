//! `GET /metrics`: the numbers of the relay and of the writer in the Prometheus text format.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

use super::{AppError, AppState};
use crate::store::outbox::RelayCounts;
use crate::store::WriterCounts;

/// The exposition text of `counts` and `writer`.
pub fn render(counts: &RelayCounts, writer: &WriterCounts) -> String {
    let metrics = [
        (
            "owf_outbox_depth",
            "gauge",
            "Declarations waiting in the outbox to be delivered to customs.",
            counts.depth,
        ),
        (
            "owf_relay_sent_total",
            "counter",
            "Messages delivered to customs (发送海关成功).",
            counts.sent,
        ),
        (
            "owf_relay_retried_total",
            "counter",
            "Delivery attempts beyond each message's first.",
            counts.retried,
        ),
        (
            "owf_relay_failed_total",
            "counter",
            "Messages given up or refused by customs (发送海关失败).",
            counts.failed,
        ),
        (
            "owf_relay_receipts_applied_total",
            "counter",
            "Customs receipts (回执) applied to filings.",
            counts.receipts_applied,
        ),
        (
            "owf_relay_receipts_dead_total",
            "counter",
            "Customs receipts that could not be read, kept as dead letters.",
            counts.receipts_dead,
        ),
        (
            "owf_store_write_failures_total",
            "counter",
            "Writes the database failed (disk full, lost connection, failed commit) in this process.",
            writer.failures,
        ),
        (
            "owf_store_writer_reconnections_total",
            "counter",
            "Write connections replaced after a failed transaction in this process.",
            writer.reconnections,
        ),
    ];
    let mut text = String::new();
    for (name, kind, help, value) in metrics {
        let _ = write!(
            text,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
        );
    }
    text
}

/// 海关中继指标（Prometheus 文本格式）
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "运维",
    responses((status = OK, description = "Prometheus 文本", body = String, content_type = "text/plain"))
)]
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let counts = state.store.relay_counts().await?;
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        render(&counts, &state.store.writer_counts()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let text = render(
            &RelayCounts {
                depth: 3,
                sent: 10,
                retried: 2,
                failed: 1,
                receipts_applied: 20,
                receipts_dead: 4,
            },
            &WriterCounts {
                failures: 4,
                reconnections: 1,
            },
        );
        assert!(text.contains("# TYPE owf_outbox_depth gauge\nowf_outbox_depth 3\n"));
        assert!(text.contains("owf_relay_sent_total 10\n"));
        assert!(text.contains("owf_relay_receipts_applied_total 20\n"));
        assert!(text.contains("owf_relay_receipts_dead_total 4\n"));
        assert!(text.contains("owf_store_write_failures_total 4\n"));
        assert!(text.contains("owf_store_writer_reconnections_total 1\n"));
        assert_eq!(text.lines().count(), 24);
    }
}
