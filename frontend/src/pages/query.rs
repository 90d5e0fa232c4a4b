//! 海外仓备案查询 (manual 02): the enterprise's registrations and warehouses together.

use leptos::prelude::*;
use owf_shared::amendment::Pending;
use owf_shared::api::FilingRow;
use owf_shared::codes::{TableKind, TradeMode};
use owf_shared::field::Field;
use owf_shared::status::Status;

use crate::api;
use crate::codes;
use crate::components::list_screen::ListScreen;
use crate::components::query_panel::Condition;
use crate::components::receipt::receipt_words;
use crate::components::result_table::{table, Cell, Column};
use crate::components::status::{local_time_or_blank, status_text};

const CONDITIONS: &[Condition] = &[
    Condition::ApplyNo(Field::WhApplyNo),
    Condition::CustomsCode,
    Condition::EntName,
    Condition::WhName,
    Condition::Country,
    Condition::TradeMode,
    Condition::Status,
    Condition::Lease,
    Condition::DeclDates,
];

fn columns() -> Vec<Column<FilingRow>> {
    use FilingRow::{Registration as R, Warehouse as W};
    vec![
        Column::plain("备案类型", |row| row.kind().label().to_owned()),
        Column::text(Field::WhApplyNo, |row| match row {
            R(r) => r.ent_apply_no.clone(),
            W(w) => w.wh_apply_no.clone(),
        })
        .with_cell(Cell::Link(|row| match row {
            R(r) => format!("/enterprise/{}", r.id),
            W(w) => format!("/warehouse/{}", w.id),
        }))
        .in_card(),
        Column::text(Field::EntName, |row| match row {
            R(r) => r.ent_name.clone(),
            W(w) => w.ent_name.clone(),
        })
        .in_card(),
        Column::text(Field::CustomsCode, |row| match row {
            R(r) => r.customs_code.clone(),
            W(w) => w.customs_code.clone(),
        }),
        Column::text(Field::TradeMode, |row| match row {
            R(r) => r.trade_modes.join("、"),
            W(w) => codes::coded::<TradeMode>(&w.trade_mode),
        }),
        Column::text(Field::WhName, |row| match row {
            R(_) => String::new(),
            W(w) => w.wh_name.clone(),
        })
        .in_card(),
        Column::text(Field::CountryCode, |row| match row {
            R(_) => String::new(),
            W(w) => codes::display(TableKind::Countries, &w.country_code),
        }),
        Column::plain("租期", |row| match row {
            R(_) => String::new(),
            W(w) => w.lease_warning.clone().unwrap_or_default(),
        }),
        Column::text(Field::Status, |row| {
            let (status, pending) = status(row);
            status_text(status, pending)
        })
        .with_cell(Cell::Status(status))
        .in_card(),
        Column::text(Field::DeclTime, |row| local_time_or_blank(times(row).0)),
        Column::text(Field::LastReturnTime, |row| {
            local_time_or_blank(times(row).1)
        })
        .in_card(),
        Column::text(Field::LastReturnInfo, |row| receipt_words(times(row).2))
            .with_cell(Cell::Receipt(|row| times(row).2))
            .in_card(),
    ]
}

/// The status and the amendment under way.
fn status(row: &FilingRow) -> (Status, Option<Pending>) {
    match row {
        FilingRow::Registration(r) => (r.status, r.pending),
        FilingRow::Warehouse(w) => (w.status, w.pending),
    }
}

/// 申报时间, 最新回执时间, 回执信息.
fn times(row: &FilingRow) -> (Option<&str>, Option<&str>, Option<&str>) {
    let (decl, time, info) = match row {
        FilingRow::Registration(r) => (&r.decl_time, &r.last_return_time, &r.last_return_info),
        FilingRow::Warehouse(w) => (&w.decl_time, &w.last_return_time, &w.last_return_info),
    };
    (decl.as_deref(), time.as_deref(), info.as_deref())
}

#[component]
pub fn FilingQuery() -> impl IntoView {
    view! {
        <ListScreen title="海外仓备案查询"
            intro="输入查询条件并点击“查询”，查看本企业的海外仓企业登记和海外仓资料信息；“重置”清空条件和结果。"
            path="/query" conditions=CONDITIONS table=table(columns(), api::filings).with_code_names()
            export="海外仓备案查询.csv" />
    }
}
