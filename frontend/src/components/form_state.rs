//! What a filing's fields work on, and the view half of a filing: its fields, implemented beside
//! its screens so that the editor and the detail screen are written once for both filings.

use leptos::prelude::*;
use owf_shared::field::Field;
use owf_shared::validate::{Context, Level};

use crate::filing::Filing;

/// How a filing's form is shown.
pub trait FilingFields: Filing {
    /// The form's fields and, for warehouses, the proof documents.
    fn fields(state: FormState<Self>) -> AnyView;
}

/// What a form's fields need: the form, the record (for its proof documents), the context.
pub struct FormState<K: Filing> {
    pub form: RwSignal<K::Form>,
    pub detail: RwSignal<Option<K::Detail>>,
    pub ctx: StoredValue<Context>,
    /// Fetch the record again (after a proof document changed).
    pub reload: Option<Callback<()>>,
}

impl<K: Filing> Clone for FormState<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Filing> Copy for FormState<K> {}

impl<K: Filing> FormState<K> {
    /// Whether `field` is required for 申报 with the rest of the form as it is now: the shared
    /// declare-level validation asks for it once `clear` has emptied it (e.g. 账册编号 with 1210).
    pub fn required_now(self, field: Field, clear: fn(&mut K::Form)) -> Signal<bool> {
        let Self {
            form, detail, ctx, ..
        } = self;
        Signal::derive(move || {
            let mut cleared = form.get();
            clear(&mut cleared);
            detail.with(|d| {
                ctx.with_value(|c| K::validate(&cleared, d.as_ref(), Level::Declare, c))
                    .contains_key(field.key())
            })
        })
    }
}
