//! The server's figures (`/metrics`) through the `metrics` facade, kept in a Prometheus registry
//! of the server's own rather than in the process-wide recorder: tests run many servers in one
//! process, and each `/metrics` shows its own. The store makes it, being the first part of a
//! server, and its writer records into it; the HTTP layer shares it (`Store::telemetry`).
//!
//! Two kinds of figures: those recorded as things happen (requests, write batches) and those
//! read when `/metrics` is asked for (the relay's counts from the database, the writer's
//! failures), which the `/metrics` route sets just before rendering.

use std::sync::{Arc, Weak};
use std::time::Duration;

use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};

/// Requests by method, route template and status class (counter).
pub const HTTP_REQUESTS: &str = "owf_http_requests_total";
/// Time to answer a request, by method, route template and status class (histogram).
pub const HTTP_DURATION: &str = "owf_http_request_duration_seconds";
/// Writes committed together in one transaction of the store's writer (histogram).
pub const WRITE_BATCH: &str = "owf_store_write_batch_size";
/// Declarations waiting in the outbox (gauge).
pub const OUTBOX_DEPTH: &str = "owf_outbox_depth";
/// Age of the oldest undelivered outbox message (gauge).
pub const RELAY_LAG: &str = "owf_relay_lag_seconds";
pub const RELAY_SENT: &str = "owf_relay_sent_total";
pub const RELAY_RETRIED: &str = "owf_relay_retried_total";
pub const RELAY_FAILED: &str = "owf_relay_failed_total";
pub const RECEIPTS_APPLIED: &str = "owf_relay_receipts_applied_total";
pub const RECEIPTS_DEAD: &str = "owf_relay_receipts_dead_total";
pub const WRITE_FAILURES: &str = "owf_store_write_failures_total";
pub const WRITER_RECONNECTIONS: &str = "owf_store_writer_reconnections_total";

/// Bucket bounds of [`HTTP_DURATION`], seconds.
const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Bucket bounds of [`WRITE_BATCH`], up to the writer's largest batch (64).
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];
/// How often recorded samples are folded into the histograms, whether or not `/metrics` is
/// asked for (until then they are kept one by one).
const UPKEEP: Duration = Duration::from_secs(5);

/// The registry; cheap to clone.
#[derive(Clone)]
pub struct Telemetry {
    recorder: Arc<PrometheusRecorder>,
}

impl Telemetry {
    /// A new registry with every figure described, and its upkeep running on the Tokio runtime
    /// until the last clone is dropped.
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), DURATION_BUCKETS)
            .and_then(|builder| {
                builder.set_buckets_for_metric(Matcher::Full(WRITE_BATCH.into()), BATCH_BUCKETS)
            })
            .expect("bucket bounds are given")
            .build_recorder();
        let telemetry = Self {
            recorder: Arc::new(recorder),
        };
        telemetry.record(describe);
        tokio::spawn(upkeep(Arc::downgrade(&telemetry.recorder)));
        telemetry
    }

    /// Runs `record` with this registry behind the `metrics` macros (`counter!`, `gauge!`,
    /// `histogram!`); the handles they return keep recording into it afterwards.
    pub fn record<T>(&self, record: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(self.recorder.as_ref(), record)
    }

    /// The Prometheus text of every figure.
    pub fn render(&self) -> String {
        self.recorder.handle().render()
    }
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new()
    }
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests by method, route template (unmatched: the frontend's files and unknown \
         paths) and status class."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by method, route template and status class."
    );
    describe_histogram!(
        WRITE_BATCH,
        Unit::Count,
        "Writes committed together in one transaction of the store's writer (group commit)."
    );
    describe_gauge!(
        OUTBOX_DEPTH,
        "Declarations waiting in the outbox to be delivered to customs."
    );
    describe_gauge!(
        RELAY_LAG,
        Unit::Seconds,
        "Age of the oldest declaration not yet delivered to customs; 0 when none waits."
    );
    describe_counter!(RELAY_SENT, "Messages delivered to customs (发送海关成功).");
    describe_counter!(
        RELAY_RETRIED,
        "Delivery attempts beyond each message's first."
    );
    describe_counter!(
        RELAY_FAILED,
        "Messages given up or refused by customs (发送海关失败)."
    );
    describe_counter!(
        RECEIPTS_APPLIED,
        "Customs receipts (回执) applied to filings."
    );
    describe_counter!(
        RECEIPTS_DEAD,
        "Customs receipts that could not be read, kept as dead letters."
    );
    describe_counter!(
        WRITE_FAILURES,
        "Writes the database failed (disk full, lost connection, failed commit) in this process."
    );
    describe_counter!(
        WRITER_RECONNECTIONS,
        "Write connections replaced after a failed transaction in this process."
    );
}

/// Folds the recorded samples into the histograms every [`UPKEEP`] while the registry lives.
async fn upkeep(recorder: Weak<PrometheusRecorder>) {
    let mut every = tokio::time::interval(UPKEEP);
    loop {
        every.tick().await;
        let Some(recorder) = recorder.upgrade() else {
            return;
        };
        recorder.handle().run_upkeep();
    }
}
