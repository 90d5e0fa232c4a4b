//! `owf admin …`: the command line that maintains customs master data and users.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use owf_backend::auth::password;
use owf_backend::store::accounts::Lockout;
use owf_backend::store::key_encryption::{DEMO_KEY_HEX, ENV_VAR};

fn owf(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_owf"))
        .arg("admin")
        .args(["--database-url", db])
        .args(args)
        .env(ENV_VAR, DEMO_KEY_HEX)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn admin_adds_enterprises_and_users_and_unlocks() {
    let dir = std::env::temp_dir().join(format!("owf-admin-{}", std::process::id()));
    let db = format!("sqlite:{}/owf.db", dir.display());
    let help = Command::new(env!("CARGO_BIN_EXE_owf"))
        .args(["admin", "--help"])
        .output()
        .unwrap();
    assert!(text(&help).contains("enterprise") && text(&help).contains("user"));

    let bad = owf(
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
        None,
    );
    assert!(!bad.status.success());
    assert!(text(&bad).contains("校验位"), "{}", text(&bad));

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
    let ok = owf(&db, &add, None);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("已添加企业 4403960ABC"));
    let again = owf(&db, &add, None);
    assert!(!again.status.success());
    assert!(text(&again).contains("已存在"));

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
    let short = owf(&db, &user, Some("short\n"));
    assert!(!short.status.success());
    assert!(text(&short).contains("至少 8 个字符"));
    let added = owf(&db, &user, Some("a-long-password\n"));
    assert!(added.status.success(), "{}", text(&added));

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

    let unlock = owf(&db, &["user", "unlock", "--card-no", "8944030000009"], None);
    assert!(unlock.status.success(), "{}", text(&unlock));
    assert!(store
        .count_login_attempt("8944030000009", lockout)
        .await
        .unwrap()
        .is_some());
    let unknown = owf(&db, &["user", "unlock", "--card-no", "0000000000000"], None);
    assert!(!unknown.status.success());
    let _ = std::fs::remove_dir_all(dir);
}
