//! Faults of the database under the writer: a full disk (a real SQLite file on a small tmpfs
//! whose space runs out and is freed again) and a PostgreSQL connection terminated by the server.
//! Saves fail while the fault lasts, `/healthz` says so, and once the cause is gone the next save
//! and check succeed — without a restart. And the read pool refuses writes: every write goes
//! through the writer.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use axum::http::StatusCode;
use owf_shared::api::RegistrationDetail;
use owf_shared::fixtures::ZONE;
use owf_shared::form::RegistrationForm;

use crate::common::wait::eventually;
use crate::helpers::{both_databases, postgres_only, TestApp};
use crate::user::{Answer, User};

/// A small tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// `None` (skipped, said on stderr) where mounting is not permitted — not root, or a
    /// container without the capability; `make test` on the project's machines runs as root
    /// and mounts.
    fn mount(size: &str) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("owf_disk_full_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if mounted {
            return Some(Self(dir));
        }
        let _ = std::fs::remove_dir(&dir);
        eprintln!("SKIPPED: mount -t tmpfs is not permitted here, the full-disk case did not run");
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Fills the filesystem of `dir` up with one file; returns its path.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).and_then(|()| file.flush()).is_ok() {}
    // The last partial chunk may not have fit: fill the rest byte by byte.
    while file.write_all(&[0]).is_ok() {}
    path
}

/// A form with only a 联系人.
fn contact(name: &str) -> RegistrationForm {
    RegistrationForm {
        contact_name: name.into(),
        ..RegistrationForm::default()
    }
}

/// 暂存 of the draft `detail` with a new contact name.
async fn save(
    user: &User<'_>,
    detail: &RegistrationDetail,
    name: &str,
) -> Answer<RegistrationDetail> {
    user.save(detail, &contact(name)).await
}

/// A draft 企业登记 of the zone enterprise by its user.
async fn draft(user: &User<'_>) -> RegistrationDetail {
    user.create(&contact("林晓")).await.unwrap()
}

/// What `/healthz` answers when all is well.
fn healthy() -> (StatusCode, String) {
    (StatusCode::OK, "ok".to_owned())
}

#[tokio::test]
async fn a_full_disk_fails_saves_until_space_is_freed_then_they_succeed() {
    let Some(disk) = Tmpfs::mount("4m") else {
        return;
    };
    let url = format!("sqlite:{}/owf.db", disk.0.display());
    let app = TestApp::connect(url, None).await.with_demo().await;
    let zone = app.login(&ZONE).await;
    let detail = draft(&zone).await;
    assert_eq!(app.healthz().await, healthy());

    let filler = fill(&disk.0);
    let refusal = save(&zone, &detail, "周敏").await.unwrap_err();
    assert_eq!(
        refusal.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{refusal:?}"
    );
    let (status, reason) = app.healthz().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{reason}");
    assert!(
        reason.contains("数据库暂时无法写入") && reason.contains("disk is full"),
        "{reason}"
    );
    assert!(app.metric("owf_store_write_failures_total").await >= 2);
    assert!(app.metric("owf_store_writer_reconnections_total").await >= 2);

    std::fs::remove_file(filler).unwrap();
    let saved = save(&zone, &detail, "周敏").await.unwrap();
    assert_eq!(saved.form.contact_name, "周敏");
    assert_eq!(app.healthz().await, healthy());
}

/// A write slipped onto the read pool fails, on either database; the writer's pool takes it.
async fn the_read_pool_refuses_writes(app: TestApp) {
    let app = app.with_demo().await;
    let write = "UPDATE enterprises SET name = name";
    let refused = sqlx::query(write).execute(app.store.pool()).await;
    assert!(refused.is_err(), "the read pool wrote: {refused:?}");
    sqlx::query(write)
        .execute(app.store.write_pool())
        .await
        .unwrap();
}

both_databases!(the_read_pool_refuses_writes);

mod terminated {
    use super::*;

    /// An administrator (or a failover) ends the writer's PostgreSQL connection while it waits
    /// inside a save's transaction: that save fails, the next one runs on a new connection.
    async fn a_terminated_postgres_write_connection_is_replaced(app: TestApp) {
        let app = app.with_demo().await;
        let zone = app.login(&ZONE).await;
        let detail = draft(&zone).await;
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.url)
            .await
            .unwrap();
        // Hold the draft's row so the save's UPDATE waits inside the writer's transaction.
        sqlx::query("BEGIN").execute(&mut admin).await.unwrap();
        sqlx::query("SELECT id FROM filings WHERE id = $1 FOR UPDATE")
            .bind(detail.id)
            .execute(&mut admin)
            .await
            .unwrap();

        let terminate = async {
            let writer_pid: i32 = eventually(
                Duration::from_secs(10),
                "the save to wait for the row",
                || async {
                    sqlx::query_scalar(
                        "SELECT pid FROM pg_stat_activity \
                         WHERE datname = current_database() AND wait_event_type = 'Lock'",
                    )
                    .fetch_optional(app.store.pool())
                    .await
                    .unwrap()
                },
            )
            .await;
            sqlx::query("SELECT pg_terminate_backend($1)")
                .bind(writer_pid)
                .execute(app.store.pool())
                .await
                .unwrap();
        };
        let (failed, ()) = tokio::join!(save(&zone, &detail, "周敏"), terminate);
        let refusal = failed.unwrap_err();
        assert_eq!(
            refusal.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{refusal:?}"
        );
        sqlx::query("ROLLBACK").execute(&mut admin).await.unwrap();

        let saved = save(&zone, &detail, "周敏").await.unwrap();
        assert_eq!(saved.form.contact_name, "周敏");
        assert_eq!(app.healthz().await, healthy());
        assert_eq!(app.metric("owf_store_writer_reconnections_total").await, 1);
    }

    postgres_only!(a_terminated_postgres_write_connection_is_replaced);
}
