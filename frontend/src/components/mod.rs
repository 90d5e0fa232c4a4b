//! The building blocks of the screens.

pub mod amendment;
pub mod attachments;
pub mod code_tables;
pub mod combobox;
pub mod csv;
pub mod date_picker;
pub mod detail;
pub mod dialog;
pub mod editor;
pub mod feedback;
pub mod field;
pub mod form_state;
pub mod layout;
pub mod leave_guard;
pub mod list_screen;
pub mod print;
pub mod query_panel;
pub mod receipt;
pub mod result_table;
pub mod session_warning;
pub mod status;
pub mod status_changes;
pub mod versions;

/// A performance mark for `make bench`, set right after the views being built now are mounted.
pub fn bench_mark(name: &'static str) {
    leptos::prelude::queue_microtask(move || {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark(name);
        }
    });
}
