//! Retry policy: capped exponential backoff with jitter.

use std::time::Duration;

/// When to retry after a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait after the first failed attempt.
    pub initial: Duration,
    /// Longest wait.
    pub max: Duration,
}

impl Backoff {
    /// The wait after failed attempt number `attempt` (1-based): `initial × 2^(attempt−1)`,
    /// capped at `max`, then scaled into its upper half by `jitter` ∈ [0, 1] so that relays
    /// retrying together spread out.
    pub fn delay(&self, attempt: i64, jitter: f64) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1).clamp(0, 32)).unwrap_or(32);
        let full = self
            .initial
            .saturating_mul(2_u32.saturating_pow(doublings))
            .min(self.max);
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// [`Self::delay`] with random jitter.
    pub fn random_delay(&self, attempt: i64) -> Duration {
        self.delay(attempt, rand::random())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_until_the_cap_with_jitter_in_the_upper_half() {
        let b = Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
        };
        let full: Vec<u64> = (1..=8).map(|n| b.delay(n, 1.0).as_secs()).collect();
        assert_eq!(full, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(b.delay(3, 0.0), Duration::from_secs(2));
        assert_eq!(b.delay(1_000, 1.0), Duration::from_secs(60));
        assert_eq!(b.delay(0, 1.0), Duration::from_secs(1));
        for _ in 0..100 {
            let d = b.random_delay(4);
            assert!(
                d >= Duration::from_secs(4) && d <= Duration::from_secs(8),
                "{d:?}"
            );
        }
    }
}
