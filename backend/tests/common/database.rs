//! Test databases: SQLite files in a folder removed afterwards, and stores that encrypt signing
//! keys with the demo key.

use owf_backend::store::key_encryption::KeyEncryptionKey;
use owf_backend::store::Store;

/// A folder removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// The URL of the SQLite database `owf.db` in the folder.
    pub fn sqlite_url(&self) -> String {
        format!("sqlite:{}/owf.db", self.0.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The migrated database at `url`, its signing keys encrypted with the demo key.
pub async fn connect(url: &str) -> Store {
    Store::connect(url)
        .await
        .expect("connect to the test database")
        .with_key_encryption(KeyEncryptionKey::demo())
}
