//! The baselines of the first render: static HTML pages of what the app draws — its login form,
//! and a logged-in user's first page of 海外仓备案查询 with the same rows — with the app's
//! stylesheets and without the app, each setting the app's Performance mark from a script at the
//! end of its body (the Content-Security-Policy allows no inline script). They are written into
//! a copy of `dist`, with `NAME.gz` and `NAME.br` as the build writes them, so that `owf serve`
//! sends them as it sends the app.

use std::path::Path;
use std::time::Duration;

use owf_e2e::Browser;

use crate::bundle::{brotli, gzip};
use crate::page_load::{log_in, until_mark};
use crate::server::{Owf, Scratch};

/// The static login page.
pub const LOGIN: &str = "/baseline-login.html";
/// The static first page of results.
pub const RESULTS: &str = "/baseline-results.html";
/// The script that sets a page's mark (named by its `data-mark`).
const MARK_SCRIPT: &str = "baseline-mark.js";

/// A copy of `dist` that `owf serve` can serve the baselines from.
pub fn copy_dist(dist: &Path) -> Scratch {
    let copy = Scratch::new("owf-bench-dist");
    owf_e2e::copy_dir(dist, &copy.0);
    copy
}

/// `NAME`, `NAME.gz` and `NAME.br` in `dir`.
fn write_served(dir: &Path, name: &str, text: &str) {
    let raw = text.as_bytes();
    std::fs::write(dir.join(name), raw).expect("write baseline");
    std::fs::write(dir.join(format!("{name}.gz")), gzip(raw)).expect("write baseline .gz");
    std::fs::write(dir.join(format!("{name}.br")), brotli(raw)).expect("write baseline .br");
}

/// The `<link rel="stylesheet">` tags of the app's `index.html`.
fn stylesheets(index: &str) -> String {
    index
        .split("<link")
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(attrs, _)| attrs))
        .filter(|attrs| attrs.contains("stylesheet"))
        .map(|attrs| format!("<link{attrs}>"))
        .collect()
}

/// The body the app has drawn once `mark` is set, with the values its inputs show (which the
/// app sets as properties, e.g. 全部 in a combobox) as attributes.
async fn drawn_body(browser: &Browser, mark: &str) -> String {
    until_mark(browser, mark, Duration::ZERO).await;
    let script = "
        for (const input of document.querySelectorAll('input')) {
            input.setAttribute('value', input.value);
        }
        return document.body.innerHTML;
    ";
    let body = browser
        .client
        .execute(script, vec![])
        .await
        .expect("read the drawn page");
    body.as_str().expect("body html").to_owned()
}

fn page(stylesheets: &str, body: &str, mark: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>海外仓备案 · owf</title>{stylesheets}</head><body>{body}\
         <script src=\"/{MARK_SCRIPT}\" data-mark=\"{mark}\"></script></body></html>"
    )
}

/// Writes the two baselines into `copy` (which `server` serves), from the pages the app draws
/// there; screenshots of each app page and its baseline go to `target/e2e-screenshots/`.
pub async fn write(copy: &Path, server: &Owf) {
    let index = std::fs::read_to_string(copy.join("index.html")).expect("index.html");
    let links = stylesheets(&index);
    write_served(
        copy,
        MARK_SCRIPT,
        "performance.mark(document.currentScript.dataset.mark);\n",
    );
    let mut b = Browser::start("bench").await;
    // The page of the app, its baseline, their mark, and whether it needs a login.
    for (app, baseline, mark, logged_in) in [
        ("/login", LOGIN, "owf-login-ready", false),
        ("/query?page=1", RESULTS, "owf-results-drawn", true),
    ] {
        if logged_in {
            log_in(&b, server).await;
        }
        b.goto(&server.url(app)).await;
        let body = drawn_body(&b, mark).await;
        let file = &baseline[1..];
        let name = file.trim_end_matches(".html");
        b.screenshot(&format!("{name}-app")).await;
        write_served(copy, file, &page(&links, &body, mark));
        b.goto(&server.url(baseline)).await;
        until_mark(&b, mark, Duration::ZERO).await;
        b.screenshot(name).await;
    }
    b.close().await;
}
