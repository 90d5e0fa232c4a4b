//! Enterprises (customs master data), users and sessions.

use std::sync::{Arc, PoisonError};

use owf_shared::api::{CreditLevel, EnterpriseInfo, SessionInfo};
use sqlx::Row;

use super::key_encryption::{is_encrypted, KeyEncryptionKey};
use super::{now_ms, Store, StoreError};
use crate::customs::sign::{KeyPair, MessageSigner};

/// Customs master data of a new enterprise.
#[derive(Debug, Clone)]
pub struct NewEnterprise {
    /// 海关编码
    pub customs_code: String,
    /// 统一社会信用代码
    pub uscc: String,
    /// 企业名称
    pub name: String,
    /// 主管海关
    pub customs_district: String,
    /// 区内企业
    pub in_zone: bool,
    /// 信用等级
    pub credit_level: CreditLevel,
}

/// What login needs to know about a card holder.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
}

/// The columns [`enterprise_from_row`] reads, from `enterprises e`.
pub(crate) const ENTERPRISE_COLUMNS: &str =
    "e.id, e.customs_code, e.uscc, e.name, e.customs_district, e.in_zone, e.credit_level";

pub(crate) fn enterprise_from_row(row: &sqlx::any::AnyRow) -> Result<EnterpriseInfo, sqlx::Error> {
    let credit: String = row.try_get("credit_level")?;
    Ok(EnterpriseInfo {
        id: row.try_get("id")?,
        customs_code: row.try_get("customs_code")?,
        uscc: row.try_get("uscc")?,
        name: row.try_get("name")?,
        customs_district: row.try_get("customs_district")?,
        in_zone: row.try_get::<i64, _>("in_zone")? != 0,
        credit_level: CreditLevel::from_code(&credit)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown credit level {credit}").into()))?,
    })
}

impl Store {
    /// The key that encrypts the signing keys at rest.
    fn key_encryption(&self) -> Result<&KeyEncryptionKey, StoreError> {
        self.key_encryption
            .as_ref()
            .ok_or(StoreError::NoKeyEncryptionKey)
    }

    /// Adds an enterprise with a new signing key pair, its private key encrypted; `None` when
    /// its 海关编码 or 统一社会信用代码 already exists.
    pub async fn add_enterprise(&self, e: &NewEnterprise) -> Result<Option<i64>, StoreError> {
        let key = self.key_encryption()?;
        let keys = KeyPair::generate();
        let mut tx = self.pool().begin().await?;
        let Some(id) = sqlx::query_scalar::<_, i64>(
            "INSERT INTO enterprises (customs_code, uscc, name, customs_district, in_zone, credit_level, \
             created_at, public_key, cert_no) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(&e.customs_code)
        .bind(&e.uscc)
        .bind(&e.name)
        .bind(&e.customs_district)
        .bind(i64::from(e.in_zone))
        .bind(e.credit_level.code())
        .bind(now_ms())
        .bind(&keys.public_key)
        .bind(&keys.cert_no)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        // The id is the encryption's associated data, so the key is written once it is known.
        sqlx::query("UPDATE enterprises SET sign_key = $1 WHERE id = $2")
            .bind(key.encrypt(id, &keys.sign_key))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The enterprise's signer (its USBKey stand-in). An enterprise created before keys existed
    /// gets its key pair now. A key never changes once stored, so it is read, decrypted and
    /// parsed (which derives the public key, as costly as a signature) once per process.
    pub async fn signer(&self, enterprise_id: i64) -> Result<Arc<MessageSigner>, StoreError> {
        if let Some(signer) = self
            .signers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&enterprise_id)
        {
            return Ok(signer.clone());
        }
        let key = self.key_encryption()?;
        loop {
            let row = sqlx::query("SELECT sign_key, cert_no FROM enterprises WHERE id = $1")
                .bind(enterprise_id)
                .fetch_one(self.pool())
                .await?;
            let sign_key: String = row.try_get("sign_key")?;
            if !sign_key.is_empty() {
                let secret = key.decrypt(enterprise_id, &sign_key)?;
                let cert_no: String = row.try_get("cert_no")?;
                let signer =
                    Arc::new(MessageSigner::new(&secret, &cert_no).map_err(StoreError::Key)?);
                self.signers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(enterprise_id, signer.clone());
                return Ok(signer);
            }
            let keys = KeyPair::generate();
            sqlx::query(
                "UPDATE enterprises SET sign_key = $1, public_key = $2, cert_no = $3 \
                 WHERE id = $4 AND sign_key = ''",
            )
            .bind(key.encrypt(enterprise_id, &keys.sign_key))
            .bind(&keys.public_key)
            .bind(&keys.cert_no)
            .bind(enterprise_id)
            .execute(self.pool())
            .await?;
        }
    }

    /// At start: encrypts the signing keys still stored as plain hex (written before keys were
    /// encrypted) and checks that the key opens every encrypted one, so a wrong key stops the
    /// start instead of the first declaration. Returns how many keys it encrypted.
    pub async fn encrypt_signing_keys(&self) -> Result<u64, StoreError> {
        let key = self.key_encryption()?;
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, sign_key FROM enterprises WHERE sign_key <> '' ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let mut encrypted = 0;
        for (id, stored) in rows {
            if is_encrypted(&stored) {
                key.decrypt(id, &stored)?;
                continue;
            }
            let done =
                sqlx::query("UPDATE enterprises SET sign_key = $1 WHERE id = $2 AND sign_key = $3")
                    .bind(key.encrypt(id, &stored))
                    .bind(id)
                    .bind(&stored)
                    .execute(self.pool())
                    .await?;
            encrypted += done.rows_affected();
        }
        Ok(encrypted)
    }

    pub async fn enterprise_by_customs_code(
        &self,
        customs_code: &str,
    ) -> Result<Option<EnterpriseInfo>, StoreError> {
        let sql =
            format!("SELECT {ENTERPRISE_COLUMNS} FROM enterprises e WHERE e.customs_code = $1");
        let row = sqlx::query(&sql)
            .bind(customs_code)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(enterprise_from_row).transpose()?)
    }

    /// Adds a user to an enterprise; `None` when the IC卡号 is already taken.
    pub async fn add_user(
        &self,
        enterprise_id: i64,
        card_no: &str,
        name: &str,
        password_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (enterprise_id, card_no, name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(enterprise_id)
        .bind(card_no)
        .bind(name)
        .bind(password_hash)
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await?;
        Ok(id)
    }

    /// The login data of the card `card_no`; a card number with a NUL character (which
    /// PostgreSQL cannot even compare) belongs to no one.
    pub async fn credentials(&self, card_no: &str) -> Result<Option<Credentials>, StoreError> {
        if card_no.contains('\0') {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT id, password_hash, failed_logins, locked_until FROM users WHERE card_no = $1",
        )
        .bind(card_no)
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .map(|r| -> Result<_, sqlx::Error> {
                Ok(Credentials {
                    user_id: r.try_get("id")?,
                    password_hash: r.try_get("password_hash")?,
                    failed_logins: r.try_get("failed_logins")?,
                    locked_until: r.try_get("locked_until")?,
                })
            })
            .transpose()?)
    }

    /// Counts a failed login; locks the user until `lock_until` once `max_failures` is reached.
    /// Returns the lock time when this failure locked the account.
    pub async fn record_failed_login(
        &self,
        user_id: i64,
        max_failures: i64,
        lock_until: i64,
    ) -> Result<Option<i64>, StoreError> {
        let locked = sqlx::query_scalar::<_, Option<i64>>(
            "UPDATE users SET failed_logins = failed_logins + 1, \
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END \
             WHERE id = $1 RETURNING locked_until",
        )
        .bind(user_id)
        .bind(max_failures)
        .bind(lock_until)
        .fetch_one(self.pool())
        .await?;
        Ok(locked.filter(|t| *t == lock_until))
    }

    /// Clears the failure count and any lock (successful login, or `owf admin user unlock`).
    /// Returns false when no user has that card.
    pub async fn unlock_user(&self, card_no: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE card_no = $1",
        )
        .bind(card_no)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms())
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The user and enterprise behind an unexpired session.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionInfo>, StoreError> {
        let sql = format!(
            "SELECT u.card_no, u.name AS user_name, {ENTERPRISE_COLUMNS} FROM sessions s \
             JOIN users u ON u.id = s.user_id JOIN enterprises e ON e.id = u.enterprise_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| -> Result<_, sqlx::Error> {
                Ok(SessionInfo {
                    card_no: r.try_get("card_no")?,
                    user_name: r.try_get("user_name")?,
                    enterprise: enterprise_from_row(&r)?,
                })
            })
            .transpose()?)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
