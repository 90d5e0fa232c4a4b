//! A warning before leaving a form with unsaved changes: closing or reloading the tab, and
//! following a link inside the app, which gives the changes up.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const MESSAGE: &str = "填写的内容尚未暂存，离开后将丢失。确定离开吗？";

#[component]
pub fn LeaveGuard(
    dirty: Signal<bool>,
    /// Runs when the user follows a link and so gives the changes up.
    on_leave: Callback<()>,
) -> impl IntoView {
    let unload = window_event_listener(ev::beforeunload, move |ev| {
        if dirty.get_untracked() {
            ev.prevent_default();
            ev.set_return_value(MESSAGE);
        }
    });
    // Capture phase, so it runs before the router follows the link; a prevented click is
    // ignored by the router.
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        let on_link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .is_some();
        if !on_link || !dirty.get_untracked() {
            return;
        }
        if window().confirm_with_message(MESSAGE).unwrap_or(true) {
            on_leave.run(());
        } else {
            ev.prevent_default();
        }
    });
    let _ = document().add_event_listener_with_callback_and_bool(
        "click",
        click.as_ref().unchecked_ref(),
        true,
    );
    let click = StoredValue::new_local(click);
    on_cleanup(move || {
        unload.remove();
        click.with_value(|click| {
            let _ = document().remove_event_listener_with_callback_and_bool(
                "click",
                click.as_ref().unchecked_ref(),
                true,
            );
        });
        click.dispose();
    });
}
