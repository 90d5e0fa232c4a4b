//! The condition panel above a result table. The conditions live in the URL query string:
//! 查询 puts them there, 重置 removes them (which clears the results too), and back/forward or a
//! shared link reproduce the same search.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use owf_shared::api::ListQuery;
use owf_shared::codes::TradeMode;
use owf_shared::field::Field;
use owf_shared::lease::LeaseFilter;
use owf_shared::status::Status;

use crate::api::{decode_query, encode_query};
use crate::codes;
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

type Text = (
    fn(&ListQuery) -> &Option<String>,
    fn(&mut ListQuery) -> &mut Option<String>,
);

fn text_of(condition: Condition) -> Option<(Field, &'static str, Text)> {
    let (field, key, access): (Field, _, Text) = match condition {
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
pub fn results_url(path: &str, query: &ListQuery) -> String {
    format!("{path}?{}", encode_query(query))
}

#[component]
pub fn QueryPanel(path: &'static str, conditions: &'static [Condition]) -> impl IntoView {
    let navigate = use_navigate();
    let search = use_search();
    let draft = RwSignal::new(ListQuery::default());
    Effect::new(move |_| draft.set(decode_query(&search.get())));
    let tried = RwSignal::new(false);
    let errors = Memo::new(move |_| draft.with(ListQuery::validate));
    let error = move |key: &'static str| {
        move || {
            tried
                .get()
                .then(|| errors.with(|e| e.get(key).cloned()))
                .flatten()
                .map(|message| view! { <p class="field-error" id=format!("{key}-error")>{message}</p> })
        }
    };
    let query = {
        let navigate = navigate.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            tried.set(true);
            if !errors.with_untracked(|e| e.is_empty()) {
                return;
            }
            let mut query = draft.get_untracked();
            query.page = Some(1);
            navigate(&results_url(path, &query), Default::default());
        }
    };
    let reset = move |_| {
        tried.set(false);
        draft.set(ListQuery::default());
        navigate(path, Default::default());
    };

    let inputs = conditions
        .iter()
        .map(|&condition| {
            if let Some((field, key, (get, set))) = text_of(condition) {
                return view! {
                    <div class="field">
                        <label for=format!("q-{key}")>{field.label()}</label>
                        <input id=format!("q-{key}") name=key
                            prop:value=move || draft.with(|q| get(q).clone().unwrap_or_default())
                            on:input=move |ev| draft.update(|q| *set(q) = filled(event_target_value(&ev))) />
                    </div>
                }
                .into_any();
            }
            match condition {
                Condition::Country => {
                    // A failure shows with the results, which need the table too.
                    spawn_local(async {
                        let _ = codes::tables().await;
                    });
                    // Drawn again once, when the table arrives.
                    (move || {
                        let countries = codes::loaded().map_or_else(Vec::new, |tables| {
                            table_choices(tables.countries.rows(), |_| None)
                        });
                        code_select(
                            Field::CountryCode,
                            countries,
                            draft,
                            |q| &q.country_code,
                            |q| &mut q.country_code,
                        )
                    })
                    .into_any()
                }
                Condition::TradeMode => code_select(
                    Field::TradeMode,
                    choices(&TradeMode::FILING_OPTIONS, |_| None),
                    draft,
                    |q| &q.trade_mode,
                    |q| &mut q.trade_mode,
                ),
                Condition::Status => view! {
                    <div class="field">
                        <label for="q-status">{Field::Status.label()}</label>
                        <select id="q-status" name="status"
                            prop:value=move || draft.with(|q| q.status.map(|s| s.code().to_string()).unwrap_or_default())
                            on:change=move |ev| {
                                let code = event_target_value(&ev).parse().ok();
                                draft.update(|q| q.status = code.and_then(Status::from_code));
                            }>
                            <option value="">"全部"</option>
                            {Status::ALL.into_iter().map(|s| view! {
                                <option value=s.code() selected=move || draft.with(|q| q.status == Some(s))>{s.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }
                .into_any(),
                Condition::Lease => view! {
                    <div class="field">
                        <label for="q-lease">"租期"</label>
                        <select id="q-lease" name="lease"
                            prop:value=move || draft.with(|q| q.lease.map(|l| l.code()).unwrap_or_default())
                            on:change=move |ev| {
                                let code = event_target_value(&ev);
                                draft.update(|q| q.lease = LeaseFilter::from_code(&code));
                            }>
                            <option value="">"全部"</option>
                            {LeaseFilter::ALL.into_iter().map(|l| view! {
                                <option value=l.code() selected=move || draft.with(|q| q.lease == Some(l))>{l.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }
                .into_any(),
                _ => view! {
                    <div class="field dates">
                        <label for="q-decl_from">"申报日期"</label>
                        <div class="range">
                            <input id="q-decl_from" type="date" aria-label="申报日期起"
                                aria-invalid=move || (tried.get() && errors.with(|e| e.contains_key("decl_from"))).to_string()
                                prop:value=move || draft.with(|q| q.decl_from.clone().unwrap_or_default())
                                on:input=move |ev| draft.update(|q| q.decl_from = filled(event_target_value(&ev))) />
                            <span aria-hidden="true">"至"</span>
                            <input id="q-decl_to" type="date" aria-label="申报日期止"
                                aria-invalid=move || (tried.get() && errors.with(|e| e.contains_key("decl_to"))).to_string()
                                prop:value=move || draft.with(|q| q.decl_to.clone().unwrap_or_default())
                                on:input=move |ev| draft.update(|q| q.decl_to = filled(event_target_value(&ev))) />
                        </div>
                        {error("decl_from")}
                        {error("decl_to")}
                    </div>
                }
                .into_any(),
            }
        })
        .collect_view();

    view! {
        <form class="query-panel" role="search" aria-label="查询条件" on:submit=query novalidate=true>
            <div class="conditions">{inputs}</div>
            <div class="query-actions">
                <button type="submit" id="btn-query" class="primary">"查询"</button>
                <button type="button" id="btn-reset" on:click=reset>"重置"</button>
            </div>
        </form>
    }
}

/// A code condition: a [`Combobox`] of `options` with "全部" first.
fn code_select(
    field: Field,
    options: Vec<Choice>,
    draft: RwSignal<ListQuery>,
    get: fn(&ListQuery) -> &Option<String>,
    set: fn(&mut ListQuery) -> &mut Option<String>,
) -> AnyView {
    let key = field.key();
    let with_all: Vec<Choice> = [Choice::new("", "全部")]
        .into_iter()
        .chain(options)
        .collect();
    view! {
        <div class="field">
            <label for=format!("q-{key}")>{field.label()}</label>
            <Combobox id=format!("q-{key}")
                value=Signal::derive(move || draft.with(|q| get(q).clone().unwrap_or_default()))
                set=Callback::new(move |code: String| draft.update(|q| *set(q) = filled(code)))
                options=with_all />
        </div>
    }
    .into_any()
}
