//! Password hashing with argon2id. A check works in memory the caller lends ([`Memory`]), so the
//! server can reuse a few buffers instead of allocating 19 MiB for every login attempt.

use argon2::password_hash::{
    self, rand_core::OsRng, Output, PasswordHash, PasswordHasher, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// The working memory of one check (argon2's blocks); it grows to what a hash needs and is then
/// reused.
#[derive(Default)]
pub struct Memory(Vec<Block>);

/// A PHC-format argon2id hash of `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

/// Whether `password` matches the stored PHC hash, computed in `memory`. A malformed hash never
/// matches.
pub fn verify(password: &str, stored: &str, memory: &mut Memory) -> bool {
    matches(password, stored, memory).unwrap_or(false)
}

fn matches(password: &str, stored: &str, memory: &mut Memory) -> password_hash::Result<bool> {
    let parsed = PasswordHash::new(stored)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Ok(false);
    };
    let params = Params::try_from(&parsed)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let argon2 = Argon2::new(Algorithm::try_from(parsed.algorithm)?, version, params);
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let blocks = argon2.params().block_count();
    if memory.0.len() < blocks {
        memory.0.resize(blocks, Block::default());
    }
    let mut computed = vec![0u8; expected.len()];
    argon2.hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut computed,
        &mut memory.0[..blocks],
    )?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&computed)? == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_its_password() {
        let mut memory = Memory::default();
        let stored = hash("正确的密码 1");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("正确的密码 1", &stored, &mut memory));
        assert!(!verify("正确的密码 2", &stored, &mut memory));
        assert!(!verify("正确的密码 1", "not a hash", &mut memory));
    }

    #[test]
    fn same_password_gets_different_salts() {
        assert_ne!(hash("x"), hash("x"));
    }

    #[test]
    fn reused_memory_gives_the_same_answers() {
        let mut memory = Memory::default();
        let first = hash("第一个");
        let second = hash("第二个");
        for _ in 0..2 {
            assert!(verify("第一个", &first, &mut memory));
            assert!(!verify("第一个", &second, &mut memory));
            assert!(verify("第二个", &second, &mut memory));
        }
    }

    #[test]
    fn hashes_of_other_argon2_variants_still_verify() {
        let params = Params::new(64, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::new(Algorithm::Argon2i, Version::V0x10, params)
            .hash_password(b"old", &salt)
            .unwrap()
            .to_string();
        let mut memory = Memory::default();
        assert!(verify("old", &stored, &mut memory));
        assert!(!verify("new", &stored, &mut memory));
    }
}
