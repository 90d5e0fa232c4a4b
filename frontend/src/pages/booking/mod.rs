//! 海外仓订仓单 (issue 19): 录入 (新增, 暂存, 申报, with the line import), 查询 and the detail
//! (修改/删除/申报 of a draft; 变更 and 删除 of a declared order; the status timeline; 打印; the
//! 订仓单编号 to copy).
//!
//! * [`state`]: the form, line by line, and its messages.
//! * [`header`], [`warehouse`], [`lines`], [`import`]: the parts of the form.
//! * [`editor`]: the form with its buttons and their flows.
//! * [`order_no`]: the number with 复制 and where it is quoted.
//! * [`list`]: the query screen.

mod editor;
mod header;
mod import;
mod lines;
mod list;
mod order_no;
mod state;
mod warehouse;

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use owf_shared::api::{ApiError, Lifecycle};
use owf_shared::booking::api::BookingDetail;
use owf_shared::codes::CodeTables;
use owf_shared::status::Subject;

use crate::api::{self, Failure, BOOKING_ORDERS};
use crate::auth::use_auth;
use crate::codes;
use crate::components::code_tables::with_tables;
use crate::components::editor::Stored;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::print::print_head;
use crate::components::status::Timeline;
use crate::components::status_changes::tell_status_changes;
use editor::{booking_editor, ROUTE};
pub use list::BookingList;

/// How often the detail asks again while the order is with the relay or customs.
const POLL: Duration = Duration::from_secs(2);

/// 海外仓订仓单录入
#[component]
pub fn BookingEntry() -> impl IntoView {
    let editor = |tables| booking_editor(RwSignal::new(None), tables, None);
    view! {
        <section class="screen">
            <h2>"海外仓订仓单录入"</h2>
            <p class="intro">
                "点击“新增”录入订仓单，标 * 的为必填项。商品可逐行录入，也可从表格导入；暂存后可继续修改，“申报”后发送海关。"
            </p>
            {with_tables(Box::new(editor))}
        </section>
    }
}

/// Whether the order waits for the relay or customs: 申报中 or 发送海关成功. A 订仓单 is answered
/// once (120 海关入库 or 100 退单), so 海关入库 is final for it.
fn awaiting(detail: &BookingDetail) -> bool {
    Subject::BookingOrder.in_flight(detail.status)
}

/// The order as the status notices know a stored record.
fn stored(detail: &BookingDetail) -> Stored {
    Stored {
        id: detail.id,
        apply_no: detail.form.order_no.clone(),
        lifecycle: Lifecycle {
            status: detail.status,
            version: detail.version,
            decl_time: detail.decl_time.clone(),
            last_return_time: detail.last_return_time.clone(),
            last_return_info: detail.last_return_info.clone(),
            created_at: detail.created_at.clone(),
            updated_at: detail.updated_at.clone(),
            history: Vec::new(),
            send_attempts: 0,
            next_attempt_at: None,
            last_error: None,
            pending: None,
            amendment: None,
        },
    }
}

fn not_found() -> Failure {
    Failure {
        status: 404,
        error: ApiError {
            code: "not_found".into(),
            message: "订仓单不存在或无权查看".into(),
            fields: Default::default(),
        },
    }
}

/// 海外仓订仓单详情, the order of the route's `:id`.
#[component]
pub fn BookingDetailScreen() -> impl IntoView {
    let params = use_params_map();
    let enterprise = use_auth()
        .session
        .get_untracked()
        .map(|s| s.enterprise.name)
        .unwrap_or_default();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let record = RwSignal::new(None::<BookingDetail>);
    let tables = RwSignal::new(None::<Arc<CodeTables>>);
    let failure = RwSignal::new(None::<Failure>);
    let reload = Callback::new(move |()| {
        let Some(id) = id() else {
            failure.set(Some(not_found()));
            return;
        };
        spawn_local(async move {
            let loaded = async {
                let (loaded_tables, detail) = futures::try_join!(
                    codes::tables(),
                    api::get::<BookingDetail>(BOOKING_ORDERS, id)
                )?;
                tables.set(Some(loaded_tables));
                Ok(detail)
            }
            .await;
            match loaded {
                Ok(detail) => {
                    failure.set(None);
                    record.set(Some(detail));
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    });
    Effect::new(move |_| {
        id();
        untrack(|| reload.run(()));
    });
    Effect::new(move |_| {
        if record.with(|r| r.as_ref().is_some_and(awaiting)) {
            if let Ok(handle) = set_timeout_with_handle(move || reload.run(()), POLL) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    let status = Memo::new(move |_| record.with(|r| r.as_ref().map(stored)));
    tell_status_changes(status, ROUTE);
    let shown_id = Memo::new(move |_| {
        tables
            .with(Option::is_some)
            .then(|| record.with(|r| r.as_ref().map(|d| d.id)))
            .flatten()
    });
    let editor = move || {
        shown_id.get().map(|_| {
            let tables = tables.get_untracked().expect("loaded with the order");
            untrack(|| booking_editor(record, tables, Some(reload)))
        })
    };
    let number =
        Signal::derive(move || record.with(|r| r.as_ref().map(|d| d.form.order_no.clone())));
    let history = move || record.with(|r| r.as_ref().map(|d| d.history.clone()));
    view! {
        {print_head(enterprise, "订仓单编号", number)}
        <section class="screen detail">
            <div class="screen-head">
                <h2>"海外仓订仓单详情"</h2>
                <a href=ROUTE class="back">"返回列表"</a>
            </div>
            {move || failure.get().map(|failure| view! { <ErrorBanner failure reload=Some(reload) /> })}
            {move || (shown_id.with(Option::is_none) && failure.with(Option::is_none)).then(|| view! { <Loading /> })}
            {editor}
            {move || history().map(|history| view! { <Timeline history /> })}
        </section>
    }
}
