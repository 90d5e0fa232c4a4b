//! 海外仓资料信息: 报送 (manual 05), 查询 (06) and the detail.

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::api::WarehouseRow;
use owf_shared::codes::{Ownership, TableKind, TradeMode};
use owf_shared::field::Field;

use crate::api;
use crate::auth::use_auth;
use crate::codes;
use crate::components::code_tables::with_tables;
use crate::components::detail::filing_detail;
use crate::components::editor::filing_editor;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::list_screen::ListScreen;
use crate::components::query_panel::Condition;
use crate::components::receipt::receipt_words;
use crate::components::result_table::{table, Cell, Column};
use crate::components::status::{local_time_or_blank, status_text};
use crate::filing::{context, Filing, Warehouse};
use crate::pages::warehouse_form::RegisteredApplyNo;

/// 海外仓资料信息报送: only for an enterprise in the filing table, which the screen checks
/// before anything is typed.
#[component]
pub fn WarehouseEntry() -> impl IntoView {
    let session = use_auth().session.get_untracked().expect("logged in");
    // Checked once: the editor must not be rebuilt while the clerk types.
    let eligibility = RwSignal::new(None);
    spawn_local(async move { eligibility.set(Some(api::eligibility().await)) });
    provide_context(RegisteredApplyNo(Signal::derive(move || {
        eligibility.with(|e| e.as_ref()?.as_ref().ok()?.ent_apply_no.clone())
    })));
    let body = move || {
        let body = match eligibility.get()? {
            Ok(e) if e.allowed => {
                let notice = e.declare_reason.clone().map(|reason| {
                    view! {
                        <div class="notice warn" role="status" id="declare-notice">
                            <strong>"可以录入和暂存，暂不能申报"</strong>
                            <span>{reason}</span>
                        </div>
                    }
                });
                let session = session.clone();
                let editor = move |tables| {
                    let ctx = context(&session, &e.trade_modes, tables);
                    filing_editor::<Warehouse>(RwSignal::new(None), ctx, None)
                };
                view! {
                    {notice}
                    {untrack(|| with_tables(Box::new(editor)))}
                }
                .into_any()
            }
            Ok(e) => view! {
                <div class="error-banner" role="alert" id="eligibility">
                    <strong>"暂不能报送海外仓资料信息"</strong>
                    <span class="error-message">{e.reason.unwrap_or_default()}</span>
                    <a href="/enterprise/new">"前往海外仓企业登记录入"</a>
                </div>
            }
            .into_any(),
            Err(failure) => view! { <ErrorBanner failure /> }.into_any(),
        };
        Some(body)
    };
    view! {
        <section class="screen">
            <h2>"海外仓资料信息报送"</h2>
            <p class="intro">"点击“新增”录入海外仓资料信息，标 * 的为必填项；暂存后上传证明材料，再“申报”。"</p>
            {move || eligibility.with(Option::is_none).then(|| view! { <Loading /> })}
            {body}
        </section>
    }
}

const CONDITIONS: &[Condition] = &[
    Condition::ApplyNo(Field::WhApplyNo),
    Condition::WhName,
    Condition::Country,
    Condition::TradeMode,
    Condition::Status,
    Condition::Lease,
    Condition::DeclDates,
];

fn columns() -> Vec<Column<WarehouseRow>> {
    vec![
        Column::text(Field::WhApplyNo, |w: &WarehouseRow| w.wh_apply_no.clone())
            .with_cell(Cell::Link(|w: &WarehouseRow| {
                format!("/warehouse/{}", w.id)
            }))
            .in_card(),
        Column::text(Field::WhName, |w: &WarehouseRow| w.wh_name.clone()).in_card(),
        Column::text(Field::CountryCode, |w| {
            codes::display(TableKind::Countries, &w.country_code)
        }),
        Column::text(Field::Ownership, |w| {
            codes::coded::<Ownership>(&w.ownership)
        }),
        Column::plain("租期", |w| w.lease_warning.clone().unwrap_or_default()),
        Column::text(Field::TradeMode, |w| {
            codes::coded::<TradeMode>(&w.trade_mode)
        }),
        Column::text(Field::EntName, |w| w.ent_name.clone()),
        Column::text(Field::Status, |w: &WarehouseRow| {
            status_text(w.status, w.pending)
        })
        .with_cell(Cell::Status(|w: &WarehouseRow| (w.status, w.pending)))
        .in_card(),
        Column::text(Field::DeclTime, |w| {
            local_time_or_blank(w.decl_time.as_deref())
        }),
        Column::text(Field::LastReturnTime, |w: &WarehouseRow| {
            local_time_or_blank(w.last_return_time.as_deref())
        })
        .in_card(),
        Column::text(Field::LastReturnInfo, |w: &WarehouseRow| {
            receipt_words(w.last_return_info.as_deref())
        })
        .with_cell(Cell::Receipt(|w: &WarehouseRow| {
            w.last_return_info.as_deref()
        }))
        .in_card(),
    ]
}

/// 海外仓资料信息查询
#[component]
pub fn WarehouseList() -> impl IntoView {
    view! {
        <ListScreen title="海外仓资料信息查询"
            intro="查询海外仓资料信息，点击“申请编号”进入详情；暂存数据可修改、删除、申报。"
            path="/warehouse" conditions=CONDITIONS table=table(columns(), Warehouse::list).with_code_names() />
    }
}

/// 海外仓仓库资料详情
#[component]
pub fn WarehouseDetail() -> impl IntoView {
    view! { {filing_detail::<Warehouse>()} }
}
