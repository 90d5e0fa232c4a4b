//! Form inputs bound to a field of a shared form: label bound to the input, the required mark,
//! the shared validation message under the input (aria-invalid + aria-describedby). A field that
//! may not be edited now shows its value as text in the same place (and on paper), options as
//! ☑/☐ with their labels.

use std::collections::BTreeSet;
use std::sync::Arc;

use leptos::prelude::*;
use owf_shared::codes::{Code, Row};
use owf_shared::field::{Field, FilingKind};
use owf_shared::text;
use owf_shared::validate::FieldErrors;

pub use crate::components::combobox::{Choice, Combobox};
use crate::components::date_picker::DatePicker;

/// What every input of one form shares: which form, whether it may be edited, its messages.
#[derive(Clone, Copy)]
pub struct FieldEnv {
    pub kind: FilingKind,
    pub editable: Signal<bool>,
    /// Fields shown read-only even while the form is edited (the master data of a 变更).
    pub locked: &'static [Field],
    /// Field key → the message shown now.
    pub shown: Memo<FieldErrors>,
    /// Fields the user has typed in or left.
    pub touched: RwSignal<BTreeSet<String>>,
    /// Messages of the server's last refusal, until the field is edited.
    pub server: RwSignal<FieldErrors>,
}

impl FieldEnv {
    pub fn use_env() -> Self {
        expect_context()
    }

    /// Whether `field` may be typed in now.
    pub fn may_edit(self, field: Field) -> bool {
        self.editable.get() && !self.locked.contains(&field)
    }

    /// The hint of a locked field.
    fn locked_hint(self, field: Field) -> Option<String> {
        self.locked
            .contains(&field)
            .then(|| "海关备案的主体信息，变更时不能修改".to_owned())
    }

    pub fn error(self, key: &'static str) -> Signal<Option<String>> {
        let shown = self.shown;
        Signal::derive(move || shown.with(|errors| errors.get(key).cloned()))
    }

    pub fn touch(self, key: &str) {
        crate::components::editor::messages::touch(self.touched, self.server, key);
    }
}

/// Where an input reads and writes its text in the form.
#[derive(Clone, Copy)]
pub struct Binding {
    pub value: Signal<String>,
    pub set: Callback<String>,
}

impl Binding {
    pub fn new<F: Send + Sync + 'static>(
        form: RwSignal<F>,
        get: fn(&F) -> &String,
        set: fn(&mut F) -> &mut String,
    ) -> Self {
        Self {
            value: Signal::derive(move || form.with(|f| get(f).clone())),
            set: Callback::new(move |value| form.update(|f| *set(f) = value)),
        }
    }
}

/// `bind!(form, wh_name)`: the [`Binding`] of one text field of a form signal.
macro_rules! bind {
    ($form:expr, $field:ident) => {
        $crate::components::field::Binding::new($form, |f| &f.$field, |f| &mut f.$field)
    };
}
pub(crate) use bind;

/// The options of a closed code table; `refused` says why the shared validation refuses one.
pub fn choices<C: Code>(rows: &[C], refused: &dyn Fn(C) -> Option<String>) -> Vec<Choice> {
    rows.iter()
        .map(|&row| Choice {
            refused: refused(row),
            ..Choice::new(row.code(), row.label())
        })
        .collect()
}

/// The options of a master-data table; `refused` says why the shared validation refuses one.
pub fn table_choices(rows: &[Row], refused: &dyn Fn(&Row) -> Option<String>) -> Vec<Choice> {
    rows.iter()
        .map(|row| Choice {
            refused: refused(row),
            ..Choice::new(row.code.clone(), row.name.clone())
        })
        .collect()
}

fn error_id(field: Field) -> String {
    format!("{}-error", field.key())
}

/// Label, required mark, input, hint and message of one field.
#[component]
pub fn FieldFrame(
    field: Field,
    required: Signal<bool>,
    /// A group of checkboxes: a fieldset with a legend instead of a label.
    #[prop(optional)]
    group: bool,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] wide: bool,
    children: Children,
) -> impl IntoView {
    let env = FieldEnv::use_env();
    let error = env.error(field.key());
    let mark = move || {
        required
            .get()
            .then(|| view! { <abbr class="req" title="必填">"*"</abbr> })
    };
    let message = move || {
        error.get().map(|message| {
            view! { <p class="field-error" id=error_id(field)>{message}</p> }
        })
    };
    // How to type a value is said only while the form is edited.
    let hint = move || {
        env.editable.get().then(|| {
            hint.clone()
                .map(|hint| view! { <p class="hint">{hint}</p> })
        })
    };
    let class = if wide { "field wide" } else { "field" };
    if group {
        view! {
            <fieldset class=class aria-describedby=move || error.get().map(|_| error_id(field))>
                <legend>{field.label()}{mark}</legend>
                {children()}
                {hint}
                {message}
            </fieldset>
        }
        .into_any()
    } else {
        view! {
            <div class=class>
                <label for=field.key()>{field.label()}{mark}</label>
                {children()}
                {hint}
                {message}
            </div>
        }
        .into_any()
    }
}

fn required_signal(field: Field, kind: FilingKind, required: Option<Signal<bool>>) -> Signal<bool> {
    required.unwrap_or_else(|| Signal::stored(field.required(kind)))
}

/// A text input (or textarea) of `field`.
#[component]
pub fn TextInput(
    field: Field,
    bind: Binding,
    #[prop(optional)] multiline: bool,
    /// A date, typed as YYYY-MM-DD or picked on the calendar.
    #[prop(optional)]
    date: bool,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] required: Option<Signal<bool>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] wide: bool,
) -> impl IntoView {
    let env = FieldEnv::use_env();
    let key = field.key();
    let error = env.error(key);
    let required = required_signal(field, env.kind, required);
    let invalid = move || error.with(Option::is_some).to_string();
    let described = move || error.with(Option::is_some).then(|| error_id(field));
    let maxlength = field.max_chars().map(|max| max.to_string());
    // Codes and numbers are converted as typed (full-width → half-width, and upper-case where
    // the code has only upper-case letters), the same conversion the server stores.
    let converted = RwSignal::new(false);
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        let value = if field.code_like() {
            text::code_input(&typed, field.upper_case())
        } else {
            typed.clone()
        };
        converted.set(text::first_full_width(&typed).is_some() && value != typed);
        bind.set.run(value);
        env.touch(key);
    };
    let converted_note = move || {
        converted.get().then(|| {
            view! { <p class="hint" role="status">"已将全角字符转换为半角"</p> }
        })
    };
    let hint = env.locked_hint(field).or(hint).or_else(|| {
        field
            .upper_case()
            .then(|| "输入的小写字母会自动转换为大写".to_owned())
    });
    let input = move || {
        let maxlength = maxlength.clone();
        if !env.may_edit(field) {
            view! { <Value id=key value=bind.value /> }.into_any()
        } else if multiline {
            view! {
                <textarea id=key name=key rows="3" maxlength=maxlength
                    aria-invalid=invalid aria-describedby=described
                    aria-required=move || required.get().to_string()
                    prop:value=move || bind.value.get()
                    on:input=on_input on:blur=move |_| env.touch(key)></textarea>
            }
            .into_any()
        } else if date {
            view! {
                <DatePicker id=key.to_owned() value=bind.value
                    set=Callback::new(move |value| {
                        bind.set.run(value);
                        env.touch(key);
                    })
                    invalid=Signal::derive(move || error.with(Option::is_some))
                    required described=Signal::derive(described)
                    on_leave=Callback::new(move |()| env.touch(key)) />
            }
            .into_any()
        } else {
            view! {
                <input id=key name=key type=input_type maxlength=maxlength
                    aria-invalid=invalid aria-describedby=described
                    aria-required=move || required.get().to_string()
                    prop:value=move || bind.value.get()
                    on:input=on_input on:blur=move |_| env.touch(key) />
            }
            .into_any()
        }
    };
    view! {
        <FieldFrame field required hint=hint.unwrap_or_default() wide=wide || multiline>
            {input}
            {converted_note}
        </FieldFrame>
    }
}

/// A code of a table for `field`, picked with a [`Combobox`]; refused options are disabled and
/// say why.
#[component]
pub fn CodeInput(
    field: Field,
    bind: Binding,
    #[prop(into)] options: Arc<[Choice]>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let env = FieldEnv::use_env();
    let key = field.key();
    let error = env.error(key);
    let required = required_signal(field, env.kind, None);
    let named = {
        let options = options.clone();
        Signal::derive(move || {
            bind.value.with(|code| {
                options
                    .iter()
                    .find(|choice| choice.code == *code)
                    .map_or_else(|| code.clone(), |choice| choice.text.clone())
            })
        })
    };
    let input = move || {
        if env.may_edit(field) {
            view! {
                <Combobox id=key value=bind.value
                    set=Callback::new(move |code| {
                        bind.set.run(code);
                        env.touch(key);
                    })
                    options=options.clone()
                    invalid=Signal::derive(move || error.with(Option::is_some))
                    required />
            }
            .into_any()
        } else {
            view! { <Value id=key value=named /> }.into_any()
        }
    };
    view! {
        <FieldFrame field required hint=env.locked_hint(field).or(hint).unwrap_or_default()>
            {input}
        </FieldFrame>
    }
}

/// A value that may not be edited now, as text where its input would be.
#[component]
fn Value(#[prop(into)] id: String, value: Signal<String>) -> impl IntoView {
    view! { <output id=id class="value">{move || value.get()}</output> }
}

/// An option that may not be ticked now: ☑ or ☐ and its label.
#[component]
pub fn Ticked(
    #[prop(into)] id: String,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] label: String,
) -> impl IntoView {
    view! {
        <span class="ticked" id=id role="checkbox" aria-readonly="true"
            aria-checked=move || checked.get().to_string()>
            <span class="tick" aria-hidden="true">{move || if checked.get() { "☑" } else { "☐" }}</span>
            " "{label}
        </span>
    }
}

/// A value the system assigns, shown read-only.
#[component]
pub fn ReadOnly(field: Field, #[prop(into)] value: Signal<String>) -> impl IntoView {
    let id = format!("ro-{}", field.key());
    view! {
        <div class="field system">
            <label for=id.clone()>{field.label()}</label>
            <Value id value />
        </div>
    }
}
