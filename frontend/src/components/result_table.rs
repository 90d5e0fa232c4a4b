//! The result table of a query screen: sortable columns and paging, both kept in the URL.
//!
//! A screen describes its columns over its own row type; [`table`] turns them, once per row
//! type, into the shown cells the (non-generic) table and the CSV export work on.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use owf_shared::amendment::Pending;
use owf_shared::api::{ListQuery, Page};
use owf_shared::field::Field;
use owf_shared::status::Status;

use crate::api::{Failure, UrlQuery};
use crate::codes;
use crate::components::query_panel::{results_url, use_search};
use crate::components::receipt::receipt_code;
use crate::components::status::StatusBadge;

/// How a column shows its value.
pub enum Cell<T> {
    Text,
    /// A link to the record's detail.
    Link(fn(&T) -> String),
    /// The status and the amendment under way.
    Status(fn(&T) -> (Status, Option<Pending>)),
    /// A receipt's plain words, the CEB code of its text on hover.
    Receipt(fn(&T) -> Option<&str>),
}

pub struct Column<T> {
    pub label: &'static str,
    /// The key of the column the server sorts by, if sortable.
    pub sort: Option<&'static str>,
    /// The value as text (also the CSV export).
    pub text: fn(&T) -> String,
    pub cell: Cell<T>,
    /// Shown on the card a row becomes on a phone.
    pub card: bool,
}

impl<T> Column<T> {
    pub fn text(field: Field, text: fn(&T) -> String) -> Self {
        Self {
            label: field.label(),
            sort: ListQuery::SORTABLE.contains(&field).then_some(field.key()),
            text,
            cell: Cell::Text,
            card: false,
        }
    }

    /// A column that is not a field of the forms.
    pub fn plain(label: &'static str, text: fn(&T) -> String) -> Self {
        Self {
            label,
            sort: None,
            text,
            cell: Cell::Text,
            card: false,
        }
    }

    /// Sortable by the server's column `key`.
    pub fn sorted_by(self, key: &'static str) -> Self {
        Self {
            sort: Some(key),
            ..self
        }
    }

    pub fn with_cell(self, cell: Cell<T>) -> Self {
        Self { cell, ..self }
    }

    /// Also shown on the card a row becomes on a phone.
    pub fn in_card(self) -> Self {
        Self { card: true, ..self }
    }
}

/// A column heading: its label, the key it sorts by, and whether a phone's card shows it.
#[derive(Clone, Copy)]
pub struct Header {
    pub label: &'static str,
    pub sort: Option<&'static str>,
    pub card: bool,
}

/// How a cell is presented besides its text.
#[derive(Clone)]
pub enum Shown {
    Text,
    Link(String),
    Status(Status, Option<Pending>),
    /// With the receipt's CEB code as hover text.
    Receipt(Option<String>),
}

/// One cell of a result row: its text (also the CSV value) and how it is presented.
#[derive(Clone)]
pub struct ShownCell {
    pub text: String,
    pub shown: Shown,
}

pub type Row = Vec<ShownCell>;

type Rows = Result<Page<Row>, Failure>;

/// Fetches a page of shown rows for a query `Q`.
pub type Fetch<Q> = Rc<dyn Fn(Q) -> Pin<Box<dyn Future<Output = Rows>>>>;

/// What a query screen shows: the column headings and how to fetch shown rows.
#[derive(Clone)]
pub struct Table<Q> {
    pub headers: Vec<Header>,
    pub fetch: Fetch<Q>,
}

/// The table of `columns` over the rows `fetch` returns.
pub fn table<Q: 'static, T: 'static, Fut>(columns: Vec<Column<T>>, fetch: fn(Q) -> Fut) -> Table<Q>
where
    Fut: Future<Output = Result<Page<T>, Failure>> + 'static,
{
    let headers = columns
        .iter()
        .map(|c| Header {
            label: c.label,
            sort: c.sort,
            card: c.card,
        })
        .collect();
    let columns = Rc::new(columns);
    let fetch: Fetch<Q> = Rc::new(move |query| {
        let columns = Rc::clone(&columns);
        Box::pin(async move {
            let page = fetch(query).await?;
            Ok(Page {
                items: page.items.iter().map(|row| cells(&columns, row)).collect(),
                total: page.total,
                page: page.page,
                page_size: page.page_size,
            })
        })
    });
    Table { headers, fetch }
}

impl<Q: 'static> Table<Q> {
    /// The same table for columns that name master-data codes (e.g. `321 匈牙利`): each fetch
    /// also waits for the code tables, which the rows are shown with; both are asked at once.
    pub fn with_code_names(self) -> Self {
        let fetch = self.fetch;
        Self {
            fetch: Rc::new(move |query| {
                let fetch = Rc::clone(&fetch);
                Box::pin(async move {
                    let (tables, page) = futures::join!(codes::tables(), fetch(query));
                    tables?;
                    page
                })
            }),
            ..self
        }
    }
}

fn cells<T>(columns: &[Column<T>], row: &T) -> Row {
    columns
        .iter()
        .map(|column| ShownCell {
            text: (column.text)(row),
            shown: match column.cell {
                Cell::Text => Shown::Text,
                Cell::Link(href) => Shown::Link(href(row)),
                Cell::Status(status) => {
                    let (status, pending) = status(row);
                    Shown::Status(status, pending)
                }
                Cell::Receipt(info) => Shown::Receipt(receipt_code(info(row))),
            },
        })
        .collect()
}

fn render_cell(cell: ShownCell) -> AnyView {
    match cell.shown {
        Shown::Text => cell.text.into_any(),
        Shown::Link(href) => view! { <a href=href>{cell.text}</a> }.into_any(),
        Shown::Status(status, pending) => view! { <StatusBadge status pending /> }.into_any(),
        Shown::Receipt(code) => view! { <span title=code>{cell.text}</span> }.into_any(),
    }
}

/// The rows of `page` under the column `headers`, sorted and paged by the `Q` in the URL of the
/// list at `path`.
pub fn result_table<Q: UrlQuery>(
    path: &'static str,
    page: Page<Row>,
    headers: StoredValue<Vec<Header>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let search = use_search();
    let current = move || Q::decode(&search.get_untracked());
    let go = move |query: Q| navigate(&results_url(path, &query), Default::default());
    let sort_by = {
        let go = go.clone();
        move |key: &'static str| {
            let mut query = current();
            let (sort, desc) = query.sorting();
            *desc = sort.as_deref() == Some(key) && !*desc;
            *sort = Some(key.to_owned());
            *query.paging().0 = Some(1);
            go(query);
        }
    };
    let to_page = move |n: u32| {
        let mut query = current();
        *query.paging().0 = Some(n);
        go(query);
    };
    let mut query = current();
    let (sort, desc) = query.sorting();
    let sorted = (sort.clone(), *desc);
    let empty = page.items.is_empty();
    let (total, number, pages) = (page.total, page.page, page.pages());
    let rows = headers.with_value(|headers| {
        page.items
            .into_iter()
            .map(|row| body_row(row, headers))
            .collect_view()
    });
    let headers = headers.with_value(|headers| {
        headers
            .iter()
            .map(|&header| header_cell(header, &sorted, sort_by.clone()))
            .collect_view()
    });

    // First render for `make bench`: the table has rows.
    if !empty {
        crate::components::bench_mark("owf-results-drawn");
    }
    view! {
        <div class="table-wrap">
            <table class="results">
                <thead><tr>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {empty.then(|| view! { <p class="empty" id="no-results">"没有符合条件的数据"</p> })}
        </div>
        {pager(total, number, pages, to_page)}
    }
}

/// A column heading; a sortable one is a button showing the order of the results, sorted by
/// the key in `sorted` (descending when its flag is set).
fn header_cell(
    header: Header,
    (sort, desc): &(Option<String>, bool),
    sort_by: impl Fn(&'static str) + 'static,
) -> AnyView {
    let Some(key) = header.sort else {
        return view! { <th scope="col">{header.label}</th> }.into_any();
    };
    let sorted = sort.as_deref() == Some(key);
    let (aria_sort, arrow) = match (sorted, *desc) {
        (false, _) => ("none", "↕"),
        (true, false) => ("ascending", "▲"),
        (true, true) => ("descending", "▼"),
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <button type="button" class="sort" data-sort=key
                on:click=move |_| sort_by(key)>
                {header.label}<span class="arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
    .into_any()
}

/// A result row; on a phone, a card of the cells its column `headers` put on it, each
/// labelled.
fn body_row(row: Row, headers: &[Header]) -> impl IntoView {
    let cells = row
        .into_iter()
        .zip(headers)
        .map(|(cell, header)| {
            view! { <td data-label=header.label class:card=header.card>{render_cell(cell)}</td> }
        })
        .collect_view();
    view! { <tr>{cells}</tr> }
}

/// 共 `total` 条 on `pages` pages, page `number` (from 1) shown, and 上一页 / 下一页, which call
/// `to_page` with the page to show.
fn pager(
    total: i64,
    number: u32,
    pages: i64,
    to_page: impl Fn(u32) + Clone + 'static,
) -> impl IntoView {
    // One handler type for both buttons.
    let on_click = move |n: u32| {
        let to_page = to_page.clone();
        move |_| to_page(n)
    };
    view! {
        <nav class="pager" aria-label="分页">
            <span id="total">{format!("共 {} 条，第 {} / {} 页", total, number, pages.max(1))}</span>
            <button type="button" id="page-prev" disabled={number <= 1} on:click=on_click(number.saturating_sub(1))>
                "上一页"
            </button>
            <button type="button" id="page-next" disabled={i64::from(number) >= pages} on:click=on_click(number + 1)>
                "下一页"
            </button>
        </nav>
    }
}
