//! Signing keys encrypted at rest (`OWF_KEY_ENCRYPTION_KEY`): what the database holds, a wrong
//! key, legacy plaintext rows, and `owf serve` / `owf admin` refusing to run without a key.

mod common;
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use owf_backend::customs::keys::{KeyError, SigningKeys};
use owf_backend::customs::sign::{self, KeyPair};
use owf_backend::customs::xml::Element;
use owf_backend::store::key_encryption::{
    is_encrypted, KeyEncryptionError, KeyEncryptionKey, ENV_VAR,
};
use owf_backend::store::{Store, StoreError};
use owf_shared::status::Status;
use support::*;

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

/// Runs `owf` with `args` and the key variable set to `key` (or unset); returns its exit
/// success and everything it printed. Fails if it is still running after 30 s.
fn owf(args: &[&str], key: Option<&str>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_owf"));
    command
        .args(args)
        .env_remove(ENV_VAR)
        .env_remove("OWF_DEMO")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(key) = key {
        command.env(ENV_VAR, key);
    }
    let mut child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("owf {args:?} is still running: it should have refused to start");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn serve_and_admin_refuse_to_run_without_the_right_key() {
    let dir = TempDir(std::env::temp_dir().join(format!("owf_keys_{}", std::process::id())));
    let db = format!("sqlite:{}/owf.db", dir.0.display());
    let store = Store::connect(&db)
        .await
        .unwrap()
        .with_key_encryption(KeyEncryptionKey::demo());
    declared_registration(&store, 1).await;
    let serve = [
        "serve",
        "--database-url",
        &db,
        "--listen",
        "127.0.0.1:0",
        "--dist",
        "/nonexistent-dist",
    ];

    let (ok, text) = owf(&serve, None);
    assert!(
        !ok && text.contains(ENV_VAR) && text.contains("--demo"),
        "{text}"
    );
    let (ok, text) = owf(&serve, Some("not-a-key"));
    assert!(!ok && text.contains("64 个十六进制字符"), "{text}");
    let (ok, text) = owf(&serve, Some(&"5a".repeat(32)));
    assert!(!ok && text.contains("不是加密它时所用的密钥"), "{text}");

    let add = [
        "admin",
        "--database-url",
        &db,
        "enterprise",
        "add",
        "--customs-code",
        "4403960ABC",
        "--uscc",
        "91440300MA5G8K2P04",
        "--name",
        "深圳测试企业",
        "--district",
        "5300",
    ];
    let (ok, text) = owf(&add, None);
    assert!(!ok && text.contains(ENV_VAR), "{text}");
    let enterprises: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enterprises")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(enterprises, 1, "nothing added without a key");
}
