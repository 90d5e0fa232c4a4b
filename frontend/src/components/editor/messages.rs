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
    /// Fields the user has typed in or left.
    touched: RwSignal<BTreeSet<String>>,
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
        let messages = Self::new(draft, declare);
        provide_context(FieldEnv {
            kind,
            editable,
            locked,
            shown: messages.shown,
            touched: messages.touched,
            server: messages.server,
        });
        messages
    }

    /// The messages of a form whose `draft` and `declare` level validation is given, for inputs
    /// of its own (the 订仓单's).
    pub fn new(draft: Memo<FieldErrors>, declare: Memo<FieldErrors>) -> Self {
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
        Self {
            draft,
            declare,
            touched,
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
        self.reveal_all(level);
        false
    }

    /// Shows every message of `level`, also of what the form's validation does not cover (the
    /// 订仓单's lines), and focuses the first.
    pub fn reveal_all(self, level: Level) {
        self.reveal.set(Some(level));
        focus_first_invalid();
    }

    /// The level whose messages are all shown, after a 暂存 or 申报 attempt.
    pub fn revealed_level(self) -> Option<Level> {
        self.reveal.get()
    }

    /// The message shown now at `key`.
    pub fn error(self, key: &str) -> Option<String> {
        self.shown.with(|errors| errors.get(key).cloned())
    }

    /// The server's message at `key`, until that value is edited.
    pub fn server_error(self, key: &str) -> Option<String> {
        self.server.with(|errors| errors.get(key).cloned())
    }

    /// Forgets the server's messages under `prefix` (`lines.`: the 订仓单's lines, once they
    /// were renumbered).
    pub fn forget_server_under(self, prefix: &str) {
        if self
            .server
            .with_untracked(|server| server.keys().any(|key| key.starts_with(prefix)))
        {
            self.server
                .update(|server| server.retain(|key, _| !key.starts_with(prefix)));
        }
    }

    /// The value at `key` was typed in or left.
    pub fn touch(self, key: &str) {
        touch(self.touched, self.server, key);
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

/// Marks `key` as visited in `touched` and forgets the server's message about it.
pub fn touch(touched: RwSignal<BTreeSet<String>>, server: RwSignal<FieldErrors>, key: &str) {
    if !touched.with_untracked(|touched| touched.contains(key)) {
        touched.update(|touched| {
            touched.insert(key.to_owned());
        });
    }
    if server.with_untracked(|server| server.contains_key(key)) {
        server.update(|server| {
            server.remove(key);
        });
    }
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
