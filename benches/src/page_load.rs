//! What one page load cost until a Performance API mark: the time from navigation start, and
//! the bytes the browser's network log counts as transferred (`transferSize`: headers and body
//! as served, gzip or brotli; 0 for what came from the cache) for the page and every request
//! it started before the mark.

use std::time::{Duration, Instant};

use owf_e2e::Browser;
use owf_shared::fixtures;
use serde_json::{json, Value};

use crate::server::Owf;

/// One load up to its mark.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// From navigation start to the mark.
    pub ms: f64,
    pub bytes: u64,
}

/// The mark's start time (null until it is set), and the `transferSize` of the navigation and
/// of every resource that started before it, with their count.
const READ: &str = "
    const mark = performance.getEntriesByName(arguments[0], 'mark')[0];
    if (!mark) return null;
    const entries = performance.getEntriesByType('navigation')
        .concat(performance.getEntriesByType('resource'))
        .filter((e) => e.startTime < mark.startTime);
    return {
        ms: mark.startTime,
        bytes: entries.reduce((sum, e) => sum + e.transferSize, 0),
        requests: entries.length,
    };
";

async fn read(browser: &Browser, mark: &str) -> Value {
    browser
        .client
        .execute(READ, vec![json!(mark)])
        .await
        .expect("read the Performance API")
}

/// Waits for the mark `mark` of the page `browser` is loading. A request that started before
/// the mark enters the log when it ends: the bytes are read again until they stay the same for
/// `settle` (longer than a small answer takes on the network).
pub async fn until_mark(browser: &Browser, mark: &str, settle: Duration) -> Load {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = loop {
        let value = read(browser, mark).await;
        if !value.is_null() {
            break value;
        }
        assert!(Instant::now() < deadline, "no performance mark {mark}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    loop {
        tokio::time::sleep(settle).await;
        let now = read(browser, mark).await;
        if now["requests"] == seen["requests"] {
            break;
        }
        seen = now;
    }
    Load {
        ms: seen["ms"].as_f64().expect("mark time"),
        bytes: seen["bytes"].as_u64().expect("transferred bytes"),
    }
}

/// Logs `browser` in as the zone enterprise from a page of `server`'s origin that loads nothing
/// of the app: the browser holds the session cookie, its cache stays cold.
pub async fn log_in(browser: &Browser, server: &Owf) {
    browser.goto(&server.url("/healthz")).await;
    let login = json!({ "card_no": fixtures::ZONE.card_no, "password": fixtures::ZONE.password });
    let answer = browser.api("POST", "/session", Some(login)).await;
    assert_eq!(answer["status"], 200, "login: {answer}");
}
