//! The condition panel above a result table. The conditions live in the URL query string:
//! 查询 puts them there, 重置 removes them (which clears the results too), and back/forward or a
//! shared link reproduce the same search.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use owf_shared::api::ListQuery;
use owf_shared::codes::TradeMode;
use owf_shared::field::Field;
use owf_shared::lease::LeaseFilter;
use owf_shared::status::Status;
use owf_shared::validate::FieldErrors;

use crate::api::UrlQuery;
use crate::components::code_tables::with_tables;
use crate::components::date_picker::DatePicker;
use crate::components::field::{choices, table_choices, Choice, Combobox};

/// A condition of domain.md §2.4.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// 申请编号 / 企业申请编号, labelled as the field.
    ApplyNo(Field),
    CustomsCode,
    EntName,
    WhName,
    Country,
    TradeMode,
    Status,
    /// 租期将满 / 已过期
    Lease,
    /// 申报日期起–止
    DeclDates,
}

/// Where a condition typed as text lives in a query `Q`.
pub type Text<Q> = (fn(&Q) -> &Option<String>, fn(&mut Q) -> &mut Option<String>);

/// A query whose conditions a [`query_panel`] shows: which conditions it has, and the input of
/// each.
pub trait Conditions: UrlQuery {
    type Condition: Copy + Send + Sync + 'static;

    /// The input of `condition` over the conditions as typed.
    fn input(draft: Draft<Self>, condition: Self::Condition) -> AnyView;
}

impl Conditions for ListQuery {
    type Condition = Condition;

    fn input(draft: Draft<Self>, condition: Condition) -> AnyView {
        condition_input(draft, condition)
    }
}

fn text_of(condition: Condition) -> Option<(Field, &'static str, Text<ListQuery>)> {
    let (field, key, access): (Field, _, Text<ListQuery>) = match condition {
        Condition::ApplyNo(field) => (field, "apply_no", (|q| &q.apply_no, |q| &mut q.apply_no)),
        Condition::CustomsCode => (
            Field::CustomsCode,
            "customs_code",
            (|q| &q.customs_code, |q| &mut q.customs_code),
        ),
        Condition::EntName => (
            Field::EntName,
            "ent_name",
            (|q| &q.ent_name, |q| &mut q.ent_name),
        ),
        Condition::WhName => (
            Field::WhName,
            "wh_name",
            (|q| &q.wh_name, |q| &mut q.wh_name),
        ),
        _ => return None,
    };
    Some((field, key, access))
}

/// A typed condition, trimmed; `None` when empty.
fn filled(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

/// The current URL query string, without `?`.
pub fn use_search() -> Memo<String> {
    let search = use_location().search;
    Memo::new(move |_| search.get().trim_start_matches('?').to_owned())
}

/// The URL of `path` showing the results of `query`.
pub fn results_url(path: &str, query: &impl UrlQuery) -> String {
    format!("{path}?{}", query.encode())
}

/// The panel of the `conditions` of a query `Q`, over the list at `path`.
pub fn query_panel<Q: Conditions>(
    path: &'static str,
    conditions: &'static [Q::Condition],
) -> impl IntoView {
    let navigate = use_navigate();
    let search = use_search();
    let query = RwSignal::new(Q::default());
    Effect::new(move |_| query.set(Q::decode(&search.get())));
    let draft = Draft {
        query,
        tried: RwSignal::new(false),
        errors: Memo::new(move |_| query.with(Q::validate)),
    };
    let submit = {
        let navigate = navigate.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            draft.tried.set(true);
            if !draft.errors.with_untracked(|e| e.is_empty()) {
                return;
            }
            let mut query = query.get_untracked();
            *query.paging().0 = Some(1);
            navigate(&results_url(path, &query), Default::default());
        }
    };
    let reset = move |_| {
        draft.tried.set(false);
        query.set(Q::default());
        navigate(path, Default::default());
    };
    let inputs = conditions
        .iter()
        .map(|&condition| Q::input(draft, condition))
        .collect_view();
    view! {
        <form class="query-panel" role="search" aria-label="查询条件" on:submit=submit novalidate=true>
            <div class="conditions">{inputs}</div>
            <div class="query-actions">
                <button type="submit" id="btn-query" class="primary">"查询"</button>
                <button type="button" id="btn-reset" on:click=reset>"重置"</button>
            </div>
        </form>
    }
}

/// The conditions as typed, not yet in the URL, and their validation.
pub struct Draft<Q: Send + Sync + 'static> {
    pub query: RwSignal<Q>,
    /// Whether 查询 was pressed since the last 重置: only then are messages shown.
    tried: RwSignal<bool>,
    errors: Memo<FieldErrors>,
}

impl<Q: Send + Sync + 'static> Clone for Draft<Q> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q: Send + Sync + 'static> Copy for Draft<Q> {}

impl<Q: Send + Sync + 'static> Draft<Q> {
    /// Whether the condition `key` is shown as invalid.
    fn invalid(self, key: &'static str) -> bool {
        self.tried.get() && self.errors.with(|e| e.contains_key(key))
    }

    /// The message of the condition `key`, once shown.
    fn error(self, key: &'static str) -> impl IntoView {
        move || {
            self.tried
                .get()
                .then(|| self.errors.with(|e| e.get(key).cloned()))
                .flatten()
                .map(|message| view! { <p class="field-error" id=format!("{key}-error")>{message}</p> })
        }
    }
}

/// The input of one condition of the filings' lists.
fn condition_input(draft: Draft<ListQuery>, condition: Condition) -> AnyView {
    if let Some((field, key, access)) = text_of(condition) {
        return text_input(draft.query, field.label(), key, access);
    }
    let query = draft.query;
    match condition {
        Condition::Country => with_tables(Box::new(move |tables| {
            code_select(
                Field::CountryCode.key(),
                Field::CountryCode.label(),
                table_choices(tables.countries.rows(), &|_| None),
                query,
                |q| q.country_code.clone(),
                |q, code| q.country_code = filled(code),
            )
        }))
        .into_any(),
        Condition::TradeMode => code_select(
            Field::TradeMode.key(),
            Field::TradeMode.label(),
            choices(&TradeMode::FILING_OPTIONS, &|_| None),
            query,
            |q| q.trade_mode.clone(),
            |q, code| q.trade_mode = filled(code),
        ),
        Condition::Status => status_select(query, |q| q.status, |q, s| q.status = s),
        Condition::Lease => code_select(
            "lease",
            "租期",
            LeaseFilter::ALL
                .map(|l| Choice::named(l.code(), l.label()))
                .to_vec(),
            query,
            |q| q.lease.map(|l| l.code().to_owned()),
            |q, code| q.lease = LeaseFilter::from_code(&code),
        ),
        _ => date_range(
            draft,
            "申报日期",
            (
                "decl_from",
                "申报日期起",
                |q| &q.decl_from,
                |q| &mut q.decl_from,
            ),
            ("decl_to", "申报日期止", |q| &q.decl_to, |q| &mut q.decl_to),
        ),
    }
}

/// A condition typed as text (申请编号, 海关编码, 企业名称, 仓库名称, 订仓单编号).
pub fn text_input<Q: Send + Sync + 'static>(
    query: RwSignal<Q>,
    label: &'static str,
    key: &'static str,
    (get, set): Text<Q>,
) -> AnyView {
    view! {
        <div class="field">
            <label for=format!("q-{key}")>{label}</label>
            <input id=format!("q-{key}") name=key
                prop:value=move || query.with(|q| get(q).clone().unwrap_or_default())
                on:input=move |ev| query.update(|q| *set(q) = filled(event_target_value(&ev))) />
        </div>
    }
    .into_any()
}

/// A date condition of a range: its key, its label and where it lives in the query.
pub type DateBound<Q> = (
    &'static str,
    &'static str,
    fn(&Q) -> &Option<String>,
    fn(&mut Q) -> &mut Option<String>,
);

/// A date range `label` (申报日期, 录入日期) from the conditions `from` and `to`.
pub fn date_range<Q: Send + Sync + 'static>(
    draft: Draft<Q>,
    label: &'static str,
    from: DateBound<Q>,
    to: DateBound<Q>,
) -> AnyView {
    let query = draft.query;
    let picker = move |(key, name, get, set): DateBound<Q>| {
        view! {
            <DatePicker id=format!("q-{key}") label=name
                invalid=Signal::derive(move || draft.invalid(key))
                value=Signal::derive(move || query.with(|q| get(q).clone().unwrap_or_default()))
                set=Callback::new(move |date: String| query.update(|q| *set(q) = filled(date))) />
        }
    };
    view! {
        <div class="field dates">
            <label for=format!("q-{}", from.0)>{label}</label>
            <div class="range">
                {picker(from)}
                <span aria-hidden="true">"至"</span>
                {picker(to)}
            </div>
            {draft.error(from.0)}
            {draft.error(to.0)}
        </div>
    }
    .into_any()
}

/// 状态, picked from every status a row of the lists can have ([`Status::listed`]); `get` and
/// `set` reach it in the query.
pub fn status_select<Q: Send + Sync + 'static>(
    query: RwSignal<Q>,
    get: fn(&Q) -> Option<Status>,
    set: fn(&mut Q, Option<Status>),
) -> AnyView {
    let choices = Status::ALL
        .into_iter()
        .filter(|s| s.listed())
        .map(|s| Choice::new(s.code().to_string(), s.label()))
        .collect();
    code_select(
        Field::Status.key(),
        Field::Status.label(),
        choices,
        query,
        move |q| get(q).map(|s| s.code().to_string()),
        move |q, code| set(q, code.parse().ok().and_then(Status::from_code)),
    )
}

/// A condition picked from a list of codes (国家(地区), 监管方式, 状态, 租期): a [`Combobox`] of
/// `options` with "全部" first, reading and writing the condition through `get` and `set`.
fn code_select<Q: Send + Sync + 'static>(
    key: &'static str,
    label: &'static str,
    options: Vec<Choice>,
    draft: RwSignal<Q>,
    get: impl Fn(&Q) -> Option<String> + Copy + Send + Sync + 'static,
    set: impl Fn(&mut Q, String) + Copy + Send + Sync + 'static,
) -> AnyView {
    let with_all: Vec<Choice> = [Choice::named("", "全部")]
        .into_iter()
        .chain(options)
        .collect();
    view! {
        <div class="field">
            <label for=format!("q-{key}")>{label}</label>
            <Combobox id=format!("q-{key}")
                value=Signal::derive(move || draft.with(get).unwrap_or_default())
                set=Callback::new(move |code: String| draft.update(|q| set(q, code)))
                options=with_all />
        </div>
    }
    .into_any()
}
