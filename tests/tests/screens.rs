//! The screens after login arrive as a module of their own (scripts/split.mjs). If it cannot
//! arrive — the network is down, or owf was updated since the page was opened and the old
//! version's module is gone — the layout says so and offers to reload, and the next try fetches
//! it again.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use owf_e2e::*;
use owf_shared::fixtures::PLAIN;

/// The screens' module (`split_screens.wasm` and its compressed copies) of the built frontend at
/// `dist`: the folder that holds it and the files' names.
fn screens_module(dist: &Path) -> (PathBuf, Vec<OsString>) {
    for folder in std::fs::read_dir(dist).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|file| file.unwrap().file_name())
            .filter(|name| name.to_string_lossy().starts_with("split_screens."))
            .collect();
        if !names.is_empty() {
            return (folder, names);
        }
    }
    panic!("no split_screens.wasm in {}", dist.display());
}

/// Moves the files `names` from the folder `from` to `to`.
fn transfer(names: &[OsString], from: &Path, to: &Path) {
    for name in names {
        std::fs::rename(from.join(name), to.join(name)).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screens_module_missing_is_said_and_fetched_again_once_it_is_back() {
    let site = temp_dir("owf-e2e-dist");
    copy_dir(&dist(), &site);
    let aside = temp_dir("owf-e2e-aside");
    let (folder, module) = screens_module(&site);
    transfer(&module, &folder, &aside);
    let server = Server::start_serving(site).await;
    let mut b = Browser::start("screens-missing").await;
    b.login_at(&server.url(""), PLAIN.card_no, PLAIN.password)
        .await;

    // The login leads to 海外仓备案查询, whose module is missing: the layout stays usable.
    b.wait_text("#screen-unavailable", "页面载入失败").await;
    b.wait_text("#enterprise-name", "杭州云帆跨境电子商务有限公司")
        .await;
    assert!(
        !b.exists("#no-query").await,
        "no query screen without its module"
    );
    b.screenshot("unavailable").await;
    b.click_link("海外仓企业登记申报").await;
    b.wait_path("/enterprise").await;
    b.wait_text("#screen-unavailable", "页面载入失败").await;

    // The module is back (the network returned): the next screen shown fetches it again.
    transfer(&module, &aside, &folder);
    b.click_link("海外仓备案查询").await;
    b.wait_text("#no-query", "请输入查询条件").await;
    assert!(!b.exists("#screen-unavailable").await);
    b.close().await;

    // A page opened while the module was missing (another browser, nothing cached): 重新载入
    // brings the screen once the module is back.
    transfer(&module, &folder, &aside);
    let b = Browser::start("screens-reload").await;
    b.login_at(&server.url(""), PLAIN.card_no, PLAIN.password)
        .await;
    b.wait_text("#screen-unavailable", "页面载入失败").await;
    transfer(&module, &aside, &folder);
    b.click("#screen-unavailable button.reload").await;
    b.wait_text("#no-query", "请输入查询条件").await;
    assert!(!b.exists("#screen-unavailable").await);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_opened_first_in_a_cold_browser_arrives_with_its_module() {
    let server = Server::start().await;
    let b = Browser::start("screens-cold").await;
    b.goto(&server.url("/login")).await;
    b.find("#card_no").await;
    b.goto(&server.url("/healthz")).await;
    let login = serde_json::json!({ "card_no": PLAIN.card_no, "password": PLAIN.password });
    let answer = b.api("POST", "/session", Some(login)).await;
    assert_eq!(answer["status"], 200, "login: {answer}");
    b.create("/registrations", &PLAIN.registration()).await;
    b.goto(&server.url("/query?page=1")).await;
    b.wait_text("table.results tbody", "暂存").await;
    b.close().await;
}

/// On a slow network, a list opened with conditions in its URL asks for its rows and for the
/// code tables while its module is still arriving, not after it, and for each only once. (The
/// hint that the browser holds a login is dropped, so that the module is asked for only once the
/// first module runs.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_asks_for_its_rows_and_the_code_tables_while_its_module_arrives() {
    let server = Server::start().await;
    let b = Browser::start("screens-ahead").await;
    b.goto(&server.url("/healthz")).await;
    let login = serde_json::json!({ "card_no": PLAIN.card_no, "password": PLAIN.password });
    let answer = b.api("POST", "/session", Some(login)).await;
    assert_eq!(answer["status"], 200, "login: {answer}");
    b.create("/registrations", &PLAIN.registration()).await;
    forget_the_login_hint(&b).await;
    // 200 ms per request and 1 Mbit/s: the screens' module takes over a second to arrive.
    b.slow_network(200, 125_000).await;
    b.goto(&server.url("/query?page=1")).await;
    b.wait_text("table.results tbody", "暂存").await;

    let requests = b.requests().await;
    let of =
        |name: &str| -> Vec<&Fetched> { requests.iter().filter(|r| r.name() == name).collect() };
    let module = of("split_screens.wasm");
    assert_eq!(module.len(), 1, "{requests:?}");
    for path in ["filings", "codes"] {
        let sent = of(path);
        assert_eq!(sent.len(), 1, "/api/{path} asked once: {requests:?}");
        assert!(
            sent[0].start < module[0].end,
            "/api/{path} asked before the module arrived: {requests:?}"
        );
    }
    b.close().await;
}

/// Drops the script-readable cookie that says the browser holds a login (the session stays).
async fn forget_the_login_hint(b: &Browser) {
    b.client
        .execute(
            "document.cookie = 'owf_signed_in=; Path=/; Max-Age=0';",
            vec![],
        )
        .await
        .unwrap();
}

/// A browser that holds a login and opens a screen after login asks from the head, beside the
/// first module, for the screen's module and the chunk it shares, and for the login and the code
/// tables the app will ask for first — each once; the 订仓单's module waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_holds_a_login_asks_for_the_screens_beside_the_first_module() {
    let server = Server::start().await;
    let b = Browser::start("screens-hint").await;
    b.goto(&server.url("/healthz")).await;
    let login = serde_json::json!({ "card_no": PLAIN.card_no, "password": PLAIN.password });
    let answer = b.api("POST", "/session", Some(login)).await;
    assert_eq!(answer["status"], 200, "login: {answer}");
    // 200 ms per request and 1 Mbit/s: the first module takes over a second to arrive.
    b.slow_network(200, 125_000).await;
    b.goto(&server.url("/query")).await;
    b.wait_text("#no-query", "请输入查询条件").await;
    b.wait_text("#enterprise-name", "杭州云帆跨境电子商务有限公司")
        .await;
    let requests = b.requests().await;
    let first = requests
        .iter()
        .find(|r| r.name().ends_with("_bg.wasm"))
        .expect("the first module");
    let asked: Vec<_> = requests
        .iter()
        .filter(|r| r.name() == "split_screens.wasm" || r.name().starts_with("chunk_"))
        .collect();
    assert!(asked.len() >= 2, "module and chunk: {requests:?}");
    for r in asked {
        assert!(
            r.start < first.end,
            "asked for before the first module arrived: {requests:?}"
        );
    }
    for path in ["/api/session", "/api/codes"] {
        let sent: Vec<_> = requests.iter().filter(|r| r.path == path).collect();
        assert_eq!(sent.len(), 1, "{path} asked once: {requests:?}");
        assert!(
            sent[0].start < first.end,
            "{path} asked before the first module arrived: {requests:?}"
        );
    }
    assert!(
        requests
            .iter()
            .all(|r| r.name() != "split_booking.wasm" || r.start > first.end),
        "the 订仓单's module only when the browser is idle: {requests:?}"
    );
    b.close().await;
}
