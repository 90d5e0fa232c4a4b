//! 订仓单编号 on the detail, with a copy button and where the number is quoted: the export
//! declaration list (清单, CEB603 `orderNo` "电商订单/海外仓订仓单编号") or, on the 报关单 route,
//! the accompanying document (随附单证) of type 10000004 跨境B2B出口单证.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Copies `text` to the clipboard; whether it worked. Browsers offer the clipboard only on
/// HTTPS and on this machine (`navigator.clipboard` is undefined elsewhere, and calling it would
/// stop the app).
async fn copy(text: &str) -> bool {
    let navigator = window().navigator();
    let offered = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .is_ok_and(|clipboard| !clipboard.is_undefined());
    offered
        && JsFuture::from(navigator.clipboard().write_text(text))
            .await
            .is_ok()
}

/// The 订仓单编号 `number` with 复制 and the note on where it is quoted.
#[component]
pub fn OrderNumber(number: String) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let text = number.clone();
    let on_copy = move |_| {
        let text = text.clone();
        spawn_local(async move { copied.set(Some(copy(&text).await)) });
    };
    let outcome = move || {
        copied.get().map(|ok| {
            if ok {
                "已复制"
            } else {
                "复制失败：请选中编号后手工复制"
            }
        })
    };
    view! {
        <span class="order-no" id="order-no">{number}</span>
        " "
        <button type="button" class="copy" id="btn-copy-order-no" aria-describedby="order-no-note"
            on:click=on_copy>"复制"</button>
        <span class="copied" role="status" id="copy-status">{outcome}</span>
        <p class="hint" id="order-no-note">
            "报关时引用此编号：出口清单的“电商订单/海外仓订仓单编号”（orderNo），或报关单随附单证类型 10000004（跨境B2B出口单证）的单证编号。"
        </p>
    }
}
