//! The screens after login, in WebAssembly modules of their own. The release build
//! (`scripts/split.mjs`) moves the `#[wasm_split]` functions below out of the first module, which
//! keeps the login screen and the layout: the filings' screens into `screens`, the 订仓单's into
//! `booking`, and the code both use into a chunk they share. A module is loaded when one of its
//! screens is first shown, and both are fetched ahead once the browser is idle after start-up.
//! Two modules rather than one per screen: split per screen, the code the screens share came in
//! 29 chunks, and on a slow network a browser fetches only 6 at a time from one server
//! (HTTP/1.1), each waiting out the latency; rather than one for all, so that 海外仓备案查询 —
//! where a login leads — does not wait for the 订仓单's code.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::hooks::use_location;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::{self, UrlQuery};
use crate::components::feedback::Loading;
use crate::pages::booking::{BookingDetailScreen, BookingEntry, BookingList};
use crate::pages::query::FilingQuery;
use crate::pages::registration::{RegistrationDetail, RegistrationEntry, RegistrationList};
use crate::pages::warehouse::{WarehouseDetail, WarehouseEntry, WarehouseList};

/// The screen that `module` loads, with 正在加载… while its module arrives, and a way on if it
/// cannot arrive: the network is down, or owf was updated since this page was opened and the
/// modules of the old version are gone. A failed load is not remembered: the next try fetches
/// again.
pub fn load<F>(module: fn() -> F) -> AnyView
where
    F: Future<Output = Result<AnyView, SplitLoaderError>> + Send + 'static,
{
    // Nearly every screen shows master data: its request goes out beside the module's.
    spawn_local(async {
        let _ = crate::codes::tables().await;
    });
    // A flag beside the screen rather than <Suspense>, which made the first module 3.5 KB gzip
    // larger.
    let loaded = RwSignal::new(false);
    let screen = Suspend::new(async move {
        let screen = module().await.unwrap_or_else(|_| unavailable());
        loaded.set(true);
        screen
    });
    view! {
        {move || (!loaded.get()).then(|| view! { <Loading /> })}
        {screen}
    }
    .into_any()
}

/// The list screen that `module` loads, whose first page — the conditions in the URL (a `Q`),
/// as the screen will ask for them from the collection `api` — is asked for beside the module
/// rather than after it.
pub fn load_list<Q, F>(api: &str, module: fn() -> F) -> AnyView
where
    Q: UrlQuery,
    F: Future<Output = Result<AnyView, SplitLoaderError>> + Send + 'static,
{
    let search = use_location().search.get_untracked();
    let search = search.trim_start_matches('?');
    if !search.is_empty() {
        api::ask_ahead(&api::list_path(api, &Q::decode(search)));
    }
    load(module)
}

/// What shows instead of a screen whose module could not be loaded.
fn unavailable() -> AnyView {
    view! {
        <div class="error-banner" role="alert" id="screen-unavailable">
            <strong>"页面载入失败"</strong>
            <span class="error-message">"网络连接中断，或系统已更新。请重新载入页面后继续。"</span>
            <button type="button" class="reload" on:click=|_| {
                let _ = window().location().reload();
            }>"重新载入"</button>
        </div>
    }
    .into_any()
}

#[wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_screens))]
pub fn query() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <FilingQuery /> }.into_any())
}

#[wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn registration_entry() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <RegistrationEntry /> }.into_any())
}

#[wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn registration_detail() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <RegistrationDetail /> }.into_any())
}

#[wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn registration_list() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <RegistrationList /> }.into_any())
}

#[wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn warehouse_entry() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <WarehouseEntry /> }.into_any())
}

#[wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn warehouse_detail() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <WarehouseDetail /> }.into_any())
}

#[wasm_split(screens, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn warehouse_list() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <WarehouseList /> }.into_any())
}

#[wasm_split(booking, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_booking))]
pub fn booking_entry() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <BookingEntry /> }.into_any())
}

#[wasm_split(booking, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn booking_detail() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <BookingDetailScreen /> }.into_any())
}

#[wasm_split(booking, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn booking_list() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <BookingList /> }.into_any())
}

/// Once the browser is idle (`requestIdleCallback`: already while it waits for the first API
/// answers), fetches the screens' module, so that a click after login does not wait for it. If
/// it fails to arrive, it is fetched again when a screen is shown.
pub fn fetch_ahead_when_idle() {
    let callback = Closure::once_into_js(|| {
        spawn_local(async {
            let _ = preload_screens().await;
            let _ = preload_booking().await;
        });
    });
    let _ = window().request_idle_callback(callback.unchecked_ref());
}
