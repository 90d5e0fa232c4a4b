//! owf browser app: takes over the requests the page sent ahead, reads the runtime config, then
//! mounts the Leptos single-page application.

mod api;
mod app;
mod auth;
mod codes;
mod components;
mod filing;
mod json;
mod pages;
mod screens;
mod unsaved;

fn main() {
    console_error_panic_hook::set_once();
    api::take_over_page_requests();
    wasm_bindgen_futures::spawn_local(async {
        api::load_config().await;
        leptos::mount::mount_to_body(app::App);
    });
}
