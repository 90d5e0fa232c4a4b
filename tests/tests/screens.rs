//! The screens after login arrive as modules of their own (scripts/split.mjs). One that cannot
//! arrive — the network is down, or owf was updated since the page was opened and the old
//! version's modules are gone — says so inside the layout and offers to reload, which brings it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use owf_e2e::*;
use owf_shared::fixtures::PLAIN;

/// A screen's module (the `.wasm` and its compressed copies, named `split_<screen>…`) of the
/// built frontend at `dist`: the folder that holds it and the files' names.
fn module(dist: &Path, screen: &str) -> (PathBuf, Vec<OsString>) {
    let prefix = format!("split_{screen}.");
    for folder in std::fs::read_dir(dist).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|file| file.unwrap().file_name())
            .filter(|name| name.to_string_lossy().starts_with(&prefix))
            .collect();
        if !names.is_empty() {
            return (folder, names);
        }
    }
    panic!("no module {prefix}wasm in {}", dist.display());
}

/// Moves the files `names` from the folder `from` to `to`.
fn transfer(names: &[OsString], from: &Path, to: &Path) {
    for name in names {
        std::fs::rename(from.join(name), to.join(name)).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_whose_module_is_missing_says_so_and_comes_once_it_is_back() {
    let site = temp_dir("owf-e2e-dist");
    copy_dir(&dist(), &site);
    let aside = temp_dir("owf-e2e-aside");
    let (folder, query) = module(&site, "query");
    let (_, warehouses) = module(&site, "warehouse_list");
    transfer(&query, &folder, &aside);
    transfer(&warehouses, &folder, &aside);
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

    // Another screen's module is there: the menu still leads to it.
    b.click_link("海外仓企业登记申报").await;
    b.wait_path("/enterprise").await;
    b.find("#btn-query").await;
    assert!(!b.exists("#screen-unavailable").await);

    // Once the module is back, 重新载入 brings the screen.
    b.goto(&server.url("/query")).await;
    b.wait_text("#screen-unavailable", "页面载入失败").await;
    transfer(&query, &aside, &folder);
    b.click("#screen-unavailable button.reload").await;
    b.wait_text("#no-query", "请输入查询条件").await;
    assert!(!b.exists("#screen-unavailable").await);

    // A failed module is not given up: the next visit of its screen fetches it again.
    b.click_link("海外仓资料信息查询").await;
    b.wait_text("#screen-unavailable", "页面载入失败").await;
    transfer(&warehouses, &aside, &folder);
    b.click_link("海外仓备案查询").await;
    b.wait_text("#no-query", "请输入查询条件").await;
    b.click_link("海外仓资料信息查询").await;
    b.wait_path("/warehouse").await;
    b.find("#btn-query").await;
    assert!(!b.exists("#screen-unavailable").await);
    b.close().await;
}
