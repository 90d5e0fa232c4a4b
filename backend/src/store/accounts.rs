//! Enterprises (customs master data), users and sessions.

use std::sync::Arc;

use owf_shared::api::SessionInfo;
use owf_shared::enterprise::{CreditLevel, EnterpriseInfo, NewEnterprise};
use sqlx::Row;

use super::filings::ListArg;
use super::key_encryption::{is_encrypted, KeyEncryptionKey};
use super::{Store, StoreError};
use crate::clock::now_ms;

/// An enterprise's signing key as the store keeps it: the secret (hex), encrypted at rest, and the
/// public key (hex) and 证书编号 in the clear. What the key is and does is customs' business.
pub struct StoredKey {
    pub secret: String,
    pub public_key: String,
    pub cert_no: String,
}

/// A stored signing secret, decrypted, with the 证书编号 that names its public key.
pub struct SigningSecret {
    /// Hex.
    pub secret: String,
    pub cert_no: String,
}

/// A login attempt counted against a card that may try: what checking the password needs.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    pub user_id: i64,
    pub password_hash: String,
}

/// How many failures lock a card, and until when a lock set now lasts.
#[derive(Debug, Clone, Copy)]
pub struct Lockout {
    pub max_failures: i64,
    pub now: i64,
    pub lock_until: i64,
}

/// The columns [`enterprise_from_row`] reads, from `enterprises e`.
pub(crate) const ENTERPRISE_COLUMNS: &str =
    "e.id, e.customs_code, e.uscc, e.name, e.customs_district, e.in_zone, e.credit_level";

/// The statement of [`Store::session`] (`$1` token hash, `$2` now). Public so that the
/// benchmark's baselines run the very text.
pub fn session_sql() -> String {
    format!(
        "SELECT u.card_no, u.name AS user_name, s.expires_at, {ENTERPRISE_COLUMNS} FROM sessions s \
         JOIN users u ON u.id = s.user_id JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2"
    )
}

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

    /// Adds an enterprise with its signing key, the secret encrypted; `None` when its 海关编码 or
    /// 统一社会信用代码 already exists.
    pub async fn add_enterprise(
        &self,
        e: &NewEnterprise,
        key: StoredKey,
    ) -> Result<Option<i64>, StoreError> {
        let encryption = self.key_encryption()?.clone();
        let (e, key, now) = (Arc::new(e.clone()), Arc::new(key), now_ms());
        self.write_alone(move |conn| {
            let (e, key, encryption) = (e.clone(), key.clone(), encryption.clone());
            Box::pin(async move {
                let Some(id) = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO enterprises (customs_code, uscc, name, customs_district, in_zone, \
                     credit_level, created_at, public_key, cert_no) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
                )
                .bind(&e.customs_code)
                .bind(&e.uscc)
                .bind(&e.name)
                .bind(&e.customs_district)
                .bind(i64::from(e.in_zone))
                .bind(e.credit_level.code())
                .bind(now)
                .bind(&key.public_key)
                .bind(&key.cert_no)
                .fetch_optional(&mut *conn)
                .await?
                else {
                    return Ok(None);
                };
                // The id is the encryption's associated data, so the secret is written once it
                // is known.
                sqlx::query("UPDATE enterprises SET sign_key = $1 WHERE id = $2")
                    .bind(encryption.encrypt(id, &key.secret))
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                Ok(Some(id))
            })
        })
        .await
    }

    /// The enterprise's signing secret, decrypted, with its 证书编号; `None` for an enterprise
    /// created before keys existed.
    pub async fn signing_secret(
        &self,
        enterprise_id: i64,
    ) -> Result<Option<SigningSecret>, StoreError> {
        let encryption = self.key_encryption()?;
        let row = sqlx::query("SELECT sign_key, cert_no FROM enterprises WHERE id = $1")
            .bind(enterprise_id)
            .fetch_one(self.pool())
            .await?;
        let stored: String = row.try_get("sign_key")?;
        if stored.is_empty() {
            return Ok(None);
        }
        Ok(Some(SigningSecret {
            secret: encryption.decrypt(enterprise_id, &stored)?,
            cert_no: row.try_get("cert_no")?,
        }))
    }

    /// Gives an enterprise that has no signing key `key` (one that has kept its own).
    pub async fn add_signing_key(
        &self,
        enterprise_id: i64,
        key: StoredKey,
    ) -> Result<(), StoreError> {
        let encryption = self.key_encryption()?;
        self.execute_alone(
            "UPDATE enterprises SET sign_key = $1, public_key = $2, cert_no = $3 \
             WHERE id = $4 AND sign_key = ''",
            vec![
                ListArg::Text(encryption.encrypt(enterprise_id, &key.secret)),
                ListArg::Text(key.public_key),
                ListArg::Text(key.cert_no),
                ListArg::Int(enterprise_id),
            ],
        )
        .await?;
        Ok(())
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
            encrypted += self
                .execute_alone(
                    "UPDATE enterprises SET sign_key = $1 WHERE id = $2 AND sign_key = $3",
                    vec![
                        ListArg::Text(key.encrypt(id, &stored)),
                        ListArg::Int(id),
                        ListArg::Text(stored),
                    ],
                )
                .await?;
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
        let user: Arc<[String; 3]> = Arc::new([card_no.into(), name.into(), password_hash.into()]);
        let now = now_ms();
        self.write_alone(move |conn| {
            let user = user.clone();
            Box::pin(async move {
                let [card_no, name, password_hash] = &*user;
                Ok(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO users (enterprise_id, card_no, name, password_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
                )
                .bind(enterprise_id)
                .bind(card_no)
                .bind(name)
                .bind(password_hash)
                .bind(now)
                .fetch_optional(conn)
                .await?)
            })
        })
        .await
    }

    /// Counts a login attempt on `card_no` before its password is checked, in one conditional
    /// update: a card that is not locked gets the attempt counted (a lock that has run out
    /// starts the count again), and the attempt that reaches `max_failures` locks the card
    /// until `lock_until` — so parallel attempts cannot check more passwords than allowed.
    /// `None` when the card is unknown or locked; a card number with a NUL character (which
    /// PostgreSQL cannot even compare) belongs to no one. A successful login clears the count
    /// ([`Store::login_succeeded`]).
    pub async fn count_login_attempt(
        &self,
        card_no: &str,
        lockout: Lockout,
    ) -> Result<Option<LoginAttempt>, StoreError> {
        if card_no.contains('\0') {
            return Ok(None);
        }
        let card_no: Arc<str> = card_no.into();
        self.write_alone(move |conn| {
            let card_no = card_no.clone();
            Box::pin(async move {
                let row = sqlx::query(
                    "UPDATE users SET \
                     failed_logins = CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END, \
                     locked_until = CASE \
                         WHEN (CASE WHEN locked_until IS NULL THEN failed_logins + 1 ELSE 1 END) >= $2 \
                         THEN $3 ELSE NULL END \
                     WHERE card_no = $1 AND (locked_until IS NULL OR locked_until <= $4) \
                     RETURNING id, password_hash",
                )
                .bind(&*card_no)
                .bind(lockout.max_failures)
                .bind(lockout.lock_until)
                .bind(lockout.now)
                .fetch_optional(conn)
                .await?;
                Ok(row
                    .map(|r| -> Result<_, sqlx::Error> {
                        Ok(LoginAttempt {
                            user_id: r.try_get("id")?,
                            password_hash: r.try_get("password_hash")?,
                        })
                    })
                    .transpose()?)
            })
        })
        .await
    }

    /// Clears the failure count and any lock after the right password.
    pub async fn login_succeeded(&self, user_id: i64) -> Result<(), StoreError> {
        self.execute_alone(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            vec![ListArg::Int(user_id)],
        )
        .await?;
        Ok(())
    }

    /// Clears the failure count and any lock (`owf admin user unlock`).
    /// Returns false when no user has that card.
    pub async fn unlock_user(&self, card_no: &str) -> Result<bool, StoreError> {
        let done = self
            .execute_alone(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE card_no = $1",
                vec![ListArg::Text(card_no.into())],
            )
            .await?;
        Ok(done > 0)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.execute_alone(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
            vec![
                ListArg::Text(token_hash.into()),
                ListArg::Int(user_id),
                ListArg::Int(now_ms()),
                ListArg::Int(expires_at),
            ],
        )
        .await?;
        Ok(())
    }

    /// The user and enterprise behind an unexpired session.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionInfo>, StoreError> {
        let row = sqlx::query(&session_sql())
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
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .transpose()?)
    }

    /// Moves the end of an unexpired session to `expires_at`; false when it has already ended.
    pub async fn extend_session(
        &self,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let done = self
            .execute_alone(
                "UPDATE sessions SET expires_at = $2 WHERE token_hash = $1 AND expires_at > $3",
                vec![
                    ListArg::Text(token_hash.into()),
                    ListArg::Int(expires_at),
                    ListArg::Int(now_ms()),
                ],
            )
            .await?;
        Ok(done > 0)
    }

    /// Deletes up to `limit` expired sessions (bounded work per call); returns how many.
    pub async fn purge_expired_sessions(&self, limit: i64) -> Result<u64, StoreError> {
        self.execute_alone(
            "DELETE FROM sessions WHERE token_hash IN \
             (SELECT token_hash FROM sessions WHERE expires_at <= $1 LIMIT $2)",
            vec![ListArg::Int(now_ms()), ListArg::Int(limit)],
        )
        .await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.execute_alone(
            "DELETE FROM sessions WHERE token_hash = $1",
            vec![ListArg::Text(token_hash.into())],
        )
        .await?;
        Ok(())
    }
}
