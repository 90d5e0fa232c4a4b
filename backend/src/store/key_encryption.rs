//! 签名密钥加密存储: the enterprises' SM2 private keys are stored encrypted with AES-256-GCM
//! under a key from the environment (`OWF_KEY_ENCRYPTION_KEY`), as
//! `v1:<nonce base64>:<ciphertext base64>` with a random nonce per value. The enterprise id is
//! the associated data, so a value copied into another enterprise's row does not decrypt.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

/// The environment variable that holds the key: 32 bytes as 64 hex characters.
pub const ENV_VAR: &str = "OWF_KEY_ENCRYPTION_KEY";

/// The documented key of `--demo` (`make run`) when [`ENV_VAR`] is not set. Public, so it
/// protects nothing: never for real enterprises' keys.
pub const DEMO_KEY_HEX: &str = "6f77662d64656d6f2d6b65792d6e6f742d666f722d7265616c2d7573652d2121";

/// Marks an encrypted value and its format version.
const PREFIX: &str = "v1:";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyEncryptionError {
    #[error("{ENV_VAR} 必须是 64 个十六进制字符（32 字节），例如 `openssl rand -hex 32` 的输出")]
    Malformed,
    #[error(
        "企业 {enterprise_id} 的签名密钥无法解密：{ENV_VAR} 不是加密它时所用的密钥（或该值已损坏）"
    )]
    WrongKey { enterprise_id: i64 },
    #[error("企业 {enterprise_id} 的签名密钥不是可识别的加密格式（应为 v1:…）")]
    UnknownFormat { enterprise_id: i64 },
}

/// The key that encrypts the signing keys at rest.
#[derive(Clone)]
pub struct KeyEncryptionKey(Aes256Gcm);

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyEncryptionKey(..)")
    }
}

/// Whether a stored `sign_key` is already encrypted (a legacy row holds the plain hex).
pub fn is_encrypted(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

fn associated_data(enterprise_id: i64) -> String {
    format!("enterprises.sign_key:{enterprise_id}")
}

impl KeyEncryptionKey {
    /// The key from its 64 hex characters.
    pub fn from_hex(text: &str) -> Result<Self, KeyEncryptionError> {
        let bytes = hex::decode(text.trim()).map_err(|_| KeyEncryptionError::Malformed)?;
        Aes256Gcm::new_from_slice(&bytes)
            .map(Self)
            .map_err(|_| KeyEncryptionError::Malformed)
    }

    /// The public demo key, [`DEMO_KEY_HEX`].
    pub fn demo() -> Self {
        Self::from_hex(DEMO_KEY_HEX).expect("the demo key is 64 hex characters")
    }

    /// Encrypts the secret of enterprise `enterprise_id` into its stored form.
    pub fn encrypt(&self, enterprise_id: i64, secret: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = associated_data(enterprise_id);
        let ciphertext = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: secret.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any value shorter than 64 GiB");
        format!(
            "{PREFIX}{}:{}",
            BASE64.encode(nonce),
            BASE64.encode(ciphertext)
        )
    }

    /// The secret of enterprise `enterprise_id` from its stored form.
    pub fn decrypt(&self, enterprise_id: i64, stored: &str) -> Result<String, KeyEncryptionError> {
        let unknown = KeyEncryptionError::UnknownFormat { enterprise_id };
        let (nonce, ciphertext) = stored
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .ok_or(unknown.clone())?;
        let nonce = BASE64.decode(nonce).map_err(|_| unknown.clone())?;
        let ciphertext = BASE64.decode(ciphertext).map_err(|_| unknown.clone())?;
        if nonce.len() != 12 {
            return Err(unknown);
        }
        let aad = associated_data(enterprise_id);
        let plain = self
            .0
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| KeyEncryptionError::WrongKey { enterprise_id })?;
        String::from_utf8(plain).map_err(|_| KeyEncryptionError::WrongKey { enterprise_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "1f3a5c7e9b0d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c0e2b4d6f8a0c1e3b5d7f9a";

    #[test]
    fn a_secret_is_stored_encrypted_and_decrypts_back() {
        let key = KeyEncryptionKey::demo();
        let stored = key.encrypt(7, SECRET);
        assert!(is_encrypted(&stored), "{stored}");
        assert!(!stored.contains(SECRET));
        assert_ne!(stored, key.encrypt(7, SECRET), "a fresh nonce per value");
        assert_eq!(key.decrypt(7, &stored).unwrap(), SECRET);
    }

    #[test]
    fn another_key_or_another_row_does_not_decrypt() {
        let stored = KeyEncryptionKey::demo().encrypt(7, SECRET);
        let other = KeyEncryptionKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(
            other.decrypt(7, &stored),
            Err(KeyEncryptionError::WrongKey { enterprise_id: 7 })
        );
        assert_eq!(
            KeyEncryptionKey::demo().decrypt(8, &stored),
            Err(KeyEncryptionError::WrongKey { enterprise_id: 8 })
        );
        assert_eq!(
            KeyEncryptionKey::demo().decrypt(7, SECRET),
            Err(KeyEncryptionError::UnknownFormat { enterprise_id: 7 })
        );
    }

    #[test]
    fn only_32_bytes_of_hex_make_a_key() {
        for bad in [
            "",
            "abc",
            &"ab".repeat(16),
            &"zz".repeat(32),
            &"ab".repeat(33),
        ] {
            assert_eq!(
                KeyEncryptionKey::from_hex(bad).unwrap_err(),
                KeyEncryptionError::Malformed,
                "{bad}"
            );
        }
        assert!(KeyEncryptionKey::from_hex(&format!(" {} \n", "AB".repeat(32))).is_ok());
    }
}
