//! First render: cold loads (a fresh Chromium profile each) of the login page and of the query
//! results for a logged-in user, read from the app's Performance API marks; beside them a
//! static HTML page of the same size served by the same server, read from `domInteractive`.

use std::path::Path;
use std::time::{Duration, Instant};

use owf_e2e::Browser;
use owf_shared::fixtures;
use serde_json::{json, Value};

use crate::server::{Owf, Scratch};
use crate::stats::median;

pub struct Render {
    pub loads: usize,
    pub baseline_bytes: u64,
    /// Milliseconds from navigation start, one per cold load.
    pub login: Vec<f64>,
    pub results: Vec<f64>,
    pub baseline: Vec<f64>,
}

impl Render {
    pub fn medians(&self) -> (f64, f64, f64) {
        (
            median(&mut self.login.clone()),
            median(&mut self.results.clone()),
            median(&mut self.baseline.clone()),
        )
    }
}

/// A copy of `dist` with `baseline.html`: a static page of about `bytes` bytes (a table, as
/// the result screens show), no script.
fn baseline_dist(dist: &Path, bytes: u64) -> (Scratch, u64) {
    let copy = Scratch::new("owf-bench-dist");
    for entry in std::fs::read_dir(dist).expect("dist") {
        let entry = entry.expect("dist entry");
        std::fs::copy(entry.path(), copy.0.join(entry.file_name())).expect("copy dist");
    }
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>baseline</title></head><body><h1>海外仓备案查询</h1><table>",
    );
    let mut n = 0;
    while (html.len() as u64) < bytes {
        n += 1;
        html.push_str(&format!(
            "<tr><td>W20261130{n:09}</td><td>Ontario Hub {n:04}</td><td>深圳前海综保跨境供应链有限公司</td>\
             <td>502</td><td>9810</td><td>审核通过</td><td>2026-11-30 10:00:00</td></tr>\n"
        ));
    }
    html.push_str("</table></body></html>");
    std::fs::write(copy.0.join("baseline.html"), &html).expect("write baseline");
    (copy, html.len() as u64)
}

/// Waits for the Performance API entry `name` and returns its start time (ms).
async fn mark(browser: &Browser, name: &str) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value: Value = browser
            .client
            .execute(
                "const e = performance.getEntriesByName(arguments[0]); \
                 return e.length ? e[0].startTime : null;",
                vec![json!(name)],
            )
            .await
            .expect("read performance entry");
        if let Some(ms) = value.as_f64() {
            return ms;
        }
        assert!(Instant::now() < deadline, "no performance mark {name}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn dom_interactive(browser: &Browser) -> f64 {
    let value: Value = browser
        .client
        .execute(
            "const n = performance.getEntriesByType('navigation')[0]; \
             return n ? n.domInteractive : null;",
            vec![],
        )
        .await
        .expect("read navigation timing");
    value.as_f64().expect("domInteractive")
}

/// `loads` cold loads of each page against `owf serve` on `url` (a database whose zone
/// enterprise has filings); `first_visit` is the app's first-visit bytes.
pub async fn run(bin: &Path, dist: &Path, url: &str, loads: usize, first_visit: u64) -> Render {
    let (copy, baseline_bytes) = baseline_dist(dist, first_visit);
    let server = Owf::start(bin, url, &copy.0, &["--no-relay"]).await;
    let mut render = Render {
        loads,
        baseline_bytes,
        login: Vec::new(),
        results: Vec::new(),
        baseline: Vec::new(),
    };
    for _ in 0..loads {
        let b = Browser::start("bench").await;
        b.goto(&server.url("/baseline.html")).await;
        render.baseline.push(dom_interactive(&b).await);
        b.close().await;

        let b = Browser::start("bench").await;
        b.goto(&server.url("/login")).await;
        render.login.push(mark(&b, "owf-login-ready").await);
        b.close().await;

        let b = Browser::start("bench").await;
        // Log in from a page of the origin that loads nothing of the app: the browser holds the
        // session cookie, its cache stays cold.
        b.goto(&server.url("/healthz")).await;
        let login =
            json!({ "card_no": fixtures::ZONE.card_no, "password": fixtures::ZONE.password });
        let answer = b.api("POST", "/session", Some(login)).await;
        assert_eq!(answer["status"], 200, "login: {answer}");
        b.goto(&server.url("/query?page=1")).await;
        render.results.push(mark(&b, "owf-results-drawn").await);
        b.close().await;
    }
    render
}
