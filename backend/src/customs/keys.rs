//! The enterprises' signing keys (加签), the stand-ins for the certificates on their USBKeys: a key
//! pair is made when an enterprise is added; the store keeps it (the secret encrypted at rest); a
//! key never changes once stored, so it is read, decrypted and parsed — which derives the public
//! key, as costly as a signature — once per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use owf_shared::enterprise::NewEnterprise;

use super::sign::{KeyPair, MessageSigner, SignError};
use crate::store::accounts::StoredKey;
use crate::store::{Store, StoreError};

/// Why an enterprise's signer could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("企业签名密钥无效：{0}")]
    Invalid(SignError),
}

fn stored(keys: KeyPair) -> StoredKey {
    StoredKey {
        secret: keys.sign_key,
        public_key: keys.public_key,
        cert_no: keys.cert_no,
    }
}

/// The signing keys of the enterprises in a store, with the signers parsed so far.
#[derive(Clone)]
pub struct SigningKeys {
    store: Store,
    /// Parsed signers by enterprise id.
    signers: Arc<Mutex<HashMap<i64, Arc<MessageSigner>>>>,
}

impl SigningKeys {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            signers: Arc::default(),
        }
    }

    /// Adds an enterprise with a new key pair; `None` when its 海关编码 or 统一社会信用代码
    /// already exists.
    pub async fn add_enterprise(
        &self,
        enterprise: &NewEnterprise,
    ) -> Result<Option<i64>, StoreError> {
        let keys = stored(KeyPair::generate());
        self.store.add_enterprise(enterprise, keys).await
    }

    /// The enterprise's signer (its USBKey stand-in). An enterprise created before keys existed
    /// gets its key pair now.
    pub async fn signer(&self, enterprise_id: i64) -> Result<Arc<MessageSigner>, KeyError> {
        if let Some(signer) = self
            .signers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&enterprise_id)
        {
            return Ok(signer.clone());
        }
        loop {
            if let Some(key) = self.store.signing_secret(enterprise_id).await? {
                let signer = Arc::new(
                    MessageSigner::new(&key.secret, &key.cert_no).map_err(KeyError::Invalid)?,
                );
                self.signers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(enterprise_id, signer.clone());
                return Ok(signer);
            }
            self.store
                .add_signing_key(enterprise_id, stored(KeyPair::generate()))
                .await?;
        }
    }
}
