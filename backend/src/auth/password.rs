//! Password hashing with argon2id. A check allocates argon2's 19 MiB for itself and frees it when
//! done (`main` has the allocator hand such blocks back to the OS at once), so an idle server
//! holds no hashing memory; `password_checks` bounds how many checks run at once.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

/// A PHC-format argon2id hash of `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

/// Whether `password` matches the stored PHC hash, with the algorithm, version and parameters the
/// hash names. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{Algorithm, Params, Version};

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

    #[test]
    fn hashes_of_other_argon2_variants_still_verify() {
        let params = Params::new(64, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::new(Algorithm::Argon2i, Version::V0x10, params)
            .hash_password(b"old", &salt)
            .unwrap()
            .to_string();
        assert!(verify("old", &stored));
        assert!(!verify("new", &stored));
    }
}
