//! The application: routes of the manual's screens inside the logged-in layout.
//!
//! The login screen and the layout are in the first WebAssembly module; every other screen is a
//! `#[lazy]` function, which the release build (`scripts/split.sh`) moves into a module of its
//! own, loaded when the screen is first shown and fetched ahead once the browser is idle.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{FlatRoutes, Redirect, Route, Router};
use leptos_router::path;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::auth::Auth;
use crate::components::dialog::Confirmer;
use crate::components::feedback::Notice;
use crate::components::layout::Shell;
use crate::pages::login::Login;
use crate::pages::query::FilingQuery;
use crate::pages::registration::{RegistrationDetail, RegistrationEntry, RegistrationList};
use crate::pages::warehouse::{WarehouseDetail, WarehouseEntry, WarehouseList};

#[component]
pub fn App() -> impl IntoView {
    Auth::provide();
    Confirmer::provide();
    Notice::provide();
    Effect::new(|_| when_idle(prefetch_screens));
    // Flat routes, each screen wrapped in the layout, rather than the layout as a parent route:
    // nested routing makes the WebAssembly module about 40 KB larger (17 KB gzip).
    view! {
        <Router>
            <FlatRoutes fallback=|| view! { <p class="not-found">"页面不存在"</p> }>
                <Route path=path!("/login") view=Login />
                <Route path=path!("/") view=screen(|| view! { <Redirect path="/query" /> }.into_any()) />
                <Route path=path!("/query") view=screen(|| Suspend::new(query()).into_any()) />
                <Route path=path!("/enterprise/new") view=screen(|| Suspend::new(registration_entry()).into_any()) />
                <Route path=path!("/enterprise/:id") view=screen(|| Suspend::new(registration_detail()).into_any()) />
                <Route path=path!("/enterprise") view=screen(|| Suspend::new(registration_list()).into_any()) />
                <Route path=path!("/warehouse/new") view=screen(|| Suspend::new(warehouse_entry()).into_any()) />
                <Route path=path!("/warehouse/:id") view=screen(|| Suspend::new(warehouse_detail()).into_any()) />
                <Route path=path!("/warehouse") view=screen(|| Suspend::new(warehouse_list()).into_any()) />
            </FlatRoutes>
        </Router>
    }
}

/// The view of a logged-in screen: `page` inside the layout. Every such route has this one view
/// type, so the router's code for it exists once.
fn screen(page: fn() -> AnyView) -> impl Fn() -> AnyView + Clone + Send + 'static {
    move || view! { <Shell page /> }.into_any()
}

#[lazy]
fn query() -> AnyView {
    view! { <FilingQuery /> }.into_any()
}

#[lazy]
fn registration_entry() -> AnyView {
    view! { <RegistrationEntry /> }.into_any()
}

#[lazy]
fn registration_detail() -> AnyView {
    view! { <RegistrationDetail /> }.into_any()
}

#[lazy]
fn registration_list() -> AnyView {
    view! { <RegistrationList /> }.into_any()
}

#[lazy]
fn warehouse_entry() -> AnyView {
    view! { <WarehouseEntry /> }.into_any()
}

#[lazy]
fn warehouse_detail() -> AnyView {
    view! { <WarehouseDetail /> }.into_any()
}

#[lazy]
fn warehouse_list() -> AnyView {
    view! { <WarehouseList /> }.into_any()
}

/// Fetches the modules of the lazy screens, so a click after login does not wait for them.
fn prefetch_screens() {
    spawn_local(__preload_query());
    spawn_local(__preload_registration_entry());
    spawn_local(__preload_registration_detail());
    spawn_local(__preload_registration_list());
    spawn_local(__preload_warehouse_entry());
    spawn_local(__preload_warehouse_detail());
    spawn_local(__preload_warehouse_list());
}

/// Runs `work` once the browser has nothing else to do (`requestIdleCallback`).
fn when_idle(work: fn()) {
    let callback = Closure::once_into_js(work);
    let _ = window().request_idle_callback(callback.unchecked_ref());
}
