//! `owf serve` and `owf admin` refuse to run without the right key for the signing keys
//! encrypted at rest (`OWF_KEY_ENCRYPTION_KEY`).

use owf_backend::store::key_encryption::ENV_VAR;

use crate::child::{admin, run, ADD_ENTERPRISE};
use crate::common::database::{self, TempDir};
use crate::common::declared::declared_registration;

#[tokio::test]
async fn serve_and_admin_refuse_to_run_without_the_right_key() {
    let dir = TempDir(std::env::temp_dir().join(format!("owf_keys_{}", std::process::id())));
    let db = dir.sqlite_url();
    let store = database::connect(&db).await;
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

    let (ok, text) = run(&serve, None, "");
    assert!(
        !ok && text.contains(ENV_VAR) && text.contains("--demo"),
        "{text}"
    );
    let (ok, text) = run(&serve, Some("not-a-key"), "");
    assert!(!ok && text.contains("64 个十六进制字符"), "{text}");
    let (ok, text) = run(&serve, Some(&"5a".repeat(32)), "");
    assert!(!ok && text.contains("不是加密它时所用的密钥"), "{text}");

    let (ok, text) = admin(&db, &ADD_ENTERPRISE, None, "");
    assert!(!ok && text.contains(ENV_VAR), "{text}");
    let enterprises: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enterprises")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(enterprises, 1, "nothing added without a key");
}
