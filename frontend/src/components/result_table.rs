//! The result table of a query screen: sortable columns and paging, both kept in the URL.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use owf_shared::api::{ListQuery, Page};
use owf_shared::field::Field;
use owf_shared::status::Status;

use crate::api::decode_query;
use crate::components::query_panel::{results_url, use_search};
use crate::components::status::StatusBadge;

/// How a column shows its value.
pub enum Cell<T> {
    Text,
    /// A link to the record's detail.
    Link(fn(&T) -> String),
    Status(fn(&T) -> Status),
}

pub struct Column<T> {
    pub label: &'static str,
    /// The field the server sorts by, if sortable.
    pub sort: Option<Field>,
    /// The value as text (also the CSV export).
    pub text: fn(&T) -> String,
    pub cell: Cell<T>,
}

impl<T> Column<T> {
    pub fn text(field: Field, text: fn(&T) -> String) -> Self {
        Self {
            label: field.label(),
            sort: ListQuery::SORTABLE.contains(&field).then_some(field),
            text,
            cell: Cell::Text,
        }
    }

    /// A column that is not a field of the forms.
    pub fn plain(label: &'static str, text: fn(&T) -> String) -> Self {
        Self {
            label,
            sort: None,
            text,
            cell: Cell::Text,
        }
    }

    pub fn with_cell(self, cell: Cell<T>) -> Self {
        Self { cell, ..self }
    }
}

fn render_cell<T>(column: &Column<T>, row: &T) -> AnyView {
    let text = (column.text)(row);
    match column.cell {
        Cell::Text => text.into_any(),
        Cell::Link(href) => view! { <A href=href(row)>{text}</A> }.into_any(),
        Cell::Status(status) => view! { <StatusBadge status=status(row) /> }.into_any(),
    }
}

#[component]
pub fn ResultTable<T: 'static>(
    path: &'static str,
    page: Page<T>,
    columns: StoredValue<Vec<Column<T>>, LocalStorage>,
) -> impl IntoView {
    let navigate = use_navigate();
    let search = use_search();
    let current = move || decode_query(&search.get_untracked());
    let go = move |query: ListQuery| navigate(&results_url(path, &query), Default::default());
    let sort_by = {
        let go = go.clone();
        move |field: Field| {
            let mut query = current();
            query.desc = query.sort_field() == Some(field) && !query.desc;
            query.sort = Some(field.key().to_owned());
            query.page = Some(1);
            go(query);
        }
    };
    let query = current();
    let headers = columns.with_value(|columns| {
        columns
            .iter()
            .map(|column| {
                let Some(field) = column.sort else {
                    return view! { <th scope="col">{column.label}</th> }.into_any();
                };
                let sorted = query.sort_field() == Some(field);
                let aria_sort = match (sorted, query.desc) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                };
                let arrow = match aria_sort {
                    "ascending" => "▲",
                    "descending" => "▼",
                    _ => "↕",
                };
                let sort_by = sort_by.clone();
                view! {
                    <th scope="col" aria-sort=aria_sort>
                        <button type="button" class="sort" data-sort=field.key()
                            on:click=move |_| sort_by(field)>
                            {column.label}<span class="arrow" aria-hidden="true">{arrow}</span>
                        </button>
                    </th>
                }
                .into_any()
            })
            .collect_view()
    });
    let rows = columns.with_value(|columns| {
        page.items
            .iter()
            .map(|row| {
                let cells = columns
                    .iter()
                    .map(|column| view! { <td>{render_cell(column, row)}</td> })
                    .collect_view();
                view! { <tr>{cells}</tr> }
            })
            .collect_view()
    });
    let pages = page.pages();
    let number = page.page;
    let to_page = move |n: u32| {
        let go = go.clone();
        move |_| {
            let mut query = current();
            query.page = Some(n);
            go(query);
        }
    };
    let empty = page.items.is_empty();
    // Performance mark for `make bench` (first render): the table has rows.
    Effect::new(move |_| {
        if let (false, Some(p)) = (empty, web_sys::window().and_then(|w| w.performance())) {
            let _ = p.mark("owf-results-drawn");
        }
    });
    view! {
        <div class="table-wrap">
            <table class="results">
                <thead><tr>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {empty.then(|| view! { <p class="empty" id="no-results">"没有符合条件的数据"</p> })}
        </div>
        <nav class="pager" aria-label="分页">
            <span id="total">{format!("共 {} 条，第 {} / {} 页", page.total, number, pages.max(1))}</span>
            <button type="button" id="page-prev" disabled={number <= 1} on:click=to_page(number.saturating_sub(1))>
                "上一页"
            </button>
            <button type="button" id="page-next" disabled={i64::from(number) >= pages} on:click=to_page(number + 1)>
                "下一页"
            </button>
        </nav>
    }
}
