//! Password hashing with argon2id.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// A PHC-format argon2id hash of `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

/// Whether `password` matches the stored PHC hash. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_its_password() {
        let stored = hash("正确的密码 1");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("正确的密码 1", &stored));
        assert!(!verify("正确的密码 2", &stored));
        assert!(!verify("正确的密码 1", "not a hash"));
    }

    #[test]
    fn same_password_gets_different_salts() {
        assert_ne!(hash("x"), hash("x"));
    }
}
