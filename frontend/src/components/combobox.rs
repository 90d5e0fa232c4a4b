//! A code picker a clerk can type into: the ARIA 1.2 combobox pattern (an editable input with
//! a listbox popup). Typing filters by code prefix or by Chinese name ("匈", "321", "蛇口");
//! ↓/↑ move through the options, Enter picks, Escape closes and restores the value; options the
//! rules refuse stay visible, marked `aria-disabled` with the reason, and cannot be picked.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

/// An option of a code table; `refused` says why the shared validation refuses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub code: String,
    pub label: String,
    pub refused: Option<String>,
}

impl Choice {
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            label: label.into(),
            refused: None,
        }
    }

    /// What the input shows once the option is picked: `321 匈牙利` (just the label for the
    /// empty choice "全部").
    pub fn text(&self) -> String {
        if self.code.is_empty() {
            self.label.clone()
        } else {
            format!("{} {}", self.code, self.label)
        }
    }

    /// Whether the typed `query` finds this option: a prefix of the code, part of the name, or
    /// the whole text as shown.
    fn matches(&self, query: &str) -> bool {
        let query = query.trim();
        query.is_empty()
            || self.code.starts_with(query)
            || self.label.contains(query)
            || self.text() == query
    }
}

/// At most this many options are in the popup; typing narrows the rest.
const SHOWN: usize = 60;

/// The options that `query` finds, the first [`SHOWN`], and how many were found.
fn filter(options: &[Choice], query: &str) -> (Vec<Choice>, usize) {
    let found: Vec<&Choice> = options.iter().filter(|c| c.matches(query)).collect();
    let total = found.len();
    (found.into_iter().take(SHOWN).cloned().collect(), total)
}

/// The option the typed text names exactly (its code, or its text as shown), if it may be picked.
fn exact<'a>(options: &'a [Choice], typed: &str) -> Option<&'a Choice> {
    let typed = typed.trim();
    options
        .iter()
        .filter(|c| c.refused.is_none())
        .find(|c| c.code == typed || c.text() == typed || (!c.code.is_empty() && c.label == typed))
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

#[component]
pub fn Combobox(
    /// The input's id (the label's `for`); the listbox and options derive theirs from it.
    #[prop(into)]
    id: String,
    /// The code chosen now ("" for none).
    value: Signal<String>,
    /// Called with the code the clerk picks.
    set: Callback<String>,
    options: Signal<Vec<Choice>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional, into)] invalid: Signal<bool>,
    #[prop(optional, into)] required: Signal<bool>,
    #[prop(optional, into)] described_by: Signal<Option<String>>,
    /// Called when the clerk leaves the input.
    #[prop(optional)]
    on_leave: Option<Callback<()>>,
) -> impl IntoView {
    let listbox_id = format!("{id}-listbox");
    let option_id = {
        let id = id.clone();
        move |code: &str| format!("{id}-opt-{}", if code.is_empty() { "all" } else { code })
    };
    // What the clerk is typing; `None` shows the chosen option.
    let typed = RwSignal::new(None::<String>);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let found = Memo::new(move |_| {
        let query = typed.get().unwrap_or_default();
        options.with(|o| filter(o, &query))
    });
    let shown_text = move || {
        let code = value.get();
        options.with(|o| {
            o.iter()
                .find(|c| c.code == code)
                .map_or_else(|| code.clone(), Choice::text)
        })
    };
    let pick = move |choice: &Choice| {
        if choice.refused.is_none() {
            set.run(choice.code.clone());
            typed.set(None);
            open.set(false);
            active.set(None);
        }
    };
    let leave = move || {
        if let Some(text) = typed.get_untracked() {
            let picked = options.with_untracked(|o| exact(o, &text).cloned());
            match picked {
                Some(choice) => set.run(choice.code),
                None if text.trim().is_empty() => set.run(String::new()),
                None => {}
            }
        }
        typed.set(None);
        open.set(false);
        active.set(None);
        if let Some(on_leave) = on_leave {
            on_leave.run(());
        }
    };
    let keydown = move |ev: KeyboardEvent| {
        let len = found.with_untracked(|(shown, _)| shown.len());
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                let by = if ev.key() == "ArrowDown" { 1 } else { -1 };
                if open.get_untracked() {
                    active.set(step(active.get_untracked(), by, len));
                } else {
                    open.set(true);
                    let chosen = value.get_untracked();
                    let at = found.with_untracked(|(shown, _)| {
                        shown
                            .iter()
                            .position(|c| c.code == chosen && !chosen.is_empty())
                    });
                    active.set(at.or_else(|| step(None, by, len)));
                }
            }
            "Enter" if open.get_untracked() => {
                ev.prevent_default();
                let choice = active
                    .get_untracked()
                    .and_then(|i| found.with_untracked(|(shown, _)| shown.get(i).cloned()));
                if let Some(choice) = choice {
                    pick(&choice);
                }
            }
            "Escape" if open.get_untracked() || typed.get_untracked().is_some() => {
                ev.prevent_default();
                typed.set(None);
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    let active_id = {
        let option_id = option_id.clone();
        move || {
            open.get()
                .then(|| active.get())
                .flatten()
                .and_then(|i| found.with(|(shown, _)| shown.get(i).map(|c| option_id(&c.code))))
        }
    };
    let items = {
        let option_id = option_id.clone();
        move || {
            let (shown, total) = found.get();
            let more = total.saturating_sub(shown.len());
            let empty = shown.is_empty();
            let chosen = value.get();
            let rows = shown
                .into_iter()
                .enumerate()
                .map(|(i, choice)| {
                    let refused = choice.refused.clone();
                    let is_chosen = choice.code == chosen;
                    let id = option_id(&choice.code);
                    let text = choice.text();
                    let note = refused.clone().map(
                        |why| view! { <span class="option-note">{format!("不可选：{why}")}</span> },
                    );
                    view! {
                        <li id=id role="option"
                            class:active=move || active.get() == Some(i)
                            class:chosen=is_chosen
                            class:refused=refused.is_some()
                            aria-selected=move || (active.get() == Some(i)).to_string()
                            aria-disabled=refused.is_some().then_some("true")
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                pick(&choice);
                            }>
                            <span class="option-text">{text}</span>
                            {note}
                        </li>
                    }
                })
                .collect_view();
            view! {
                {rows}
                {empty.then(|| view! { <li class="option-info" role="presentation">"无匹配项，请输入代码或中文名称"</li> })}
                {(more > 0).then(|| view! {
                    <li class="option-info" role="presentation">{format!("还有 {more} 项，请继续输入以缩小范围")}</li>
                })}
            }
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
                aria-describedby=move || described_by.get()
                placeholder="输入代码或名称"
                disabled=move || disabled.get()
                prop:value=move || typed.get().unwrap_or_else(shown_text)
                on:input=move |ev| {
                    typed.set(Some(event_target_value(&ev)));
                    open.set(true);
                    active.set(step(None, 1, found.with_untracked(|(shown, _)| shown.len())));
                }
                on:click=move |_| open.update(|o| *o = !*o)
                on:keydown=keydown
                on:blur=move |_| leave() />
            <ul id=listbox_id role="listbox" class="listbox" hidden=move || !open.get()>
                {items}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<Choice> {
        vec![
            Choice::new("", "全部"),
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
                .map(|c| c.code)
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
