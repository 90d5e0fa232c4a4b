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

/// The combobox: the state is three signals of types the app already uses (the typed text, the
/// code of the active option, whether the popup is open) and the options a plain shared slice,
/// because every new signal value type adds its own copy of the reactive machinery to the
/// WebAssembly module.
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
    let option_id = {
        let id = id.clone();
        move |code: &str| format!("{id}-opt-{}", if code.is_empty() { "all" } else { code })
    };
    // What the clerk is typing; `None` shows the chosen option.
    let typed = RwSignal::new(None::<String>);
    let open = RwSignal::new(false);
    // The code of the option ↓/↑ moved to.
    let active = RwSignal::new(None::<String>);
    let close = move || {
        typed.set(None);
        open.set(false);
        active.set(None);
    };
    let pick = move |code: String| {
        set.run(code);
        close();
    };
    let leave = {
        let options = Arc::clone(&options);
        move || {
            let chosen = value.get_untracked();
            let code = match typed.get_untracked() {
                Some(text) if text.trim().is_empty() => String::new(),
                Some(text) => exact(&options, &text).map_or(chosen, |c| c.code.clone()),
                None => chosen,
            };
            pick(code);
        }
    };
    let keydown = {
        let options = Arc::clone(&options);
        move |ev: KeyboardEvent| {
            let query = typed.get_untracked().unwrap_or_default();
            let shown = || filter(&options, &query).0;
            let by = match ev.key().as_str() {
                "ArrowDown" => 1,
                "ArrowUp" => -1,
                "Enter" if open.get_untracked() => {
                    ev.prevent_default();
                    let code = active.get_untracked();
                    let choice = shown().into_iter().find(|c| Some(&c.code) == code.as_ref());
                    if let Some(choice) = choice.filter(|c| c.refused.is_none()) {
                        pick(choice.code.clone());
                    }
                    return;
                }
                "Escape" if open.get_untracked() || typed.get_untracked().is_some() => {
                    ev.prevent_default();
                    close();
                    return;
                }
                _ => return,
            };
            ev.prevent_default();
            let shown = shown();
            let next = if open.get_untracked() {
                step_code(&shown, active.get_untracked().as_deref(), by)
            } else {
                // Opening with an arrow starts at the chosen option when it is shown.
                open.set(true);
                let chosen = value.get_untracked();
                shown
                    .iter()
                    .find(|c| !chosen.is_empty() && c.code == chosen)
                    .map(|c| c.code.clone())
                    .or_else(|| step_code(&shown, None, by))
            };
            active.set(next);
        }
    };
    let input = {
        let options = Arc::clone(&options);
        move |ev| {
            let text = event_target_value(&ev);
            let first = filter(&options, &text).0.first().map(|c| c.code.clone());
            typed.set(Some(text));
            open.set(true);
            active.set(first);
        }
    };
    let shown_text = {
        let options = Arc::clone(&options);
        move || {
            typed.get().unwrap_or_else(|| {
                let code = value.get();
                options
                    .iter()
                    .find(|c| c.code == code)
                    .map_or(code, |c| c.text.clone())
            })
        }
    };
    let active_id = {
        let option_id = option_id.clone();
        move || {
            open.get()
                .then(|| active.get())
                .flatten()
                .map(|code| option_id(&code))
        }
    };
    // The popup's rows, drawn again whenever the typing, the active option or the value changes.
    let items = move || {
        let query = typed.get().unwrap_or_default();
        let (shown, total) = filter(&options, &query);
        let active = active.get();
        let chosen = value.get();
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
                let mut class = String::new();
                for (on, name) in [
                    (is_active, "active "),
                    (choice.code == chosen, "chosen "),
                    (choice.refused.is_some(), "refused"),
                ] {
                    if on {
                        class.push_str(name);
                    }
                }
                let code = choice.code.clone();
                let allowed = choice.refused.is_none();
                view! {
                    <div id=option_id(&choice.code) role="option" class=class
                        aria-selected=if is_active { "true" } else { "false" }
                        aria-disabled=(!allowed).then_some("true")
                        on:mousedown=move |ev| {
                            ev.prevent_default();
                            if allowed {
                                pick(code.clone());
                            }
                        }>
                        {choice.text.clone()}
                        {choice.refused.as_ref().map(|why| view! {
                            <span class="option-note">{format!("不可选：{why}")}</span>
                        })}
                    </div>
                }
            })
            .collect_view();
        view! {
            {rows}
            {info.map(|info| view! { <div class="option-info">{info}</div> })}
        }
    };
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
                prop:value=shown_text
                on:input=input
                on:click=move |_| open.update(|o| *o = !*o)
                on:keydown=keydown
                on:blur=move |_| leave() />
            <div id=listbox_id role="listbox" class="listbox" hidden=move || !open.get()>
                {items}
            </div>
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
