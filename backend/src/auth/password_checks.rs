//! At most [`PASSWORD_CHECKS`] password checks at once. argon2id needs 19 MiB per check, held
//! only while it runs, so login attempts in parallel cannot grow the server's memory beyond
//! 4 × 19 MiB, and an idle server holds none. A check that finds every slot taken is refused, not
//! queued.

use std::sync::{Arc, OnceLock};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::password;

/// Password checks that may run at once (4 × 19 MiB).
pub const PASSWORD_CHECKS: usize = 4;

/// The slots for password checks.
pub struct PasswordChecks {
    slots: Arc<Semaphore>,
}

/// A reserved slot: one password check may run.
pub struct PasswordCheck {
    _slot: OwnedSemaphorePermit,
}

impl Default for PasswordChecks {
    fn default() -> Self {
        Self {
            slots: Arc::new(Semaphore::new(PASSWORD_CHECKS)),
        }
    }
}

impl PasswordChecks {
    /// A slot for one check; `None` while every slot is taken.
    pub fn reserve(&self) -> Option<PasswordCheck> {
        let slot = self.slots.clone().try_acquire_owned().ok()?;
        Some(PasswordCheck { _slot: slot })
    }
}

impl PasswordCheck {
    /// Whether `password` matches `stored`. Without a stored hash (no such card, or a locked
    /// one) the check does the same work and fails, so the answer comes just as late.
    /// argon2id runs on the blocking pool: it would otherwise hold up this runtime thread.
    pub async fn verify(self, password: String, stored: Option<String>) -> bool {
        tokio::task::spawn_blocking(move || {
            let matched = match &stored {
                Some(hash) => password::verify(&password, hash),
                None => {
                    password::verify(&password, no_card_hash());
                    false
                }
            };
            drop(self);
            matched
        })
        .await
        .unwrap_or(false)
    }
}

/// A hash with the default parameters, checked in place of a card that cannot log in.
fn no_card_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash("owf: no such card"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_beyond_the_slots_is_refused_until_one_ends() {
        let checks = Arc::new(PasswordChecks::default());
        let mut held: Vec<_> = (0..PASSWORD_CHECKS)
            .map(|_| checks.reserve().expect("a free slot"))
            .collect();
        assert!(checks.reserve().is_none(), "every slot is taken");
        let stored = password::hash("right");
        let first = held.pop().unwrap();
        assert!(first.verify("right".into(), Some(stored.clone())).await);
        let again = checks.reserve().expect("the finished check freed its slot");
        assert!(checks.reserve().is_none(), "the others are still taken");
        assert!(!again.verify("wrong".into(), Some(stored)).await);
        drop(held);
    }

    #[tokio::test]
    async fn without_a_stored_hash_nothing_matches() {
        let checks = Arc::new(PasswordChecks::default());
        let check = checks.reserve().unwrap();
        assert!(!check.verify("owf: no such card".into(), None).await);
    }
}
