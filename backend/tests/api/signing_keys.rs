//! Signing keys encrypted at rest (`OWF_KEY_ENCRYPTION_KEY`): what the database holds, a wrong
//! key, and legacy plaintext rows.

use owf_backend::customs::keys::{KeyError, SigningKeys};
use owf_backend::customs::sign::{self, KeyPair};
use owf_backend::customs::xml::Element;
use owf_backend::store::key_encryption::{
    is_encrypted, KeyEncryptionError, KeyEncryptionKey, ENV_VAR,
};
use owf_backend::store::StoreError;
use owf_shared::status::Status;

use crate::common::declared::declared_registration;
use crate::customs::{customs, drive_until, fast_relay, instant_customs, relay};
use crate::helpers::{both_databases, TestApp};

async fn stored_key(app: &TestApp, enterprise_id: i64) -> String {
    sqlx::query_scalar("SELECT sign_key FROM enterprises WHERE id = $1")
        .bind(enterprise_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

fn other_key() -> KeyEncryptionKey {
    KeyEncryptionKey::from_hex(&"5a".repeat(32)).unwrap()
}

async fn a_new_key_is_stored_encrypted_and_customs_verifies_what_it_signs(app: TestApp) {
    let id = declared_registration(&app.store, 1).await;
    let stored = stored_key(&app, 1).await;
    assert!(is_encrypted(&stored), "{stored}");
    assert!(
        !(stored.len() == 64 && stored.bytes().all(|b| b.is_ascii_hexdigit())),
        "not the plain hex key: {stored}"
    );
    let plain = KeyEncryptionKey::demo().decrypt(1, &stored).unwrap();
    assert_eq!(plain.len(), 64);

    let customs = customs(&app.store, instant_customs()).await;
    let relay = relay(&app.store, &customs, fast_relay());
    drive_until(&app.store, &relay, &[id], Status::Approved).await;
}

async fn a_wrong_key_or_a_swapped_row_is_refused_with_a_clear_error(app: TestApp) {
    let first = declared_registration(&app.store, 1).await;
    declared_registration(&app.store, 2).await;
    let wrong = app.store.clone().with_key_encryption(other_key());
    let err = SigningKeys::new(wrong.clone()).signer(1).await.unwrap_err();
    assert!(
        matches!(
            err,
            KeyError::Store(StoreError::KeyEncryption(KeyEncryptionError::WrongKey {
                enterprise_id: 1
            }))
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(ENV_VAR), "{err}");
    assert!(matches!(
        wrong.encrypt_signing_keys().await,
        Err(StoreError::KeyEncryption(
            KeyEncryptionError::WrongKey { .. }
        ))
    ));

    // Enterprise 1's encrypted key copied into enterprise 2's row does not open there.
    sqlx::query("UPDATE enterprises SET sign_key = $1 WHERE id = 2")
        .bind(stored_key(&app, 1).await)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    let fresh = SigningKeys::new(
        app.store
            .clone()
            .with_key_encryption(KeyEncryptionKey::demo()),
    );
    assert!(matches!(
        fresh.signer(2).await,
        Err(KeyError::Store(StoreError::KeyEncryption(
            KeyEncryptionError::WrongKey { enterprise_id: 2 }
        )))
    ));
    assert!(fresh.signer(1).await.is_ok(), "filing {first}");
}

async fn a_legacy_plaintext_key_is_encrypted_at_start_and_still_signs(app: TestApp) {
    declared_registration(&app.store, 1).await;
    let legacy = KeyPair::generate();
    sqlx::query("UPDATE enterprises SET sign_key = $1, public_key = $2, cert_no = $3 WHERE id = 1")
        .bind(&legacy.sign_key)
        .bind(&legacy.public_key)
        .bind(&legacy.cert_no)
        .execute(app.store.write_pool())
        .await
        .unwrap();
    let store = app
        .store
        .clone()
        .with_key_encryption(KeyEncryptionKey::demo());
    assert_eq!(store.encrypt_signing_keys().await.unwrap(), 1);
    let stored = stored_key(&app, 1).await;
    assert!(is_encrypted(&stored) && !stored.contains(&legacy.sign_key));
    assert_eq!(store.encrypt_signing_keys().await.unwrap(), 0, "idempotent");

    let signed = SigningKeys::new(store).signer(1).await.unwrap().sign(
        Element::new("owh:OWH101Message")
            .attr("xmlns:owh", "urn:sim:owh:1.0")
            .leaf("owh:entName", "深圳测试跨境电商有限公司1"),
    );
    assert_eq!(sign::verify(&signed, &legacy.public_key), Ok(()));
}

both_databases!(
    a_new_key_is_stored_encrypted_and_customs_verifies_what_it_signs,
    a_wrong_key_or_a_swapped_row_is_refused_with_a_clear_error,
    a_legacy_plaintext_key_is_encrypted_at_start_and_still_signs,
);
