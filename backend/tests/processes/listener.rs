//! The listeners of a real `owf serve` (a child process on a SQLite file): slow and idle clients
//! are cut off, connections are capped, and the customs sandbox is apart from the app — on its
//! own listener, answering only callers with the shared secret.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use owf_backend::customs::sandbox::INTAKE_BUDGET_BYTES;
use reqwest::header::{AUTHORIZATION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::child::{owf_serve, Owf};
use crate::common::database::TempDir;
use crate::common::wait::eventually;

const SECRET: &str = "listener-test-secret-0123456789";

/// `owf serve` with `args`, its sandbox on a port the system picks, and the folder of its database.
struct Running {
    owf: Owf,
    sandbox: SocketAddr,
    _dir: TempDir,
}

async fn start(args: &[&str]) -> Running {
    let dir = TempDir(std::env::temp_dir().join(format!(
        "owf_listener_{}_{}",
        std::process::id(),
        &owf_backend::random_secret()[..12]
    )));
    std::fs::create_dir_all(&dir.0).unwrap();
    let url = dir.sqlite_url();
    let mut all = vec![
        "--sandbox-listen",
        "127.0.0.1:0",
        "--customs-secret",
        SECRET,
    ];
    all.extend_from_slice(args);
    let owf = owf_serve(&url, &all).await;
    Running {
        sandbox: owf.sandbox.expect("the sandbox's listener"),
        owf,
        _dir: dir,
    }
}

/// Everything the server sends until it closes the connection (a reset counts as a close). A
/// server that never closes fails the test instead of hanging it.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut chunk).await {
            received.extend_from_slice(&chunk[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "the server held the connection open");
    String::from_utf8_lossy(&received).into_owned()
}

/// A connection that has sent `bytes` and then stalls.
async fn stalled(addr: SocketAddr, bytes: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes.as_bytes()).await.unwrap();
    stream
}

/// A login whose body announces 100 bytes and sends a few.
const SLOW_LOGIN: &str = "POST /api/session HTTP/1.1\r\nHost: owf\r\n\
    Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"card_no\"";

#[tokio::test]
async fn slow_and_idle_clients_are_cut_off_at_the_header_timeout() {
    let server = start(&["--header-timeout-secs", "1"]).await;
    let addr = server.owf.addr;

    let mut half_headers = stalled(addr, "GET /healthz HTTP/1.1\r\nHost: owf\r\n").await;
    let answer = until_closed(&mut half_headers).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );

    let mut silent = TcpStream::connect(addr).await.unwrap();
    until_closed(&mut silent).await;

    // A kept-alive connection waiting for its next request.
    let mut kept_alive = stalled(addr, "GET /healthz HTTP/1.1\r\nHost: owf\r\n\r\n").await;
    let answer = until_closed(&mut kept_alive).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_body_sent_slowly_is_answered_408_at_the_request_timeout() {
    let server = start(&["--request-timeout-secs", "1"]).await;
    let mut slow = stalled(server.owf.addr, SLOW_LOGIN).await;
    let answer = until_closed(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
}

#[tokio::test]
async fn a_connection_where_nothing_moves_is_closed_at_the_idle_timeout() {
    let server = start(&["--idle-timeout-secs", "1", "--request-timeout-secs", "600"]).await;
    let mut slow = stalled(server.owf.addr, SLOW_LOGIN).await;
    assert_eq!(until_closed(&mut slow).await, "");
}

/// A connection that has been answered once and is kept alive, holding its place.
async fn held_connection(addr: SocketAddr) -> TcpStream {
    eventually(
        Duration::from_secs(10),
        "a connection to be served",
        || async {
            let mut stream = stalled(addr, "GET /healthz HTTP/1.1\r\nHost: owf\r\n\r\n").await;
            let mut received = Vec::new();
            let mut chunk = [0u8; 1024];
            while let Ok(n @ 1..) = stream.read(&mut chunk).await {
                received.extend_from_slice(&chunk[..n]);
                if received.ends_with(b"\r\n\r\nok") {
                    return Some(stream);
                }
            }
            None
        },
    )
    .await
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_unanswered() {
    let server = start(&["--max-connections", "2", "--header-timeout-secs", "60"]).await;
    let addr = server.owf.addr;
    let first = held_connection(addr).await;
    let second = held_connection(addr).await;

    let mut third = TcpStream::connect(addr).await.unwrap();
    let _ = third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: owf\r\nConnection: close\r\n\r\n")
        .await;
    assert_eq!(until_closed(&mut third).await, "");

    drop(first);
    drop(second);
    held_connection(addr).await;
}

#[tokio::test]
async fn the_sandbox_is_not_on_the_app_listener() {
    let server = start(&[]).await;
    let app = reqwest::Client::new();
    let base = format!("http://{}/customs-sandbox", server.owf.addr);
    let receipts = app
        .get(format!("{base}/receipts?after=0&limit=10"))
        .bearer_auth(SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(receipts.status(), StatusCode::NOT_FOUND);
    let knobs = app
        .put(format!("{base}/admin/faults"))
        .bearer_auth(SECRET)
        .header(CONTENT_TYPE, "application/json")
        .body(json!({ "down": true }).to_string())
        .send()
        .await
        .unwrap();
    assert!(knobs.status().is_client_error(), "{}", knobs.status());
}

#[tokio::test]
async fn the_sandbox_answers_only_the_secret_with_security_headers() {
    let server = start(&[]).await;
    let http = reqwest::Client::new();
    let base = format!("http://{}", server.sandbox);
    let receipts = format!("{base}/receipts?after=0&limit=10");
    let calls = [
        http.get(&receipts),
        http.get(&receipts).bearer_auth("not-the-secret-0123456789"),
        http.get(&receipts).header(AUTHORIZATION, SECRET),
        http.get(format!("{base}/admin/faults")),
        http.put(format!("{base}/admin/faults"))
            .header(CONTENT_TYPE, "application/json")
            .body(json!({ "down": true }).to_string()),
        http.post(format!("{base}/messages")).body("{}"),
    ];
    for call in calls {
        let answer = call.send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
        let headers = answer.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers.contains_key(CONTENT_SECURITY_POLICY));
        assert!(headers.contains_key(REFERRER_POLICY));
    }
    let answer = http
        .get(&receipts)
        .bearer_auth(SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
    let page: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert_eq!(page["receipts"], json!([]));
}

#[tokio::test]
async fn the_fault_knobs_refuse_nonsense() {
    let server = start(&[]).await;
    let http = reqwest::Client::new();
    let knobs = format!("http://{}/admin/faults", server.sandbox);
    for nonsense in [
        json!({ "error_rate": -5 }),
        json!({ "drop_ack_rate": 1.5 }),
        json!({ "latency_ms": 600_000 }),
        json!({ "latency_ms": -1 }),
        json!({ "down": "yes" }),
    ] {
        let answer = http
            .put(&knobs)
            .bearer_auth(SECRET)
            .header(CONTENT_TYPE, "application/json")
            .body(nonsense.to_string())
            .send()
            .await
            .unwrap();
        assert!(
            matches!(answer.status().as_u16(), 400 | 422),
            "{nonsense} answered {}",
            answer.status()
        );
    }
    let current = http
        .get(&knobs)
        .bearer_auth(SECRET)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let current: Value = serde_json::from_slice(&current).unwrap();
    assert_eq!(
        current,
        json!({ "latency_ms": 0, "error_rate": 0.0, "drop_ack_rate": 0.0, "down": false })
    );

    let down = http
        .put(&knobs)
        .bearer_auth(SECRET)
        .header(CONTENT_TYPE, "application/json")
        .body(json!({ "down": true }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(down.status(), StatusCode::OK);
    let receipts = http
        .get(format!(
            "http://{}/receipts?after=0&limit=1",
            server.sandbox
        ))
        .bearer_auth(SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(receipts.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn messages_beyond_the_intake_budget_are_answered_503() {
    let server = start(&[]).await;
    // One envelope of the largest size on its way holds the whole budget.
    let large_head = format!(
        "POST /messages HTTP/1.1\r\nHost: customs\r\nAuthorization: Bearer {SECRET}\r\n\
         Content-Type: application/json\r\nContent-Length: {INTAKE_BUDGET_BYTES}\r\n\r\n{{"
    );
    let mut large = stalled(server.sandbox, &large_head).await;
    let http = reqwest::Client::new();
    let messages = format!("http://{}/messages", server.sandbox);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = http
            .post(&messages)
            .bearer_auth(SECRET)
            .header(CONTENT_TYPE, "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        if answer.status() == StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        // A small message that arrived first held its share, so the large one was turned away
        // (answered or closed): it is sent again.
        let mut byte = [0u8; 1];
        if !matches!(large.try_read(&mut byte), Err(e) if e.kind() == ErrorKind::WouldBlock) {
            large = stalled(server.sandbox, &large_head).await;
        }
        assert!(
            Instant::now() < deadline,
            "a small message was never turned away while a large one held the budget"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
