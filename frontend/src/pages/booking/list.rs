//! 海外仓订仓单查询: the conditions (订仓单编号, 状态, 录入日期) and the result columns.

use leptos::prelude::*;
use owf_shared::booking::api::{BookingQuery, BookingRow};
use owf_shared::booking::HeaderField;
use owf_shared::codes::TableKind;
use owf_shared::field::Field;

use crate::api;
use crate::codes;
use crate::components::list_screen::ListScreen;
use crate::components::query_panel::{date_range, status_select, text_input, Conditions, Draft};
use crate::components::result_table::{table, Cell, Column};
use crate::components::status::status_text;

/// A condition of 海外仓订仓单查询.
#[derive(Clone, Copy)]
pub enum BookingCondition {
    /// 订仓单编号, starts with.
    OrderNo,
    Status,
    /// 录入日期起–止
    CreatedDates,
}

impl Conditions for BookingQuery {
    type Condition = BookingCondition;

    fn input(draft: Draft<Self>, condition: BookingCondition) -> AnyView {
        let query = draft.query;
        match condition {
            BookingCondition::OrderNo => text_input(
                query,
                HeaderField::OrderNo.label(),
                "order_no",
                (|q| &q.order_no, |q| &mut q.order_no),
            ),
            BookingCondition::Status => status_select(query, |q| q.status, |q, s| q.status = s),
            BookingCondition::CreatedDates => date_range(
                draft,
                "录入日期",
                (
                    "created_from",
                    "录入日期起",
                    |q| &q.created_from,
                    |q| &mut q.created_from,
                ),
                (
                    "created_to",
                    "录入日期止",
                    |q| &q.created_to,
                    |q| &mut q.created_to,
                ),
            ),
        }
    }
}

const CONDITIONS: &[BookingCondition] = &[
    BookingCondition::OrderNo,
    BookingCondition::Status,
    BookingCondition::CreatedDates,
];

fn columns() -> Vec<Column<BookingRow>> {
    vec![
        Column::plain(HeaderField::OrderNo.label(), |o: &BookingRow| {
            o.order_no.clone()
        })
        .sorted_by("order_no")
        .with_cell(Cell::Link(|o: &BookingRow| format!("/booking/{}", o.id)))
        .in_card(),
        Column::plain(HeaderField::Warehouse.label(), |o: &BookingRow| {
            o.wh_name.clone().unwrap_or_default()
        })
        .in_card(),
        Column::plain(HeaderField::Currency.label(), |o: &BookingRow| {
            codes::display(TableKind::Currencies, &o.currency)
        }),
        Column::plain(HeaderField::GoodsValue.label(), |o: &BookingRow| {
            o.goods_value.clone().unwrap_or_default()
        })
        .in_card(),
        Column::plain("商品行数", |o: &BookingRow| o.line_count.to_string()),
        Column::plain(Field::Status.label(), |o: &BookingRow| {
            status_text(o.status, None)
        })
        .sorted_by("status")
        .with_cell(Cell::Status(|o: &BookingRow| (o.status, None)))
        .in_card(),
        Column::plain("录入时间", |o: &BookingRow| o.created_at.clone()).sorted_by("created_at"),
    ]
}

/// 海外仓订仓单查询
#[component]
pub fn BookingList() -> impl IntoView {
    view! {
        <ListScreen title="海外仓订仓单查询"
            intro="输入查询条件并点击“查询”，点击“订仓单编号”进入详情；暂存的订仓单可修改、删除、申报。"
            path="/booking" conditions=CONDITIONS
            table=table(columns(), api::booking_orders).with_code_names()
            export="海外仓订仓单查询.csv" />
    }
}
