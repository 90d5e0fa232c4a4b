//! The screens after login, each in a WebAssembly module of its own. The release build
//! (`scripts/split.mjs`) moves every `#[wasm_split]` function below out of the first module,
//! which keeps the login screen and the layout. A screen's module is loaded when the screen is
//! first shown, and fetched ahead once the browser is idle after start-up.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::components::feedback::Loading;
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
    // A flag beside the screen rather than <Suspense>, which makes the first module 6 KB gzip
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

#[wasm_split(query, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_query))]
pub fn query() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <FilingQuery /> }.into_any())
}

#[wasm_split(registration_entry, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_registration_entry))]
pub fn registration_entry() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <RegistrationEntry /> }.into_any())
}

#[wasm_split(registration_detail, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_registration_detail))]
pub fn registration_detail() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <RegistrationDetail /> }.into_any())
}

#[wasm_split(registration_list, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_registration_list))]
pub fn registration_list() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <RegistrationList /> }.into_any())
}

#[wasm_split(warehouse_entry, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_warehouse_entry))]
pub fn warehouse_entry() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <WarehouseEntry /> }.into_any())
}

#[wasm_split(warehouse_detail, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_warehouse_detail))]
pub fn warehouse_detail() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <WarehouseDetail /> }.into_any())
}

#[wasm_split(warehouse_list, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_warehouse_list))]
pub fn warehouse_list() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <WarehouseList /> }.into_any())
}

/// Once the browser is idle (`requestIdleCallback`), fetches the modules of all the screens, so
/// that a click after login does not wait for one. A module that fails to arrive is fetched
/// again when its screen is shown.
pub fn fetch_ahead_when_idle() {
    let callback = Closure::once_into_js(|| {
        ahead(preload_query());
        ahead(preload_registration_entry());
        ahead(preload_registration_detail());
        ahead(preload_registration_list());
        ahead(preload_warehouse_entry());
        ahead(preload_warehouse_detail());
        ahead(preload_warehouse_list());
    });
    let _ = window().request_idle_callback(callback.unchecked_ref());
}

fn ahead(module: impl Future<Output = Result<(), SplitLoaderError>> + 'static) {
    spawn_local(async move {
        let _ = module.await;
    });
}
