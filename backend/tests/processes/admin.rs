//! `owf admin …`: the command line that maintains customs master data and users.

use owf_backend::auth::password;
use owf_backend::store::accounts::Lockout;
use owf_backend::store::key_encryption::DEMO_KEY_HEX;

use crate::child::run;

/// `owf admin --database-url <db> <args>` with the demo key and `stdin`; its success and output.
fn admin(db: &str, args: &[&str], stdin: &str) -> (bool, String) {
    let all: Vec<&str> = ["admin", "--database-url", db]
        .iter()
        .chain(args)
        .copied()
        .collect();
    run(&all, Some(DEMO_KEY_HEX), stdin)
}

#[tokio::test]
async fn admin_adds_enterprises_and_users_and_unlocks() {
    let dir = std::env::temp_dir().join(format!("owf-admin-{}", std::process::id()));
    let db = format!("sqlite:{}/owf.db", dir.display());
    let (_, help) = run(&["admin", "--help"], None, "");
    assert!(help.contains("enterprise") && help.contains("user"));

    let (ok, text) = admin(
        &db,
        &[
            "enterprise",
            "add",
            "--customs-code",
            "4403960ABC",
            "--uscc",
            "91440300MA5G8K2P05",
            "--name",
            "测试企业",
            "--district",
            "5300",
        ],
        "",
    );
    assert!(!ok);
    assert!(text.contains("校验位"), "{text}");

    let add = [
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
        "--in-zone",
        "--credit-level",
        "advanced",
    ];
    let (ok, text) = admin(&db, &add, "");
    assert!(ok, "{text}");
    assert!(text.contains("已添加企业 4403960ABC"));
    let (ok, text) = admin(&db, &add, "");
    assert!(!ok);
    assert!(text.contains("已存在"));

    let user = [
        "user",
        "add",
        "--enterprise",
        "4403960ABC",
        "--card-no",
        "8944030000009",
        "--name",
        "测试员",
        "--password-stdin",
    ];
    let (ok, text) = admin(&db, &user, "short\n");
    assert!(!ok);
    assert!(text.contains("至少 8 个字符"));
    let (ok, text) = admin(&db, &user, "a-long-password\n");
    assert!(ok, "{text}");

    let store = owf_backend::store::Store::connect(&db).await.unwrap();
    // One failure locks the card until the end of time, unless an administrator unlocks it.
    let lockout = Lockout {
        max_failures: 1,
        now: 0,
        lock_until: i64::MAX,
    };
    let attempt = store
        .count_login_attempt("8944030000009", lockout)
        .await
        .unwrap()
        .expect("the new user may log in");
    assert!(password::verify("a-long-password", &attempt.password_hash));
    assert!(store
        .count_login_attempt("8944030000009", lockout)
        .await
        .unwrap()
        .is_none());

    let (ok, text) = admin(&db, &["user", "unlock", "--card-no", "8944030000009"], "");
    assert!(ok, "{text}");
    assert!(store
        .count_login_attempt("8944030000009", lockout)
        .await
        .unwrap()
        .is_some());
    let (ok, _) = admin(&db, &["user", "unlock", "--card-no", "0000000000000"], "");
    assert!(!ok);
    let _ = std::fs::remove_dir_all(dir);
}
