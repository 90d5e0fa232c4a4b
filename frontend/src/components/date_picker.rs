//! A date in the one format, `YYYY-MM-DD`, whatever the browser's language: typed as digits
//! (the hyphens are put in) or picked on a Chinese calendar (年/月, 日 一 二 三 四 五 六) that
//! the keyboard operates — instead of the browser's own date input, which shows `mm/dd/yyyy` in
//! an English browser.

use leptos::prelude::*;
use owf_shared::ids::Date;
use wasm_bindgen::JsCast;

use crate::filing::today;

const WEEKDAYS: [&str; 7] = ["日", "一", "二", "三", "四", "五", "六"];

/// The date input with its calendar button; `set` receives the text as typed (masked) or the
/// picked day.
#[component]
pub fn DatePicker(
    id: String,
    #[prop(into)] value: Signal<String>,
    set: Callback<String>,
    #[prop(into, default = Signal::stored(false))] invalid: Signal<bool>,
    #[prop(into, default = Signal::stored(false))] required: Signal<bool>,
    #[prop(into, default = Signal::stored(None))] described: Signal<Option<String>>,
    /// The accessible name when no `<label for>` names the input.
    #[prop(optional)]
    label: Option<&'static str>,
    /// The input or the calendar is left.
    #[prop(optional)]
    on_leave: Option<Callback<()>>,
) -> impl IntoView {
    let calendar = Calendar {
        id: StoredValue::new(id.clone()),
        open: RwSignal::new(false),
        active: RwSignal::new(today()),
    };
    let wrapper = NodeRef::<leptos::html::Div>::new();
    let toggle = move |_| {
        if calendar.open.get_untracked() {
            calendar.close();
        } else {
            calendar.show(value.get_untracked());
        }
    };
    let typed = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        let masked = Date::mask(&typed);
        if masked != typed {
            event_target::<web_sys::HtmlInputElement>(&ev).set_value(&masked);
        }
        set.run(masked);
    };
    let input_keys = move |ev: leptos::ev::KeyboardEvent| {
        if ev.alt_key() && ev.key() == "ArrowDown" {
            ev.prevent_default();
            calendar.show(value.get_untracked());
        }
    };
    // Focus leaving the input and its calendar closes the calendar.
    let focus_out = move |ev: leptos::ev::FocusEvent| {
        let inside = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .zip(wrapper.get_untracked())
            .is_some_and(|(to, wrapper)| wrapper.contains(Some(&to)));
        if !inside {
            calendar.open.set(false);
            if let Some(leave) = on_leave {
                leave.run(());
            }
        }
    };
    let pick = Callback::new(move |date: Date| {
        set.run(date.to_string());
        calendar.close();
    });
    view! {
        <div class="date-input" node_ref=wrapper on:focusout=focus_out>
            <input id=id.clone() type="text" inputmode="numeric" placeholder="YYYY-MM-DD"
                maxlength="10" autocomplete="off" aria-label=label
                aria-invalid=move || invalid.get().to_string()
                aria-required=move || required.get().to_string()
                aria-describedby=move || described.get()
                prop:value=move || value.get()
                on:input=typed on:keydown=input_keys />
            <button type="button" class="calendar-toggle" id=format!("{id}-toggle")
                aria-label="选择日期" aria-haspopup="dialog"
                aria-expanded=move || calendar.open.get().to_string()
                on:click=toggle>
                <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                    <rect x="1.5" y="3" width="13" height="11.5" rx="1.5" fill="none" stroke="currentColor" />
                    <path d="M1.5 6.5h13M5 1v3.5M11 1v3.5" stroke="currentColor" />
                </svg>
            </button>
            {move || calendar.open.get().then(|| calendar.view(value, pick))}
        </div>
    }
}

/// The calendar popup of one input.
#[derive(Clone, Copy)]
struct Calendar {
    /// The input's id.
    id: StoredValue<String>,
    open: RwSignal<bool>,
    /// The day the keyboard is on; its month is shown.
    active: RwSignal<Date>,
}

impl Calendar {
    /// Opens on the date typed, or on today.
    fn show(self, typed: String) {
        self.active
            .set(Date::parse(&typed).unwrap_or_else(|_| today()));
        self.open.set(true);
        self.focus_active();
    }

    /// Closes, the input having the focus again.
    fn close(self) {
        self.open.set(false);
        let id = self.id.get_value();
        if let Some(input) = document()
            .get_element_by_id(&id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = input.focus();
        }
    }

    /// Moves the keyboard to `date`.
    fn go(self, date: Date) {
        self.active.set(date);
        self.focus_active();
    }

    /// Once drawn, the active day has the focus.
    fn focus_active(self) {
        request_animation_frame(move || {
            let Some(id) = self.id.try_get_value() else {
                return;
            };
            let Some(active) = self.active.try_get_untracked() else {
                return;
            };
            let selector = format!("#{id}-calendar button[data-date='{active}']");
            if let Some(day) = document()
                .query_selector(&selector)
                .ok()
                .flatten()
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = day.focus();
            }
        });
    }

    /// ← → a day, ↑ ↓ a week, PageUp/PageDown a month (with Shift a year), Escape closes.
    fn key(self, ev: &leptos::ev::KeyboardEvent) {
        let active = self.active.get_untracked();
        let years = if ev.shift_key() { 12 } else { 1 };
        let to = match ev.key().as_str() {
            "ArrowLeft" => active.add_days(-1),
            "ArrowRight" => active.add_days(1),
            "ArrowUp" => active.add_days(-7),
            "ArrowDown" => active.add_days(7),
            "PageUp" => shift_month(active, -years),
            "PageDown" => shift_month(active, years),
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                self.close();
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        self.go(to);
    }

    fn view(self, value: Signal<String>, pick: Callback<Date>) -> impl IntoView {
        let active = self.active;
        let id = self.id.get_value();
        let title = move || {
            let a = active.get();
            format!("{}年{}月", a.year(), a.month())
        };
        let step =
            move |months: i32| move |_| active.set(shift_month(active.get_untracked(), months));
        let heads = WEEKDAYS
            .map(|day| view! { <th scope="col" abbr=format!("星期{day}")>{day}</th> })
            .collect_view();
        let weeks = move || {
            let shown = active.get();
            let chosen = value.with(|v| Date::parse(v).ok());
            month_weeks(shown)
                .into_iter()
                .map(|week| {
                    let days = week
                        .into_iter()
                        .map(|day| day_cell(day, shown, chosen, pick))
                        .collect_view();
                    view! { <tr>{days}</tr> }
                })
                .collect_view()
        };
        view! {
            <div class="calendar" id=format!("{id}-calendar") role="dialog" aria-label="选择日期"
                tabindex="-1" on:keydown=move |ev| self.key(&ev)>
                <div class="calendar-head">
                    <button type="button" class="prev-year" aria-label="上一年" on:click=step(-12)>"«"</button>
                    <button type="button" class="prev-month" aria-label="上一月" on:click=step(-1)>"‹"</button>
                    <span class="calendar-title" aria-live="polite">{title}</span>
                    <button type="button" class="next-month" aria-label="下一月" on:click=step(1)>"›"</button>
                    <button type="button" class="next-year" aria-label="下一年" on:click=step(12)>"»"</button>
                </div>
                <table role="grid">
                    <thead><tr>{heads}</tr></thead>
                    <tbody>{weeks}</tbody>
                </table>
            </div>
        }
    }
}

/// One day of the grid: a button for a day of the `shown` month, blank for the others.
fn day_cell(day: Date, shown: Date, chosen: Option<Date>, pick: Callback<Date>) -> AnyView {
    if day.month() != shown.month() {
        return view! { <td></td> }.into_any();
    }
    let is_active = day == shown;
    view! {
        <td>
            <button type="button" data-date=day.to_string() aria-label=day.to_string()
                tabindex=if is_active { "0" } else { "-1" }
                class:active=is_active
                aria-pressed=(chosen == Some(day)).to_string()
                class:today=day == today()
                on:click=move |_| pick.run(day)>
                {day.day()}
            </button>
        </td>
    }
    .into_any()
}

/// The weeks (Sunday first) that hold the days of `date`'s month.
fn month_weeks(date: Date) -> Vec<[Date; 7]> {
    let first = Date::new(date.year(), date.month(), 1).expect("every month has a 1st");
    let mut start = first.add_days(-i64::from(first.weekday()));
    let mut weeks = Vec::new();
    loop {
        weeks.push(std::array::from_fn(|i| start.add_days(i as i64)));
        start = start.add_days(7);
        if start.month() != date.month() {
            return weeks;
        }
    }
}

/// The same day `months` months later (earlier when negative), or the month's last day.
fn shift_month(date: Date, months: i32) -> Date {
    let index = i32::from(date.year()) * 12 + i32::from(date.month()) - 1 + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let (Ok(year), Ok(month)) = (u16::try_from(year), u8::try_from(month)) else {
        return date;
    };
    (28..=date.day())
        .rev()
        .chain([date.day().min(28)])
        .find_map(|day| Date::new(year, month, day))
        .unwrap_or(date)
}
