//! The one confirmation dialog (删除, 申报): modal, keyboard-operable, Escape cancels.

use leptos::prelude::*;

/// What to confirm.
#[derive(Clone)]
pub struct ConfirmRequest {
    pub title: String,
    pub message: String,
    /// The button that goes ahead, e.g. "删除".
    pub confirm_label: &'static str,
    pub danger: bool,
    pub on_confirm: Callback<()>,
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
    Effect::new(move |_| {
        if current.with(Option::is_some) {
            if let Some(button) = confirm_button.get() {
                let _ = button.focus();
            }
        }
    });
    let cancel = move || current.set(None);
    move || {
        current.get().map(|request| {
            let on_confirm = request.on_confirm;
            view! {
                <div class="dialog-backdrop">
                    <div class="dialog" role="alertdialog" aria-modal="true"
                        aria-labelledby="dialog-title" aria-describedby="dialog-message"
                        on:keydown=move |ev| if ev.key() == "Escape" { cancel() }>
                        <h3 id="dialog-title">{request.title}</h3>
                        <p id="dialog-message">{request.message}</p>
                        <div class="dialog-actions">
                            <button type="button" id="dialog-cancel" on:click=move |_| cancel()>"取消"</button>
                            <button type="button" id="dialog-confirm" node_ref=confirm_button
                                class=if request.danger { "danger" } else { "primary" }
                                on:click=move |_| {
                                    cancel();
                                    on_confirm.run(());
                                }>
                                {request.confirm_label}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
