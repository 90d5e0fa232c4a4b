//! The per-client limit on login attempts: a token bucket per client address (IPv6 by its /64
//! network), refilled evenly over a minute, in a table of at most [`MAX_CLIENTS`] buckets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Clients remembered at once; a bucket is forgotten once it is full again.
pub const MAX_CLIENTS: usize = 10_000;

/// Login attempts per client and minute.
pub struct ClientRateLimit {
    per_minute: f64,
    buckets: Mutex<HashMap<Option<u128>, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl ClientRateLimit {
    /// Up to `per_minute` attempts at once, then one every `60 / per_minute` seconds.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::default(),
        }
    }

    /// Takes one attempt for `client` (`None`: unknown address, one shared bucket), or tells how
    /// long to wait before the next.
    pub fn take(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        self.take_at(client.map(network), Instant::now())
    }

    fn take_at(&self, client: Option<u128>, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            buckets.retain(|_, bucket| self.refilled(*bucket, now) < self.per_minute);
            if buckets.len() >= MAX_CLIENTS {
                return Err(self.one_token());
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.per_minute,
            at: now,
        });
        let tokens = self.refilled(*bucket, now);
        if tokens < 1.0 {
            return Err(Duration::from_secs_f64((1.0 - tokens) / self.per_second()));
        }
        *bucket = Bucket {
            tokens: tokens - 1.0,
            at: now,
        };
        Ok(())
    }

    fn per_second(&self) -> f64 {
        self.per_minute / 60.0
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.per_second()).min(self.per_minute)
    }

    fn one_token(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.per_second())
    }
}

/// The bucket key of an address: IPv4 as is, IPv6 by its /64 network (one subscriber's).
fn network(addr: IpAddr) -> u128 {
    match addr.to_canonical() {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => (u128::from(v6) >> 64) | (1 << 64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(n: u32) -> Option<u128> {
        Some(network(IpAddr::from(n.to_be_bytes())))
    }

    #[test]
    fn a_client_gets_its_burst_then_one_attempt_per_interval() {
        let limit = ClientRateLimit::new(6);
        let start = Instant::now();
        for _ in 0..6 {
            assert!(limit.take_at(client(1), start).is_ok());
        }
        let wait = limit.take_at(client(1), start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(10));
        assert!(limit.take_at(client(2), start).is_ok(), "others unaffected");
        let later = start + Duration::from_secs(10);
        assert!(limit.take_at(client(1), later).is_ok());
        assert!(limit.take_at(client(1), later).is_err());
    }

    #[test]
    fn an_ipv6_network_is_one_client_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network(a), network(b));
        assert_ne!(network(a), network(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(network(mapped), network(v4));
        let zero_v6: IpAddr = "::".parse().unwrap();
        let zero_v4: IpAddr = "0.0.0.0".parse().unwrap();
        assert_ne!(network(zero_v6), network(zero_v4));
    }

    #[test]
    fn the_table_stays_bounded_and_forgets_idle_clients() {
        let limit = ClientRateLimit::new(60);
        let start = Instant::now();
        for n in 0..MAX_CLIENTS as u32 {
            limit.take_at(client(n), start).unwrap();
        }
        let newcomer = client(u32::MAX);
        assert!(
            limit.take_at(newcomer, start).is_err(),
            "a full table of active clients takes no more"
        );
        let refilled = start + Duration::from_secs(1);
        assert!(limit.take_at(newcomer, refilled).is_ok());
        assert!(limit.buckets.lock().unwrap().len() <= MAX_CLIENTS);
    }
}
