//! The one confirmation dialog (删除, 申报, 注销): modal, keyboard-operable, Escape cancels; it
//! may ask for a text (注销原因) that must pass its check before the dialog goes ahead.

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
pub struct Confirmer(RwSignal<Option<ConfirmRequest>>);

impl Confirmer {
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }

    pub fn use_confirmer() -> Self {
        expect_context()
    }

    pub fn ask(self, request: ConfirmRequest) {
        self.0.set(Some(request));
    }
}

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let Confirmer(current) = Confirmer::use_confirmer();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    let error = RwSignal::new(None::<String>);
    // Once the dialog is shown: the text asked for has the focus, or else the button going ahead.
    Effect::new(move |_| {
        let Some(button) = confirm_button.get() else {
            return;
        };
        let text = current.with(|r| r.as_ref().is_some_and(|r| r.text.is_some()));
        let _ = match text_input() {
            Some(input) if text => input.focus(),
            _ => button.focus(),
        };
    });
    let cancel = move || {
        current.set(None);
        error.set(None);
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
                <div class="dialog-backdrop">
                    <div class="dialog" role="alertdialog" aria-modal="true"
                        aria-labelledby="dialog-title" aria-describedby="dialog-message"
                        on:keydown=move |ev| if ev.key() == "Escape" { cancel() }>
                        <h3 id="dialog-title">{request.title}</h3>
                        <p id="dialog-message">{request.message}</p>
                        {asked.map(|asked| text_field(asked, error))}
                        <div class="dialog-actions">
                            <button type="button" id="dialog-cancel" on:click=move |_| cancel()>"取消"</button>
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
