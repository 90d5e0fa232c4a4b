//! 海外仓企业登记: 录入 (manual 03), 申报 list (04) and the detail.

use leptos::prelude::*;
use owf_shared::api::RegistrationRow;
use owf_shared::field::Field;

use crate::auth::use_auth;
use crate::components::code_tables::with_tables;
use crate::components::detail::filing_detail;
use crate::components::editor::filing_editor;
use crate::components::list_screen::ListScreen;
use crate::components::query_panel::Condition;
use crate::components::receipt::receipt_words;
use crate::components::result_table::{table, Cell, Column};
use crate::components::status::{local_time_or_blank, status_text};
use crate::filing::{context, Filing, Registration};

/// 海外仓企业登记录入: the form once the code tables (主管海关) are loaded.
#[component]
pub fn RegistrationEntry() -> impl IntoView {
    let session = use_auth().session.get_untracked().expect("logged in");
    let editor = move |tables| {
        let ctx = context(&session, &[], tables);
        filing_editor::<Registration>(RwSignal::new(None), ctx, None)
    };
    view! {
        <section class="screen">
            <h2>"海外仓企业登记录入"</h2>
            <p class="intro">"点击“新增”录入海外仓企业登记信息，标 * 的为必填项；可“暂存”后再“申报”。"</p>
            {with_tables(Box::new(editor))}
        </section>
    }
}

const CONDITIONS: &[Condition] = &[
    Condition::ApplyNo(Field::EntApplyNo),
    Condition::CustomsCode,
    Condition::EntName,
    Condition::TradeMode,
    Condition::Status,
    Condition::DeclDates,
];

fn columns() -> Vec<Column<RegistrationRow>> {
    vec![
        Column::text(Field::EntApplyNo, |r: &RegistrationRow| {
            r.ent_apply_no.clone()
        })
        .with_cell(Cell::Link(|r: &RegistrationRow| {
            format!("/enterprise/{}", r.id)
        }))
        .in_card(),
        Column::text(Field::EntName, |r: &RegistrationRow| r.ent_name.clone()).in_card(),
        Column::text(Field::CustomsCode, |r| r.customs_code.clone()),
        Column::text(Field::TradeMode, |r| r.trade_modes.join("、")),
        Column::text(Field::Status, |r: &RegistrationRow| {
            status_text(r.status, r.pending)
        })
        .with_cell(Cell::Status(|r: &RegistrationRow| (r.status, r.pending)))
        .in_card(),
        Column::text(Field::DeclTime, |r| {
            local_time_or_blank(r.decl_time.as_deref())
        }),
        Column::text(Field::LastReturnTime, |r: &RegistrationRow| {
            local_time_or_blank(r.last_return_time.as_deref())
        })
        .in_card(),
        Column::text(Field::LastReturnInfo, |r: &RegistrationRow| {
            receipt_words(r.last_return_info.as_deref())
        })
        .with_cell(Cell::Receipt(|r: &RegistrationRow| {
            r.last_return_info.as_deref()
        }))
        .in_card(),
    ]
}

/// 海外仓企业登记申报
#[component]
pub fn RegistrationList() -> impl IntoView {
    view! {
        <ListScreen title="海外仓企业登记申报"
            intro="查询企业登记，点击“企业申请编号”进入详情；暂存数据可暂存、删除、申报。"
            path="/enterprise" conditions=CONDITIONS table=table(columns(), Registration::list) />
    }
}

/// 海外仓企业详情
#[component]
pub fn RegistrationDetail() -> impl IntoView {
    view! { {filing_detail::<Registration>()} }
}
