//! 商品 of the 订仓单: the lines table — 序号, the line fields, 总价 computed — editable or
//! read-only. A row reads only its own line's signals, so typing redraws that row alone.

use leptos::prelude::*;
use owf_shared::booking::field::Rule;
use owf_shared::booking::{BookingLine, LineField};
use owf_shared::codes::TableKind;
use owf_shared::text;

use crate::codes;
use crate::pages::booking::state::{LineRow, OrderForm};

/// The id of the datalist of 计量单位 codes the unit inputs offer.
const UNITS: &str = "unit-codes";

/// The lines of `order`, with inputs while `editable`.
pub fn lines_table(order: OrderForm, editable: Signal<bool>) -> impl IntoView {
    let units = order.tables.with_value(|tables| {
        tables
            .units
            .rows()
            .iter()
            .map(|row| view! { <option value=row.code.clone()>{row.name.clone()}</option> })
            .collect_view()
    });
    let headers = LineField::ALL
        .into_iter()
        .map(|field| {
            let mark = field
                .required()
                .then(|| view! { <abbr class="req" title="必填">"*"</abbr> });
            view! { <th scope="col">{field.label()}{mark}</th> }
        })
        .collect_view();
    let count = move || format!("共 {} 行", order.lines.with(Vec::len));
    let add = move |_| order.add_lines(vec![BookingLine::default()], false);
    view! {
        <section class="booking-lines" aria-labelledby="lines-title">
            <div class="lines-head">
                <h3 id="lines-title">"商品"</h3>
                <span id="line-count">{count}</span>
            </div>
            {move || order.lines_error().map(|message| view! {
                <p class="field-error" id="lines-error" role="alert">{message}</p>
            })}
            <datalist id=UNITS>{units}</datalist>
            <div class="table-wrap">
                <table class="lines" id="lines">
                    <thead>
                        <tr>
                            <th scope="col">"序号"</th>
                            {headers}
                            {move || editable.get().then(|| view! { <th scope="col">"操作"</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        <ForEnumerate each=move || order.lines.get() key=|row| row.key
                            children=move |index, row| line_row(order, editable, index, row) />
                    </tbody>
                </table>
            </div>
            {move || editable.get().then(|| view! {
                <button type="button" id="btn-add-line" on:click=add>"添加商品行"</button>
            })}
        </section>
    }
}

/// One row: 序号, the fields, and 删除 while editable.
fn line_row(
    order: OrderForm,
    editable: Signal<bool>,
    index: ReadSignal<usize>,
    row: LineRow,
) -> impl IntoView {
    let gnum = move || index.get() + 1;
    let cells = LineField::ALL
        .into_iter()
        .map(|field| line_cell(order, editable, index, row, field))
        .collect_view();
    let remove = move || {
        editable.get().then(|| {
            view! {
                <td>
                    <button type="button" class="link danger" id=move || format!("line-remove-{}", gnum())
                        aria-label=move || format!("删除第 {} 行", gnum())
                        on:click=move |_| order.remove_line(row.key)>"删除"</button>
                </td>
            }
        })
    };
    view! {
        <tr>
            <th scope="row" class="gnum">{gnum}</th>
            {cells}
            {remove}
        </tr>
    }
}

/// Whether `field` holds a code or a number, typed half-width.
fn code_like(field: LineField) -> bool {
    matches!(field.rule(), Rule::Code(_) | Rule::Decimal(_))
}

/// The cell of `field` of line `row`: its input and message, or its value; 总价 is always the
/// computed one.
fn line_cell(
    order: OrderForm,
    editable: Signal<bool>,
    index: ReadSignal<usize>,
    row: LineRow,
    field: LineField,
) -> impl IntoView {
    let gnum = move || index.get() + 1;
    let id = move || format!("lines-{}-{}", gnum(), field.key());
    let error = move || order.line_error(row, gnum(), field);
    let message = move || {
        error().map(|message| {
            view! { <p class="field-error" id=move || format!("{}-error", id())>{message}</p> }
        })
    };
    if field == LineField::TotalPrice {
        let total = move || row.total().map(|total| total.with_places(2));
        return view! { <td class="num"><output id=id>{total}</output>{message}</td> }.into_any();
    }
    let value = move || row.line.with(|line| line.value(field).to_owned());
    let shown = move || {
        let value = value();
        if field == LineField::Unit {
            codes::display(TableKind::Units, &value)
        } else {
            value
        }
    };
    let maxlength = match field.rule() {
        Rule::Text(max) | Rule::Name(max) => Some(max.to_string()),
        _ => None,
    };
    let list = (field == LineField::Unit).then_some(UNITS);
    let input = move || {
        if !editable.get() {
            return view! { <output id=id>{shown}</output> }.into_any();
        }
        view! {
            <input id=id type="text" list=list maxlength=maxlength.clone()
                aria-label=move || format!("第 {} 行{}", gnum(), field.label())
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=move || error().map(|_| format!("{}-error", id()))
                prop:value=value
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    let value = if code_like(field) { text::code_input(&typed, false) } else { typed };
                    order.edit_line(row, index.get_untracked() + 1, field, value);
                }
                on:blur=move |_| order.leave_line(row, index.get_untracked() + 1, field) />
        }
        .into_any()
    };
    let class = if code_like(field) { "num" } else { "" };
    view! { <td class=class>{input}{message}</td> }.into_any()
}
