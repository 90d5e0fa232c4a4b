//! The editor of a 订仓单, on 录入 (新增) and on its detail: the form and the buttons of what the
//! order's status allows — 暂存, 申报, 修改 and 删除 of a draft (and of a 发送海关失败 or 退单
//! order, edited again); 变更 and 删除 of a declared order customs has not taken in yet
//! (`owf_shared::booking::amendment`) — each with its busy note, its notice or its refusal.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use owf_shared::amendment::AppType;
use owf_shared::api::SaveRequest;
use owf_shared::booking::amendment::{amendment_refusal, label};
use owf_shared::booking::api::BookingDetail;
use owf_shared::booking::BookingForm;
use owf_shared::codes::CodeTables;
use owf_shared::status::{Action, Status};
use owf_shared::validate::Level;

use crate::api::{self, Failure, BOOKING_ORDERS};
use crate::auth::logged_in;
use crate::components::dialog::{ConfirmRequest, Confirmer};
use crate::components::feedback::{ErrorBanner, Notice};
use crate::components::leave_guard::LeaveGuard;
use crate::components::receipt::Receipt;
use crate::components::status::StatusBadge;
use crate::pages::booking::header::header_fields;
use crate::pages::booking::import::import_panel;
use crate::pages::booking::lines::lines_table;
use crate::pages::booking::order_no::OrderNumber;
use crate::pages::booking::state::OrderForm;
use crate::unsaved::Unsaved;

/// The app's route of the 订仓单 screens.
pub const ROUTE: &str = "/booking";

/// The editor's flows over one form and its order.
#[derive(Clone, Copy)]
struct Flows {
    order: OrderForm,
    /// The stored order; `None` on 录入 until the first 暂存.
    record: RwSignal<Option<BookingDetail>>,
    editing: RwSignal<bool>,
    /// A 变更 is entered: its content is declared at once, under the same 订仓单编号.
    changing: RwSignal<bool>,
    /// The version a form restored from the browser was edited over, until the order is stored
    /// again: 暂存 checks it, so that an order changed meanwhile is not silently overwritten.
    edited_over: RwSignal<Option<i64>>,
    /// Where the form is kept while it is edited and not stored.
    unsaved: StoredValue<Unsaved>,
    /// What is under way, e.g. "正在暂存…".
    busy: RwSignal<Option<&'static str>>,
    failure: RwSignal<Option<Failure>>,
    confirmer: Confirmer,
    notice: Notice,
    navigate: Callback<String>,
}

impl Flows {
    fn version(self) -> Option<i64> {
        self.record
            .with_untracked(|r| r.as_ref().map(|d| d.version))
    }

    fn id(self) -> Option<i64> {
        self.record.with_untracked(|r| r.as_ref().map(|d| d.id))
    }

    /// The JSON of a 暂存 (or 变更) of the form over the stored version.
    fn body(self) -> serde_json::Result<String> {
        serde_json::to_string(&SaveRequest {
            version: self.edited_over.get_untracked().or(self.version()),
            form: self.order.form(),
        })
    }

    /// Shows the order the server answered with.
    fn accept(self, json: &str) -> Result<BookingDetail, Failure> {
        let detail = api::json::<BookingDetail>(json)?;
        self.edited_over.set(None);
        self.order.changed.set(false);
        self.order.messages.stored();
        self.record.set(Some(detail.clone()));
        Ok(detail)
    }

    /// Runs `work` with `note` shown, then tells `done` of its outcome or shows the refusal.
    fn run<F>(self, note: &'static str, work: F, done: impl FnOnce(BookingDetail) + 'static)
    where
        F: std::future::Future<Output = Result<BookingDetail, Failure>> + 'static,
    {
        self.busy.set(Some(note));
        self.failure.set(None);
        spawn_local(async move {
            let result = work.await;
            self.busy.set(None);
            match result {
                Ok(detail) => done(detail),
                Err(f) => {
                    if f.status == 422 {
                        self.order.refused(f.error.fields.clone());
                    }
                    self.failure.set(Some(f));
                }
            }
        });
    }

    /// Forgets the form kept in the browser.
    fn forget(self) {
        self.unsaved.with_value(Unsaved::forget);
    }

    /// After an action: `message` on the order's screen, which a new order goes to.
    fn done(self, message: String, detail: &BookingDetail, was_new: bool) {
        self.forget();
        let path = format!("{ROUTE}/{}", detail.id);
        self.notice.show(message, path.clone());
        if was_new {
            self.navigate.run(path);
        }
    }

    /// 暂存 of the form, once it passes the draft-level validation.
    fn save(self) {
        if !self.order.ready(Level::Draft) {
            return;
        }
        let was_new = self.id().is_none();
        let work = async move {
            let json = api::save(BOOKING_ORDERS, self.id(), self.body()).await?;
            self.accept(&json)
        };
        self.run("正在暂存…", work, move |detail| {
            let message = format!("已暂存，订仓单编号：{}", detail.form.order_no);
            self.done(message, &detail, was_new);
        });
    }

    fn ask(
        self,
        title: &str,
        message: &str,
        confirm_label: &'static str,
        danger: bool,
        then: fn(Self),
    ) {
        self.confirmer.ask(ConfirmRequest {
            title: title.to_owned(),
            message: message.to_owned(),
            confirm_label,
            danger,
            text: None,
            on_confirm: Callback::new(move |_| then(self)),
        });
    }

    /// 申报 after confirmation, once the form passes the declare-level validation; the form is
    /// saved first when it is new or changed.
    fn declare(self) {
        if !self.order.ready(Level::Declare) {
            return;
        }
        let message = "申报后订仓单将以报文（CEB303）发送海关，海关处理期间不能修改。确定申报吗？";
        self.ask("申报订仓单", message, "申报", false, |flows| {
            flows.declare_confirmed()
        });
    }

    fn declare_confirmed(self) {
        let was_new = self.id().is_none();
        let unsaved = was_new || self.order.changed.get_untracked();
        let work = async move {
            if unsaved {
                let json = api::save(BOOKING_ORDERS, self.id(), self.body()).await?;
                self.accept(&json)?;
            }
            let (id, version) = (
                self.id().unwrap_or_default(),
                self.version().unwrap_or_default(),
            );
            let json = api::declare(BOOKING_ORDERS, id, version).await?;
            self.accept(&json)
        };
        self.run("正在申报…", work, move |detail| {
            self.editing.set(false);
            let message = format!(
                "已申报，订仓单编号：{}，正在等待海关回执",
                detail.form.order_no
            );
            self.done(message, &detail, was_new);
        });
    }

    /// 删除 of the draft after confirmation.
    fn delete(self) {
        let message = "删除后不能恢复。确定删除这张暂存的订仓单吗？";
        self.ask("删除订仓单", message, "删除", true, |flows| {
            flows.delete_confirmed()
        });
    }

    fn delete_confirmed(self) {
        let Some(detail) = self.record.get_untracked() else {
            return;
        };
        self.busy.set(Some("正在删除…"));
        self.failure.set(None);
        spawn_local(async move {
            let result = api::delete(BOOKING_ORDERS, detail.id, detail.version).await;
            self.busy.set(None);
            match result {
                Ok(()) => {
                    self.forget();
                    self.editing.set(false);
                    self.order.changed.set(false);
                    let message = format!("已删除订仓单 {}", detail.form.order_no);
                    self.notice.show(message, ROUTE.to_owned());
                    self.navigate.run(ROUTE.to_owned());
                }
                Err(f) => self.failure.set(Some(f)),
            }
        });
    }

    /// 变更: the declared content opens for editing; 申报变更 declares it.
    fn open_change(self) {
        self.failure.set(None);
        self.changing.set(true);
        self.editing.set(true);
    }

    /// Gives the 变更 up: the order as declared again.
    fn drop_change(self) {
        if let Some(detail) = self.record.get_untracked() {
            self.order.load(&detail.form);
        }
        self.order.messages.stored();
        self.changing.set(false);
        self.editing.set(false);
    }

    fn declare_change(self) {
        if !self.order.ready(Level::Declare) {
            return;
        }
        let message = "变更内容将立即以报文（appType 2）申报海关，订仓单编号不变。确定申报变更吗？";
        self.ask("申报变更", message, "申报变更", false, |flows| {
            let work = async move {
                let json =
                    api::change_booking(flows.id().unwrap_or_default(), flows.body()).await?;
                flows.accept(&json)
            };
            flows.run("正在申报变更…", work, move |detail| {
                flows.changing.set(false);
                flows.editing.set(false);
                let message = format!(
                    "已申报变更，订仓单编号：{}，正在等待海关回执",
                    detail.form.order_no
                );
                flows.done(message, &detail, false);
            });
        });
    }

    /// 删除 of a declared order, asked of customs (appType 3) after confirmation.
    fn delete_request(self) {
        let message = "将向海关申报删除该订仓单（appType 3）；海关入库后订仓单即为已注销，不能恢复。确定删除吗？";
        self.ask(
            "删除订仓单（向海关申报）",
            message,
            "删除",
            true,
            |flows| {
                let work = async move {
                    let (id, version) = (
                        flows.id().unwrap_or_default(),
                        flows.version().unwrap_or_default(),
                    );
                    let json = api::request_booking_deletion(id, version).await?;
                    flows.accept(&json)
                };
                flows.run("正在申报删除…", work, move |detail| {
                    let message = format!(
                        "已申报删除，订仓单编号：{}，正在等待海关回执",
                        detail.form.order_no
                    );
                    flows.done(message, &detail, false);
                });
            },
        );
    }
}

/// The buttons of the form and its order now.
fn buttons(flows: Flows) -> Vec<AnyView> {
    let pending = flows.busy.get().is_some();
    let editing = flows.editing.get();
    let button = |id: &'static str, text: &'static str, class: &'static str, run: fn(Flows)| {
        view! {
            <button type="button" id=id class=class disabled=pending
                on:click=move |_| run(flows)>{text}</button>
        }
        .into_any()
    };
    let record = flows
        .record
        .with(|r| r.as_ref().map(|d| (d.status, d.app_type)));
    let mut shown = Vec::new();
    let Some((status, app_type)) = record else {
        if editing {
            shown.push(button("btn-save", "暂存", "", Flows::save));
            shown.push(button("btn-declare", "申报", "primary", Flows::declare));
        } else {
            shown.push(button("btn-new", "新增", "primary", |f| {
                f.editing.set(true)
            }));
        }
        return shown;
    };
    if flows.changing.get() {
        shown.push(button(
            "btn-declare-change",
            "申报变更",
            "primary",
            Flows::declare_change,
        ));
        shown.push(button(
            "btn-drop-change",
            "取消变更",
            "",
            Flows::drop_change,
        ));
        return shown;
    }
    if status.allows(Action::Edit) && !editing {
        shown.push(button("btn-edit", "修改", "", |f| f.editing.set(true)));
    }
    if status.allows(Action::Save) && editing {
        shown.push(button("btn-save", "暂存", "", Flows::save));
    }
    if status.allows(Action::Delete) {
        shown.push(button("btn-delete", "删除", "danger", Flows::delete));
    }
    if status.allows(Action::Declare) {
        shown.push(button("btn-declare", "申报", "primary", Flows::declare));
    }
    if amendment_refusal(status, app_type, AppType::Change).is_none() {
        shown.push(button("btn-change", "变更", "", Flows::open_change));
    }
    if amendment_refusal(status, app_type, AppType::Cancel).is_none() {
        shown.push(button(
            "btn-delete-request",
            "删除",
            "danger",
            Flows::delete_request,
        ));
    }
    shown.push(
        view! { <button type="button" id="btn-print" on:click=|_| { let _ = window().print(); }>"打印"</button> }
            .into_any(),
    );
    shown
}

/// What the system knows of the stored order: 订仓单编号 (with 复制), status, declaration and
/// receipt.
fn summary(record: RwSignal<Option<BookingDetail>>) -> impl IntoView {
    move || {
        record.with(|r| {
            let d = r.as_ref()?;
            let status: Status = d.status;
            Some(view! {
                <dl class="summary">
                    <div class="wide"><dt>"订仓单编号"</dt><dd><OrderNumber number=d.form.order_no.clone() /></dd></div>
                    <div><dt>"状态"</dt><dd id="status"><StatusBadge status pending=None /></dd></div>
                    <div><dt>"申报类型"</dt><dd id="app-type">{label(d.app_type)}</dd></div>
                    <div><dt>"申报时间"</dt><dd>{d.decl_time.clone().unwrap_or_default()}</dd></div>
                    <div><dt>"最新回执时间"</dt><dd>{d.last_return_time.clone().unwrap_or_default()}</dd></div>
                    <div class="wide"><dt>"回执信息"</dt>
                        <dd><Receipt info=d.last_return_info.clone() id="return-info" /></dd></div>
                    <div><dt>"录入时间"</dt><dd>{d.created_at.clone()}</dd></div>
                </dl>
            })
        })
    }
}

/// How long the form waits after an edit before it is kept in the browser: a form of 1,000
/// lines is not written out on every keystroke.
const KEEP_AFTER: Duration = Duration::from_millis(800);

/// Opens the form as it was kept when the last login ended (or the tab closed) while it was
/// edited on this screen (`here`), if the order may still be saved.
fn restore(flows: Flows, here: String) {
    let savable = flows
        .record
        .with_untracked(|r| r.as_ref().is_none_or(|d| d.status.allows(Action::Save)));
    let Some(kept) = savable
        .then(|| {
            flows
                .unsaved
                .with_value(Unsaved::kept::<SaveRequest<BookingForm>>)
        })
        .flatten()
    else {
        return;
    };
    flows.order.load(&kept.form);
    flows.order.changed.set(true);
    flows.edited_over.set(kept.version);
    flows.editing.set(true);
    flows
        .notice
        .show("已恢复上次未保存的内容，请核对后暂存".into(), here);
}

/// Keeps the form in the browser a moment after each edit while it is `dirty`, and forgets it
/// once it is not (stored, or given up); the callback forgets it at once (the clerk left the
/// form).
fn keep_unsaved(flows: Flows, dirty: Signal<bool>) -> Callback<()> {
    Effect::new(move |_| {
        flows.order.revision.track();
        if !dirty.get() {
            flows.forget();
            return;
        }
        let keep = move || {
            if let Ok(body) = flows.body() {
                flows.unsaved.with_value(|unsaved| unsaved.keep(&body));
            }
        };
        if let Ok(handle) = set_timeout_with_handle(keep, KEEP_AFTER) {
            on_cleanup(move || handle.clear());
        }
    });
    Callback::new(move |()| flows.forget())
}

/// The editor of the order in `record` (`None` on 录入), with the code `tables`; `reload`
/// fetches the order again (offered after a 409).
pub fn booking_editor(
    record: RwSignal<Option<BookingDetail>>,
    tables: Arc<CodeTables>,
    reload: Option<Callback<()>>,
) -> AnyView {
    let session = logged_in();
    let form = record
        .with_untracked(|r| r.as_ref().map(|d| d.form.clone()))
        .unwrap_or_default();
    let order = OrderForm::new(&form, tables);
    // The order as stored now, unless the clerk has edits of its own (a poll, a 暂存).
    Effect::new(move |_| {
        record.with(|r| {
            if let Some(detail) = r {
                if !order.changed.get_untracked() && order.form() != detail.form {
                    order.load(&detail.form);
                }
            }
        });
    });
    let navigate = use_navigate();
    let here = use_location().pathname.get_untracked();
    let flows = Flows {
        order,
        record,
        editing: RwSignal::new(false),
        changing: RwSignal::new(false),
        edited_over: RwSignal::new(None),
        unsaved: StoredValue::new(Unsaved::of(&session.card_no, &here)),
        busy: RwSignal::new(None),
        failure: RwSignal::new(None),
        confirmer: Confirmer::use_confirmer(),
        notice: Notice::use_notice(),
        navigate: Callback::new(move |path: String| navigate(&path, Default::default())),
    };
    let editable = Signal::derive(move || {
        flows.editing.get()
            && record.with(|r| {
                r.as_ref()
                    .is_none_or(|d| d.status.allows(Action::Save) || flows.changing.get())
            })
    });
    let dirty = Signal::derive(move || flows.editing.get() && order.changed.get());
    restore(flows, here);
    let forget = keep_unsaved(flows, dirty);
    let stored_warehouse =
        Signal::derive(move || record.with(|r| r.as_ref().and_then(|d| d.wh_name.clone())));
    let busy = flows.busy;
    let failure = flows.failure;
    let revealed = move || {
        order.messages.revealed()
            || order.messages.revealed_level().is_some() && order.lines_error().is_some()
    };
    view! {
        <LeaveGuard dirty on_leave=forget />
        <div class="toolbar" role="toolbar" aria-label="操作">
            {move || buttons(flows)}
            {move || busy.get().map(|label| view! { <span class="busy" role="status">{label}</span> })}
        </div>
        {move || failure.get().map(|f| view! { <ErrorBanner failure=f reload /> })}
        {move || order.messages.form_error().map(|message| view! {
            <div class="error-banner" role="alert" id="form-error">{message}</div>
        })}
        {move || revealed().then(|| view! {
            <div class="error-banner" role="alert" id="fix-errors">"请按提示修改标红的内容"</div>
        })}
        {summary(record)}
        <form class="filing-form booking-form" class:editing=move || editable.get() novalidate=true
            on:submit=|ev| ev.prevent_default()>
            {header_fields(order, &session, editable, flows.changing.into(), stored_warehouse)}
            {move || editable.get().then(|| import_panel(order))}
            {lines_table(order, editable)}
        </form>
    }
    .into_any()
}
