//! Failed logins sent in parallel cannot exhaust memory: `owf serve`, a child process as in
//! production, answers waves of parallel logins with unknown cards while its peak resident
//! memory (VmHWM) stays under [`PEAK_CAP_MB`], and once they are answered it gives the checks'
//! memory back. Every password check needs 19 MiB; without a bound, 100 at once take about 2 GB.

use reqwest::StatusCode;

use crate::child::owf_serve;
use crate::common::database::TempDir;

const PARALLEL: usize = 100;
const WAVES: usize = 3;
/// The server's peak resident memory must stay under this.
const PEAK_CAP_MB: u64 = 300;
/// The memory of one password check (argon2id's 19 MiB): an idle server keeps none of it.
const CHECK_MB: u64 = 19;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_failed_logins_keep_memory_bounded() {
    let dir =
        TempDir(std::env::temp_dir().join(format!("owf_login_memory_{}", std::process::id())));
    let url = dir.sqlite_url();
    // Every request comes from 127.0.0.1: lift the per-client limit so the bound on password
    // checks alone must hold memory down.
    let server = owf_serve(
        &url,
        &[
            "--sandbox-listen",
            "127.0.0.1:0",
            "--login-attempts-per-minute",
            "100000",
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let started_mb = server.peak_mb();
    let resident_before_mb = server.resident_mb();

    let login = format!("http://{}/api/session", server.addr);
    let (mut checked, mut busy) = (0, 0);
    for wave in 0..WAVES {
        let attempts = (0..PARALLEL).map(|n| {
            let body = format!(r#"{{"card_no":"8900{wave:02}{n:07}","password":"guess-{n}"}}"#);
            client
                .post(&login)
                .header("content-type", "application/json")
                .body(body)
                .send()
        });
        for answer in futures_util::future::join_all(attempts).await {
            let answer = answer.expect("the server answers");
            match answer.status() {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    assert!(answer.headers().contains_key("retry-after"));
                    busy += 1;
                }
                other => panic!("unexpected answer {other}"),
            }
        }
    }
    let peak_mb = server.peak_mb();
    let resident_after_mb = server.resident_mb();
    println!(
        "{WAVES} waves of {PARALLEL} parallel failed logins: {checked} checked, {busy} told to \
         retry; peak resident memory {started_mb} MB at start, {peak_mb} MB after; resident \
         {resident_before_mb} MB before, {resident_after_mb} MB after"
    );
    assert!(checked > 0, "some passwords were checked");
    assert!(
        peak_mb < PEAK_CAP_MB,
        "peak resident memory {peak_mb} MB, cap {PEAK_CAP_MB} MB"
    );
    assert!(
        resident_after_mb < resident_before_mb + CHECK_MB,
        "after the logins the server still holds {resident_after_mb} MB (before: \
         {resident_before_mb} MB): the password checks' memory was not given back"
    );
}
