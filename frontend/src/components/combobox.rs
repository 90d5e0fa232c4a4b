//! A code picker a clerk can type into: the ARIA 1.2 combobox pattern (an editable input with
//! a listbox popup). Typing filters by code prefix or by Chinese name ("匈", "321", "蛇口");
//! ↓/↑ move through the options, Enter picks, Escape closes and restores the value; options the
//! rules refuse stay visible, marked `aria-disabled` with the reason, and cannot be picked.

use std::sync::Arc;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

/// An option of a code table; `refused` says why the shared validation refuses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub code: String,
    pub label: String,
    /// What the input shows once the option is picked, e.g. `321 匈牙利`.
    pub text: String,
    pub refused: Option<String>,
}

impl Choice {
    /// An option shown with its code: `321 匈牙利`.
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Self {
        let (code, label) = (code.into(), label.into());
        Self {
            text: format!("{code} {label}"),
            ..Self::named(code, label)
        }
    }

    /// An option shown by its label alone, for a value whose code means nothing to a clerk
    /// ("全部", 租期将满).
    pub fn named(code: impl Into<String>, label: impl Into<String>) -> Self {
        let label = label.into();
        Self {
            code: code.into(),
            text: label.clone(),
            label,
            refused: None,
        }
    }

    /// Whether the typed `query` finds this option: a prefix of the code, part of the name, or
    /// the whole text as shown.
    fn matches(&self, query: &str) -> bool {
        let query = query.trim();
        query.is_empty()
            || self.code.starts_with(query)
            || self.label.contains(query)
            || self.text == query
    }
}

/// At most this many options are in the popup; typing narrows the rest.
const SHOWN: usize = 60;

/// The options that `query` finds, the first [`SHOWN`], and how many were found.
fn filter<'a>(options: &'a [Choice], query: &str) -> (Vec<&'a Choice>, usize) {
    let mut found = options.iter().filter(|c| c.matches(query));
    let shown: Vec<&Choice> = found.by_ref().take(SHOWN).collect();
    let total = shown.len() + found.count();
    (shown, total)
}

/// The option the typed text names exactly (its code, or its text as shown), if it may be picked.
fn exact<'a>(options: &'a [Choice], typed: &str) -> Option<&'a Choice> {
    let typed = typed.trim();
    options
        .iter()
        .filter(|c| c.refused.is_none())
        .find(|c| c.code == typed || c.text == typed || (!c.code.is_empty() && c.label == typed))
}

/// The index after `from` moving by `step` (±1), wrapping, over `len` options.
fn step(from: Option<usize>, step: isize, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let len = len as isize;
    let next = match from {
        None if step > 0 => 0,
        None => len - 1,
        Some(i) => (i as isize + step).rem_euclid(len),
    };
    Some(next as usize)
}

/// The code of the option after the one with code `from` among `shown`, moving by `by` (±1).
fn step_code(shown: &[&Choice], from: Option<&str>, by: isize) -> Option<String> {
    let at = from.and_then(|code| shown.iter().position(|c| c.code == code));
    step(at, by, shown.len()).map(|i| shown[i].code.clone())
}

/// The combobox's state: three signals of types the app already uses (the typed text, the code
/// of the active option, whether the popup is open) beside the value, while the options are a
/// plain shared slice, because every new signal value type adds its own copy of the reactive
/// machinery to the WebAssembly module.
#[derive(Clone, Copy)]
struct Picker {
    /// The code chosen now ("" for none).
    value: Signal<String>,
    set: Callback<String>,
    /// What the clerk is typing; `None` shows the chosen option.
    typed: RwSignal<Option<String>>,
    open: RwSignal<bool>,
    /// The code of the option ↓/↑ moved to.
    active: RwSignal<Option<String>>,
}

impl Picker {
    fn close(self) {
        self.typed.set(None);
        self.open.set(false);
        self.active.set(None);
    }

    fn pick(self, code: String) {
        self.set.run(code);
        self.close();
    }

    /// The input's text: what the clerk is typing, else the chosen option as shown.
    fn text(self, options: &[Choice]) -> String {
        self.typed.get().unwrap_or_else(|| {
            let code = self.value.get();
            options
                .iter()
                .find(|c| c.code == code)
                .map_or(code, |c| c.text.clone())
        })
    }

    /// Typing `text` opens the popup with the first option it finds active.
    fn input(self, text: String, options: &[Choice]) {
        let first = filter(options, &text).0.first().map(|c| c.code.clone());
        self.typed.set(Some(text));
        self.open.set(true);
        self.active.set(first);
    }

    /// Leaving the input picks the option the typed text names exactly, none for a blank text,
    /// and otherwise keeps the chosen one.
    fn leave(self, options: &[Choice]) {
        let chosen = self.value.get_untracked();
        let code = match self.typed.get_untracked() {
            Some(text) if text.trim().is_empty() => String::new(),
            Some(text) => exact(options, &text).map_or(chosen, |c| c.code.clone()),
            None => chosen,
        };
        self.pick(code);
    }

    /// ↓/↑ move through the options found, Enter picks the active one, Escape closes.
    fn key(self, ev: &KeyboardEvent, options: &[Choice]) {
        let open = self.open.get_untracked();
        let query = self.typed.get_untracked().unwrap_or_default();
        let shown = || filter(options, &query).0;
        match ev.key().as_str() {
            "ArrowDown" => self.arrow(&shown(), 1),
            "ArrowUp" => self.arrow(&shown(), -1),
            "Enter" if open => self.enter(&shown()),
            "Escape" if open || self.typed.get_untracked().is_some() => self.close(),
            _ => return,
        }
        ev.prevent_default();
    }

    /// Moves the active option by `by` (±1) among `shown`; opening the popup with an arrow
    /// starts at the chosen option when it is shown.
    fn arrow(self, shown: &[&Choice], by: isize) {
        let next = if self.open.get_untracked() {
            step_code(shown, self.active.get_untracked().as_deref(), by)
        } else {
            self.open.set(true);
            let chosen = self.value.get_untracked();
            shown
                .iter()
                .find(|c| !chosen.is_empty() && c.code == chosen)
                .map(|c| c.code.clone())
                .or_else(|| step_code(shown, None, by))
        };
        self.active.set(next);
    }

    /// Picks the active option among `shown` unless it is refused.
    fn enter(self, shown: &[&Choice]) {
        let code = self.active.get_untracked();
        let choice = shown.iter().find(|c| Some(&c.code) == code.as_ref());
        if let Some(choice) = choice.filter(|c| c.refused.is_none()) {
            self.pick(choice.code.clone());
        }
    }
}

/// The code picker of the module documentation: an input with its listbox popup.
#[component]
pub fn Combobox(
    /// The input's id (the label's `for`); the listbox, the options and the field's message
    /// (`{id}-error`, referenced while `invalid`) derive theirs from it.
    #[prop(into)]
    id: String,
    /// The code chosen now ("" for none).
    value: Signal<String>,
    /// Called with the code the clerk picks, and with the chosen code when the clerk leaves the
    /// input (so that a form can mark the field as visited).
    set: Callback<String>,
    #[prop(into)] options: Arc<[Choice]>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional, into)] invalid: Signal<bool>,
    #[prop(optional, into)] required: Signal<bool>,
) -> impl IntoView {
    let listbox_id = format!("{id}-listbox");
    let error_id = format!("{id}-error");
    let option_id = OptionId(id.clone());
    let picker = Picker {
        value,
        set,
        typed: RwSignal::new(None),
        open: RwSignal::new(false),
        active: RwSignal::new(None),
    };
    let Picker { open, active, .. } = picker;
    let active_id = {
        let option_id = option_id.clone();
        move || {
            open.get()
                .then(|| active.get())
                .flatten()
                .map(|code| option_id.of(&code))
        }
    };
    // Each handler holds the options as well as the popup.
    let [for_text, for_input, for_keys, for_leave] = [(); 4].map(|()| Arc::clone(&options));
    view! {
        <div class="combobox">
            <input id=id type="text" role="combobox" autocomplete="off"
                aria-autocomplete="list" aria-controls=listbox_id.clone()
                aria-expanded=move || open.get().to_string()
                aria-activedescendant=active_id
                aria-invalid=move || invalid.get().to_string()
                aria-required=move || required.get().to_string()
                aria-describedby=move || invalid.get().then(|| error_id.clone())
                placeholder="输入代码或名称"
                disabled=move || disabled.get()
                prop:value=move || picker.text(&for_text)
                on:input=move |ev| picker.input(event_target_value(&ev), &for_input)
                on:click=move |_| open.update(|o| *o = !*o)
                on:keydown=move |ev| picker.key(&ev, &for_keys)
                on:blur=move |_| picker.leave(&for_leave) />
            <div id=listbox_id role="listbox" class="listbox" hidden=move || !open.get()>
                {move || popup(picker, &options, &option_id)}
            </div>
        </div>
    }
}

/// The ids of a combobox's options: `{id}-opt-{code}`, `{id}-opt-all` for the empty code.
#[derive(Clone)]
struct OptionId(String);

impl OptionId {
    fn of(&self, code: &str) -> String {
        let code = if code.is_empty() { "all" } else { code };
        format!("{}-opt-{code}", self.0)
    }
}

/// The popup's rows for what is typed now, and a note when the typing finds none or more than
/// are shown; drawn again whenever the typing, the active option or the value changes.
fn popup(picker: Picker, options: &[Choice], option_id: &OptionId) -> impl IntoView {
    let query = picker.typed.get().unwrap_or_default();
    let (shown, total) = filter(options, &query);
    let active = picker.active.get();
    let chosen = picker.value.get();
    let info = if shown.is_empty() {
        Some("无匹配项，请输入代码或中文名称".to_owned())
    } else {
        let more = total - shown.len();
        (more > 0).then(|| format!("还有 {more} 项，请继续输入以缩小范围"))
    };
    let rows = shown
        .into_iter()
        .map(|choice| {
            let is_active = active.as_ref() == Some(&choice.code);
            option_row(
                picker,
                choice,
                option_id.of(&choice.code),
                is_active,
                choice.code == chosen,
            )
        })
        .collect_view();
    view! {
        {rows}
        {info.map(|info| view! { <div class="option-info">{info}</div> })}
    }
}

/// One option of the popup; a refused one says why and cannot be picked.
fn option_row(
    picker: Picker,
    choice: &Choice,
    id: String,
    is_active: bool,
    is_chosen: bool,
) -> impl IntoView {
    let mut class = String::new();
    for (on, name) in [
        (is_active, "active "),
        (is_chosen, "chosen "),
        (choice.refused.is_some(), "refused"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    let code = choice.code.clone();
    let allowed = choice.refused.is_none();
    view! {
        <div id=id role="option" class=class
            aria-selected=if is_active { "true" } else { "false" }
            aria-disabled=(!allowed).then_some("true")
            on:mousedown=move |ev| {
                ev.prevent_default();
                if allowed {
                    picker.pick(code.clone());
                }
            }>
            {choice.text.clone()}
            {choice.refused.as_ref().map(|why| view! {
                <span class="option-note">{format!("不可选：{why}")}</span>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<Choice> {
        vec![
            Choice::named("", "全部"),
            Choice::new("321", "匈牙利"),
            Choice {
                refused: Some("海外仓必须位于境外".into()),
                ..Choice::new("142", "中国")
            },
            Choice::new("143", "中国台湾"),
        ]
    }

    #[test]
    fn typing_finds_by_code_prefix_or_chinese_name() {
        let codes = |query| {
            filter(&options(), query)
                .0
                .into_iter()
                .map(|c| c.code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("匈"), ["321"]);
        assert_eq!(codes("32"), ["321"]);
        assert_eq!(codes("中国"), ["142", "143"]);
        assert_eq!(codes("321 匈牙利"), ["321"]);
        assert_eq!(codes("").len(), 4);
    }

    #[test]
    fn an_exact_text_picks_only_an_allowed_option() {
        assert_eq!(
            exact(&options(), "321").map(|c| c.code.as_str()),
            Some("321")
        );
        assert_eq!(
            exact(&options(), "匈牙利").map(|c| c.code.as_str()),
            Some("321")
        );
        assert_eq!(exact(&options(), "142"), None);
        assert_eq!(exact(&options(), "匈"), None);
    }

    #[test]
    fn arrows_wrap_around() {
        assert_eq!(step(None, 1, 3), Some(0));
        assert_eq!(step(None, -1, 3), Some(2));
        assert_eq!(step(Some(2), 1, 3), Some(0));
        assert_eq!(step(Some(0), -1, 3), Some(2));
        assert_eq!(step(None, 1, 0), None);
    }
}
