//! A closed-loop load generator and the figures taken from it.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Latencies of `n` operations and the wall time they took.
#[derive(Debug, Clone, Default)]
pub struct Load {
    /// Sorted.
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

impl Load {
    /// From latencies measured elsewhere.
    pub fn from(mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
        latencies.sort();
        Self { latencies, elapsed }
    }

    /// Rounds of one measure taken as one: every latency, the time of all rounds.
    pub fn merged(rounds: Vec<Load>) -> Self {
        let elapsed = rounds.iter().map(|r| r.elapsed).sum();
        let latencies = rounds.into_iter().flat_map(|r| r.latencies).collect();
        Self::from(latencies, elapsed)
    }

    pub fn per_sec(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile (0–100), nearest rank.
    pub fn pct(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    pub fn p50(&self) -> Duration {
        self.pct(50.0)
    }

    pub fn p99(&self) -> Duration {
        self.pct(99.0)
    }
}

/// Runs `op(0..n)` from `concurrency` workers, each starting its next operation when the last
/// one ends.
pub async fn run<F, Fut>(n: usize, concurrency: usize, op: F) -> Load
where
    F: Fn(usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let next = next.clone();
            let op = op.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return latencies;
                    }
                    let t = Instant::now();
                    op(i).await;
                    latencies.push(t.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(n);
    for worker in workers {
        latencies.extend(worker.await.expect("load worker"));
    }
    Load::from(latencies, start.elapsed())
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The median of `values`.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
