//! A query screen: title, condition panel, and the results of the conditions in the URL.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::api::Page;

use crate::api::{Failure, UrlQuery};
use crate::components::csv;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::query_panel::{query_panel, use_search, Conditions};
use crate::components::result_table::{result_table, Fetch, Row, Table};

#[component]
pub fn ListScreen<Q: Conditions>(
    title: &'static str,
    intro: &'static str,
    path: &'static str,
    conditions: &'static [Q::Condition],
    table: Table<Q>,
    /// File name of the CSV export; no export button without it.
    #[prop(optional)]
    export: Option<&'static str>,
) -> impl IntoView {
    let search = use_search();
    let Table { headers, fetch } = table;
    let headers = StoredValue::new(headers);
    let fetch = StoredValue::new_local(fetch);
    // `Some(None)`: no conditions yet. While the next results load, the last stay shown.
    let results = RwSignal::new(None::<Option<Result<Page<Row>, Failure>>>);
    let pending = RwSignal::new(true);
    // Only the answer to the latest search is shown.
    let latest = StoredValue::new(0_u32);
    Effect::new(move |_| {
        let search = search.get();
        latest.update_value(|n| *n += 1);
        if search.is_empty() {
            pending.set(false);
            results.set(Some(None));
            return;
        }
        let generation = latest.get_value();
        let fetch = fetch.get_value();
        pending.set(true);
        spawn_local(async move {
            let page = fetch(Q::decode(&search)).await;
            if latest.get_value() == generation {
                pending.set(false);
                results.set(Some(Some(page)));
            }
        });
    });
    let exporting = RwSignal::new(None::<Failure>);
    let export_button = export.map(|file_name| {
        let run = move |_| {
            spawn_local(async move {
                match fetch_all(&fetch.get_value(), Q::decode(&search.get_untracked())).await {
                    Ok(rows) => {
                        exporting.set(None);
                        csv::download(file_name, &headers.with_value(|h| csv::to_csv(h, &rows)));
                    }
                    Err(f) => exporting.set(Some(f)),
                }
            });
        };
        view! {
            <button type="button" id="btn-export" disabled=move || search.with(String::is_empty)
                on:click=run>"导出CSV"</button>
        }
    });
    view! {
        <section class="screen">
            <div class="screen-head">
                <h2>{title}</h2>
                {export_button}
            </div>
            <p class="intro">{intro}</p>
            {query_panel::<Q>(path, conditions)}
            {move || exporting.get().map(|failure| view! { <ErrorBanner failure /> })}
            <div class="results-area" aria-live="polite" aria-busy=move || pending.get().to_string()>
                {move || pending.get().then(|| view! { <Loading label="正在查询…" /> })}
                {move || results.get().map(|results| match results {
                    None => view! {
                        <p class="empty" id="no-query">"请输入查询条件并点击“查询”。"</p>
                    }
                    .into_any(),
                    Some(Ok(page)) => result_table::<Q>(path, page, headers).into_any(),
                    Some(Err(failure)) => view! { <ErrorBanner failure /> }.into_any(),
                })}
            </div>
        </section>
    }
}

/// Every row matching `query`, page by page at the largest page size.
async fn fetch_all<Q: UrlQuery>(fetch: &Fetch<Q>, query: Q) -> Result<Vec<Row>, Failure> {
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let mut query = query.clone();
        let (number, size) = query.paging();
        (*number, *size) = (Some(page), Some(owf_shared::api::MAX_PAGE_SIZE));
        let result = fetch(query).await?;
        let last = i64::from(page) >= result.pages();
        rows.extend(result.items);
        if last {
            return Ok(rows);
        }
        page += 1;
    }
}
