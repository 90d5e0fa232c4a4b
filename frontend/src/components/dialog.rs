//! The one confirmation dialog (删除, 申报, 注销, 移除): modal, keyboard-operable. The focus starts
//! on the safe choice (取消) and stays inside while it is open; Escape cancels; once closed, the
//! focus is back on the button that opened it. It may ask for a text (注销原因) that must pass
//! its check before the dialog goes ahead.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What to confirm.
#[derive(Clone)]
pub struct ConfirmRequest {
    pub title: String,
    pub message: String,
    /// The button that goes ahead, e.g. "删除".
    pub confirm_label: &'static str,
    pub danger: bool,
    /// A text to ask for besides the confirmation.
    pub text: Option<TextRequest>,
    /// Goes ahead with the text typed (empty when none was asked for).
    pub on_confirm: Callback<String>,
}

/// A text the dialog asks for.
#[derive(Clone, Copy)]
pub struct TextRequest {
    pub label: &'static str,
    pub max_chars: usize,
    /// Why the text cannot be taken, if it cannot.
    pub error: fn(&str) -> Option<String>,
}

/// Asks the user through the dialog the layout renders.
#[derive(Clone, Copy)]
pub struct Confirmer {
    current: RwSignal<Option<ConfirmRequest>>,
    /// What had the focus when the dialog opened.
    opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
}

impl Confirmer {
    pub fn provide() {
        provide_context(Self {
            current: RwSignal::new(None),
            opener: StoredValue::new_local(None),
        });
    }

    pub fn use_confirmer() -> Self {
        expect_context()
    }

    pub fn ask(self, request: ConfirmRequest) {
        let focused = document()
            .active_element()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        self.opener.set_value(focused);
        self.current.set(Some(request));
    }

    /// Closes the dialog; the focus goes back to its opener, if that is still on the page.
    fn close(self) {
        self.current.set(None);
        if let Some(opener) = self.opener.try_update_value(Option::take).flatten() {
            if opener.is_connected() {
                let _ = opener.focus();
            }
        }
    }
}

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let confirmer = Confirmer::use_confirmer();
    let current = confirmer.current;
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    let error = RwSignal::new(None::<String>);
    // Once the dialog is shown: the text asked for has the focus, or else 取消.
    Effect::new(move |_| {
        let Some(cancel) = cancel_button.get() else {
            return;
        };
        let text = current.with(|r| r.as_ref().is_some_and(|r| r.text.is_some()));
        let _ = match text_input() {
            Some(input) if text => input.focus(),
            _ => cancel.focus(),
        };
    });
    let cancel = move || {
        error.set(None);
        confirmer.close();
    };
    // Tab and Shift+Tab go round the dialog's controls, never to the page behind it.
    let keep_focus = move |ev: &leptos::ev::KeyboardEvent| {
        let (Some(cancel), Some(confirm)) = (cancel_button.get(), confirm_button.get()) else {
            return;
        };
        let first: web_sys::HtmlElement = match text_input() {
            Some(input) => input.into(),
            None => cancel.into(),
        };
        let last: web_sys::HtmlElement = confirm.into();
        let active = document().active_element();
        let on =
            |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a.is_same_node(Some(el)));
        let to = if ev.shift_key() {
            (on(&first), &last)
        } else {
            (on(&last), &first)
        };
        if let (true, to) = to {
            ev.prevent_default();
            let _ = to.focus();
        }
    };
    move || {
        current.get().map(|request| {
            let on_confirm = request.on_confirm;
            let asked = request.text;
            let confirm = move || {
                let typed = text_input().map(|input| input.value()).unwrap_or_default();
                if let Some(message) = asked.and_then(|asked| (asked.error)(&typed)) {
                    error.set(Some(message));
                    return;
                }
                cancel();
                on_confirm.run(typed);
            };
            view! {
                // A click beside the dialog leaves the focus inside it.
                <div class="dialog-backdrop" on:mousedown=|ev| {
                    if ev.target() == ev.current_target() {
                        ev.prevent_default();
                    }
                }>
                    <div class="dialog" role="alertdialog" aria-modal="true"
                        aria-labelledby="dialog-title" aria-describedby="dialog-message"
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Escape" => cancel(),
                            "Tab" => keep_focus(&ev),
                            _ => {}
                        }>
                        <h3 id="dialog-title">{request.title}</h3>
                        <p id="dialog-message">{request.message}</p>
                        {asked.map(|asked| text_field(asked, error))}
                        <div class="dialog-actions">
                            <button type="button" id="dialog-cancel" node_ref=cancel_button
                                on:click=move |_| cancel()>"取消"</button>
                            <button type="button" id="dialog-confirm" node_ref=confirm_button
                                class=if request.danger { "danger" } else { "primary" }
                                on:click=move |_| confirm()>
                                {request.confirm_label}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}

const TEXT_ID: &str = "dialog-text";

/// The text input of the dialog shown now, if it asks for a text.
fn text_input() -> Option<web_sys::HtmlTextAreaElement> {
    document()
        .get_element_by_id(TEXT_ID)
        .and_then(|input| input.dyn_into().ok())
}

/// The text the dialog asks for and, once refused (and then as it is typed), its error.
fn text_field(asked: TextRequest, error: RwSignal<Option<String>>) -> impl IntoView {
    let hint = format!("必填，最多 {} 个字符", asked.max_chars);
    view! {
        <div class="field dialog-text">
            <label for=TEXT_ID>{asked.label}<abbr class="req" title="必填">"*"</abbr></label>
            <textarea id=TEXT_ID rows="3" maxlength=asked.max_chars.to_string()
                aria-required="true"
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=move || error.with(Option::is_some).then_some("dialog-text-error")
                on:input=move |ev| {
                    if error.with_untracked(Option::is_some) {
                        error.set((asked.error)(&event_target_value(&ev)));
                    }
                }></textarea>
            <p class="hint">{hint}</p>
            {move || error.get().map(|message| view! {
                <p class="field-error" id="dialog-text-error" role="alert">{message}</p>
            })}
        </div>
    }
}
