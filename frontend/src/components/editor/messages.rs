//! The editor's validation messages: which of the shared validation's and the server's are shown
//! now, handed to the form's inputs as their [`FieldEnv`].

use std::collections::BTreeSet;

use leptos::prelude::*;
use owf_shared::field::{Field, FilingKind};
use owf_shared::validate::{FieldErrors, Level, FORM_KEY};
use wasm_bindgen::JsCast;

use crate::components::field::FieldEnv;

/// The messages of one form.
#[derive(Clone, Copy)]
pub struct Messages {
    draft: Memo<FieldErrors>,
    declare: Memo<FieldErrors>,
    /// The server's last refusal, until the field is edited.
    server: RwSignal<FieldErrors>,
    /// The level whose messages are all shown, after a 暂存 or 申报 attempt.
    reveal: RwSignal<Option<Level>>,
    shown: Memo<FieldErrors>,
}

impl Messages {
    /// The messages of a form whose `draft` and `declare` level validation is given, provided to
    /// its inputs with the form's `kind`, whether it is `editable` and the fields `locked` in it.
    pub fn provide(
        kind: FilingKind,
        editable: Signal<bool>,
        locked: &'static [Field],
        draft: Memo<FieldErrors>,
        declare: Memo<FieldErrors>,
    ) -> Self {
        let touched = RwSignal::new(BTreeSet::new());
        let server = RwSignal::new(FieldErrors::new());
        let reveal = RwSignal::new(None::<Level>);
        let shown = Memo::new(move |_| {
            shown_errors(
                &server.read(),
                &draft.read(),
                &declare.read(),
                &touched.read(),
                reveal.get(),
            )
        });
        provide_context(FieldEnv {
            kind,
            editable,
            locked,
            shown,
            touched,
            server,
        });
        Self {
            draft,
            declare,
            server,
            reveal,
            shown,
        }
    }

    /// Before 暂存 or 申报: whether the form passes validation of that level; if not, all its
    /// messages of that level are shown and the first is focused.
    pub fn ready(self, level: Level) -> bool {
        let errors = match level {
            Level::Draft => self.draft,
            Level::Declare => self.declare,
        };
        if errors.with_untracked(FieldErrors::is_empty) {
            return true;
        }
        self.reveal.set(Some(level));
        focus_first_invalid();
        false
    }

    /// Shows the messages of the server's refusal of the form (422).
    pub fn refused(self, fields: FieldErrors) {
        self.server.set(fields);
        focus_first_invalid();
    }

    /// Once the record is stored: only the messages of what is edited next.
    pub fn stored(self) {
        self.server.set(FieldErrors::new());
        self.reveal.set(None);
    }

    /// The message about the form as a whole.
    pub fn form_error(self) -> Option<String> {
        self.shown.with(|e| e.get(FORM_KEY).cloned())
    }

    /// Whether an attempt revealed messages that are still shown.
    pub fn revealed(self) -> bool {
        self.reveal.get().is_some() && !self.shown.with(FieldErrors::is_empty)
    }
}

/// The messages to show: the server's, then the declare-level ones of touched fields (all of
/// them after a 申报 attempt), then the draft-level ones after a 暂存 attempt.
fn shown_errors(
    server: &FieldErrors,
    draft: &FieldErrors,
    declare: &FieldErrors,
    touched: &BTreeSet<String>,
    reveal: Option<Level>,
) -> FieldErrors {
    let mut shown = server.clone();
    for (key, message) in declare {
        if reveal == Some(Level::Declare) || touched.contains(key) {
            shown.entry(key.clone()).or_insert_with(|| message.clone());
        }
    }
    if reveal == Some(Level::Draft) {
        for (key, message) in draft {
            shown.entry(key.clone()).or_insert_with(|| message.clone());
        }
    }
    shown
}

/// Moves the keyboard focus to the first field with a message.
fn focus_first_invalid() {
    request_animation_frame(|| {
        let first = document()
            .query_selector("[aria-invalid='true']")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = first {
            let _ = el.focus();
        }
    });
}
