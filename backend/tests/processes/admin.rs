//! `owf admin …`: the command line that maintains customs master data and users.

use owf_backend::auth::password;
use owf_backend::store::accounts::Lockout;
use owf_backend::store::key_encryption::DEMO_KEY_HEX;

use crate::child::{admin, run, ADD_ENTERPRISE};
use crate::common::database::TempDir;

/// The key the database's signing keys are encrypted with.
const KEY: Option<&str> = Some(DEMO_KEY_HEX);

#[tokio::test]
async fn admin_adds_enterprises_and_users_and_unlocks() {
    let dir = TempDir(std::env::temp_dir().join(format!("owf-admin-{}", std::process::id())));
    let db = dir.sqlite_url();
    let (_, help) = run(&["admin", "--help"], None, "");
    assert!(help.contains("enterprise") && help.contains("user"));

    // The 统一社会信用代码 with a wrong check character.
    let mut mistyped = ADD_ENTERPRISE;
    mistyped[5] = "91440300MA5G8K2P05";
    let (ok, text) = admin(&db, &mistyped, KEY, "");
    assert!(!ok);
    assert!(text.contains("校验位"), "{text}");

    let add = [
        &ADD_ENTERPRISE[..],
        &["--in-zone", "--credit-level", "advanced"],
    ]
    .concat();
    let (ok, text) = admin(&db, &add, KEY, "");
    assert!(ok, "{text}");
    assert!(text.contains("已添加企业 4403960ABC"));
    let (ok, text) = admin(&db, &add, KEY, "");
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
    let (ok, text) = admin(&db, &user, KEY, "short\n");
    assert!(!ok);
    assert!(text.contains("至少 8 个字符"));
    let (ok, text) = admin(&db, &user, KEY, "a-long-password\n");
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

    let (ok, text) = admin(
        &db,
        &["user", "unlock", "--card-no", "8944030000009"],
        KEY,
        "",
    );
    assert!(ok, "{text}");
    assert!(store
        .count_login_attempt("8944030000009", lockout)
        .await
        .unwrap()
        .is_some());
    let (ok, _) = admin(
        &db,
        &["user", "unlock", "--card-no", "0000000000000"],
        KEY,
        "",
    );
    assert!(!ok);
}
