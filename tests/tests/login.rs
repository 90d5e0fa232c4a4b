//! Manual section 01 (登录): IC卡号 + password, in a real browser against the real server.

use owf_e2e::*;
use owf_shared::fixtures::{PLAIN, ZONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_shows_the_error_and_stays_on_login() {
    let server = Server::start().await;
    let mut b = Browser::start("01-login-wrong").await;
    b.goto(&server.url("/")).await;
    b.wait_path("/login").await;
    b.login(ZONE.card_no, "wrong-password").await;
    b.wait_text("#login-error", "IC卡号或密码错误").await;
    b.screenshot("error").await;
    b.wait_path("/login").await;
    assert_eq!(
        b.find("#password")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("")
    );
    assert!(b.session_cookie().await.is_none());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_page_starts_in_the_card_field_and_names_blank_fields() {
    let server = Server::start().await;
    let mut b = Browser::start("01-login-fields").await;
    b.goto(&server.url("/login")).await;
    b.wait_text("#lockout-rule", "连续 5 次登录失败将锁定 15 分钟")
        .await;
    let focused = b
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "card_no", "the cursor starts in IC卡号");
    b.click("#login-submit").await;
    b.wait_text("#card_no-error", "请输入IC卡号").await;
    b.wait_text("#password-error", "请输入密码").await;
    b.screenshot("blank").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_shows_the_enterprise_and_the_menu() {
    let server = Server::start().await;
    let mut b = Browser::start("01-login-ok").await;
    b.goto(&server.url("/login")).await;
    b.login(PLAIN.card_no, PLAIN.password).await;
    b.wait_text("#enterprise-name", "杭州云帆跨境电子商务有限公司")
        .await;
    b.wait_path("/query").await;
    let menu = b.find(".app-menu").await.text().await.unwrap();
    for item in [
        "海外仓备案查询",
        "海外仓企业登记录入",
        "海外仓企业登记申报",
        "海外仓资料信息报送",
        "海外仓资料信息查询",
    ] {
        assert!(menu.contains(item), "menu lacks {item}: {menu}");
    }
    b.wait_text(".app-header", "3301961A2B").await;
    let current = ".app-menu a[aria-current='page']";
    assert_eq!(b.attr(current, "href").await.as_deref(), Some("/query"));
    b.screenshot("menu").await;
    b.click(".app-menu a[href='/warehouse']").await;
    b.wait_path("/warehouse").await;
    b.wait_text(".work-area h2", "海外仓资料信息查询").await;
    // Only the exact screen is current, not 海外仓资料信息报送 (/warehouse/new) before it.
    assert_eq!(b.attr(current, "href").await.as_deref(), Some("/warehouse"));
    b.goto(&server.url("/")).await;
    b.wait_path("/query").await;
    b.goto(&server.url("/no-such-screen")).await;
    b.wait_text(".not-found", "页面不存在").await;
    assert!(!b.exists(".app-menu").await);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_link_before_login_comes_back_after_login() {
    let server = Server::start().await;
    let mut b = Browser::start("01-login-deeplink").await;
    b.goto(&server.url("/warehouse?status=1")).await;
    b.wait_path("/login?next=%2Fwarehouse%3Fstatus%3D1").await;
    b.screenshot("redirected").await;
    b.login(ZONE.card_no, ZONE.password).await;
    b.wait_path("/warehouse?status=1").await;
    b.wait_text("#enterprise-name", "深圳前海综保跨境供应链有限公司")
        .await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_returns_to_login_and_the_old_cookie_no_longer_works() {
    let server = Server::start().await;
    let mut b = Browser::start("01-login-logout").await;
    b.goto(&server.url("/login")).await;
    b.login(ZONE.card_no, ZONE.password).await;
    b.wait_text("#enterprise-name", "深圳前海").await;
    let cookie = b.session_cookie().await.expect("logged in");
    assert_eq!(server.status_of("/api/session", Some(&cookie)).await, 200);
    b.click("#logout").await;
    b.wait_path("/login").await;
    b.find("#card_no").await;
    b.screenshot("logged-out").await;
    assert_eq!(server.status_of("/api/session", Some(&cookie)).await, 401);
    b.goto(&server.url("/query")).await;
    b.wait_path("/login?next=%2Fquery").await;
    b.close().await;
}

/// What the browser transferred for the current page: the document and every resource.
async fn transferred(b: &Browser) -> Vec<(String, f64, f64, f64)> {
    let entries = b
        .client
        .execute(
            "return performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource'))
                 .map(e => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(entries).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_arrives_compressed_and_a_second_visit_transfers_almost_nothing() {
    let server = Server::start().await;
    let b = Browser::start("01-login-cache").await;
    b.goto(&server.url("/login")).await;
    b.find("#card_no").await;
    let first = transferred(&b).await;
    let wasm = first
        .iter()
        .find(|e| e.0.ends_with("_bg.wasm"))
        .expect("wasm");
    assert!(
        wasm.2 * 2.0 < wasm.3,
        "the wasm travels compressed: {wasm:?}"
    );
    let first_total: f64 = first.iter().map(|e| e.1).sum();
    assert!(
        first_total < 400_000.0,
        "first visit: {first_total} bytes: {first:?}"
    );
    // The first visit ends once the other screens' modules, fetched ahead when idle, are in.
    all_screen_modules_arrive(&b).await;

    b.goto(&server.url("/query")).await;
    b.find("#card_no").await;
    // The other screens' modules are fetched ahead again meanwhile: from the cache, each
    // counts at most Chromium's fixed 300 B of headers, no body.
    let (screens, second): (Vec<_>, Vec<_>) = transferred(&b)
        .await
        .into_iter()
        .partition(|e| is_screen_module(&e.0));
    let second_total: f64 = second.iter().map(|e| e.1).sum();
    assert!(
        second_total < 5_000.0,
        "second visit: {second_total} bytes: {second:?}"
    );
    assert!(
        screens.iter().all(|e| e.1 <= 300.0),
        "second visit, other screens: {screens:?}"
    );
    b.close().await;
}

/// Whether `url` is a module of the screens after login, or a chunk they share (split off by
/// `scripts/split.mjs`).
fn is_screen_module(url: &str) -> bool {
    let name = url.rsplit('/').next().unwrap_or_default();
    (name.starts_with("split_") || name.starts_with("chunk_")) && name.ends_with(".wasm")
}

/// Waits until the page has fetched every screen module the build holds.
async fn all_screen_modules_arrive(b: &Browser) {
    let built = std::fs::read_dir(dist())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .flat_map(|e| std::fs::read_dir(e.path()).unwrap())
        .filter_map(|e| e.ok())
        .filter(|e| is_screen_module(&e.file_name().to_string_lossy()))
        .count();
    assert!(built > 0, "the build holds no screen modules");
    let arrived = |entries: &[(String, f64, f64, f64)]| {
        entries.iter().filter(|e| is_screen_module(&e.0)).count()
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut entries = transferred(b).await;
    while arrived(&entries) < built && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        entries = transferred(b).await;
    }
    assert_eq!(
        arrived(&entries),
        built,
        "the screens' modules were not all fetched ahead: {entries:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_comes_without_the_other_screens_which_follow_when_the_browser_is_idle() {
    let server = Server::start().await;
    let b = Browser::start("01-login-split").await;
    b.goto(&server.url("/login")).await;
    b.find("#card_no").await;
    let login: Vec<_> = transferred(&b)
        .await
        .into_iter()
        .filter(|e| !is_screen_module(&e.0))
        .collect();
    let login_total: f64 = login.iter().map(|e| e.1).sum();
    assert!(
        login_total < 200_000.0,
        "the login screen: {login_total} bytes: {login:?}"
    );

    // Nobody clicks: the modules of the other screens arrive all the same.
    all_screen_modules_arrive(&b).await;
    // And the login screen still works with the other modules loaded.
    b.login(PLAIN.card_no, PLAIN.password).await;
    b.wait_text("#enterprise-name", "杭州云帆跨境电子商务有限公司")
        .await;
    b.close().await;
}

/// On a slow network the browser asks for the app's module while it reads the page's head,
/// beside the stylesheets rather than after them, and only once: the script that starts the app
/// takes the preloaded module. Nothing else is asked for (no `/favicon.ico`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_asks_for_its_module_beside_the_stylesheets() {
    let server = Server::start().await;
    let b = Browser::start("01-login-preload").await;
    b.goto(&server.url("/healthz")).await;
    b.slow_network(200, 125_000).await;
    b.goto(&server.url("/login")).await;
    b.find("#card_no").await;
    let requests = b.requests().await;
    let modules: Vec<_> = requests
        .iter()
        .filter(|r| r.name().ends_with("_bg.wasm"))
        .collect();
    assert_eq!(modules.len(), 1, "the module asked once: {requests:?}");
    let stylesheets_in = requests
        .iter()
        .filter(|r| r.name().ends_with(".css"))
        .map(|r| r.end)
        .fold(0.0, f64::max);
    assert!(
        modules[0].start < stylesheets_in,
        "the module asked before the stylesheets arrived: {requests:?}"
    );
    assert!(
        requests.iter().all(|r| r.path != "/favicon.ico"),
        "{requests:?}"
    );
    b.close().await;
}
