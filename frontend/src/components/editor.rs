//! The one editor of a filing, for the entry screen (新增) and a record's detail: the form with
//! shared validation inline, and the buttons the shared `allowed_actions` grants.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use owf_shared::allowed_actions;
use owf_shared::api::Lifecycle;
use owf_shared::field::{Field, FilingKind};
use owf_shared::status::{Action, Status};
use owf_shared::validate::{Context, FieldErrors, Level, FORM_KEY};
use wasm_bindgen::JsCast;

use crate::api::{self, Failure};
use crate::auth::use_auth;
use crate::components::dialog::{ConfirmRequest, Confirmer};
use crate::components::feedback::{ErrorBanner, Notice};
use crate::components::field::FieldEnv;
use crate::components::leave_guard::LeaveGuard;
use crate::components::status::{local_time, local_time_or_blank, StatusBadge};
use crate::filing::Filing;

/// What a form's fields need: the form, the record (for its proof documents), the context.
pub struct FormState<K: Filing> {
    pub form: RwSignal<K::Form>,
    pub detail: RwSignal<Option<K::Detail>>,
    pub ctx: StoredValue<Context>,
    /// Fetch the record again (after a proof document changed).
    pub reload: Option<Callback<()>>,
}

impl<K: Filing> Clone for FormState<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Filing> Copy for FormState<K> {}

impl<K: Filing> FormState<K> {
    /// Whether `field` is required for 申报 with the rest of the form as it is now: the shared
    /// declare-level validation asks for it once `clear` has emptied it (e.g. 账册编号 with 1210).
    pub fn required_now(self, field: Field, clear: fn(&mut K::Form)) -> Signal<bool> {
        let Self {
            form, detail, ctx, ..
        } = self;
        Signal::derive(move || {
            let mut cleared = form.get();
            clear(&mut cleared);
            detail.with(|d| {
                ctx.with_value(|c| K::validate(&cleared, d.as_ref(), Level::Declare, c))
                    .contains_key(field.key())
            })
        })
    }
}

/// The messages to show: the server's, then the declare-level ones of touched fields (all of
/// them after a 申报 attempt), then the draft-level ones after a 暂存 attempt.
fn shown_errors(
    server: &FieldErrors,
    draft: &FieldErrors,
    declare: &FieldErrors,
    touched: &BTreeSet<String>,
    reveal: Option<Level>,
) -> FieldErrors {
    let mut shown = server.clone();
    for (key, message) in declare {
        if reveal == Some(Level::Declare) || touched.contains(key) {
            shown.entry(key.clone()).or_insert_with(|| message.clone());
        }
    }
    if reveal == Some(Level::Draft) {
        for (key, message) in draft {
            shown.entry(key.clone()).or_insert_with(|| message.clone());
        }
    }
    shown
}

/// Moves the keyboard focus to the first field with a message.
fn focus_first_invalid() {
    request_animation_frame(|| {
        let first = document()
            .query_selector("[aria-invalid='true']")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = first {
            let _ = el.focus();
        }
    });
}

/// A stored record as the editor's flows and summary need it, whichever the filing.
#[derive(Clone, PartialEq)]
struct Stored {
    id: i64,
    apply_no: String,
    lifecycle: Lifecycle,
}

impl Stored {
    fn of<K: Filing>(detail: &K::Detail) -> Self {
        Self {
            id: K::id(detail),
            apply_no: K::apply_no(detail).to_owned(),
            lifecycle: K::lifecycle(detail).clone(),
        }
    }
}

/// The editor of a `K` record: `detail` is `None` on the entry screen until the first 暂存;
/// `reload` fetches the record again (offered after a 409).
pub fn filing_editor<K: Filing>(
    detail: RwSignal<Option<K::Detail>>,
    ctx: Context,
    reload: Option<Callback<()>>,
) -> AnyView {
    let session = use_auth()
        .session
        .get_untracked()
        .expect("inside the logged-in layout");
    let new_form = K::new_form(&session);
    let baseline = Memo::new(move |_| {
        detail.with(|d| {
            d.as_ref()
                .map_or_else(|| new_form.clone(), |d| K::form(d).clone())
        })
    });
    let form = RwSignal::new(baseline.get_untracked());
    // A record that changes under an unedited form (a poll, a save) shows its new content.
    Effect::new(move |previous: Option<K::Form>| {
        let current = baseline.get();
        if previous.is_some_and(|previous| form.with_untracked(|f| *f == previous)) {
            form.set(current.clone());
        }
        current
    });
    let ctx = StoredValue::new(ctx);
    let errors = move |level| {
        form.with(|f| detail.with(|d| ctx.with_value(|c| K::validate(f, d.as_ref(), level, c))))
    };
    let state = FormState::<K> {
        form,
        detail,
        ctx,
        reload,
    };
    editor(Editor {
        kind: K::KIND,
        apply_no: K::APPLY_NO,
        api: K::API,
        route: K::ROUTE,
        edit_on_open: K::EDIT_ON_OPEN,
        stored: Memo::new(move |_| detail.with(|d| d.as_ref().map(Stored::of::<K>))),
        changed: Signal::derive(move || form.with(|f| *f != baseline.get())),
        draft_errors: Memo::new(move |_| errors(Level::Draft)),
        declare_errors: Memo::new(move |_| errors(Level::Declare)),
        save_body: Callback::new(move |version| {
            serde_json::to_string(&K::save_body(version, form.get_untracked()))
        }),
        accept: Callback::new(move |(json, show): (String, bool)| {
            let record = api::json::<K::Detail>(&json)?;
            let stored = Stored::of::<K>(&record);
            if show {
                detail.set(Some(record));
            }
            Ok(stored)
        }),
        reload,
        fields: Box::new(move || K::fields(state)),
    })
}

/// What the editor needs of a filing and its record; the rest is the same for both.
struct Editor {
    kind: FilingKind,
    /// The field that numbers a record.
    apply_no: Field,
    /// The API collection of the filing.
    api: &'static str,
    /// The app's list route of the filing.
    route: &'static str,
    edit_on_open: bool,
    /// The record, once it is stored.
    stored: Memo<Option<Stored>>,
    /// Whether the form differs from the record (or from the new form).
    changed: Signal<bool>,
    draft_errors: Memo<FieldErrors>,
    declare_errors: Memo<FieldErrors>,
    /// The JSON of a 暂存 of the form over `version`.
    save_body: Callback<Option<i64>, serde_json::Result<String>>,
    /// Reads a record the server answered with, and shows it when asked to.
    accept: Callback<(String, bool), Result<Stored, Failure>>,
    reload: Option<Callback<()>>,
    /// The form's fields, built once their environment is provided.
    fields: Box<dyn FnOnce() -> AnyView>,
}

fn editor(editor: Editor) -> AnyView {
    let Editor {
        kind,
        apply_no,
        api,
        route,
        edit_on_open,
        stored,
        changed,
        draft_errors,
        declare_errors,
        save_body,
        accept,
        reload,
        fields,
    } = editor;
    let navigate = use_navigate();
    let confirmer = Confirmer::use_confirmer();
    let notice = Notice::use_notice();
    let status = Memo::new(move |_| stored.with(|s| s.as_ref().map(|s| s.lifecycle.status)));
    let allows = move |action: Action| status.get().is_some_and(|s| s.allows(action));
    let editing = RwSignal::new(edit_on_open && allows(Action::Edit));
    let busy = RwSignal::new(None::<&'static str>);
    let editable = Signal::derive(move || {
        editing.get() && busy.get().is_none() && (status.get().is_none() || allows(Action::Save))
    });
    let dirty = Signal::derive(move || editing.get() && changed.get());
    let failure = RwSignal::new(None::<Failure>);
    let touched = RwSignal::new(BTreeSet::new());
    let server = RwSignal::new(FieldErrors::new());
    let reveal = RwSignal::new(None::<Level>);
    let shown = Memo::new(move |_| {
        shown_errors(
            &server.read(),
            &draft_errors.read(),
            &declare_errors.read(),
            &touched.read(),
            reveal.get(),
        )
    });
    provide_context(FieldEnv {
        kind,
        editable,
        shown,
        touched,
        server,
    });

    let refused = move |f: Failure| {
        if f.status == 422 {
            server.set(f.error.fields.clone());
            focus_first_invalid();
        }
        failure.set(Some(f));
    };
    let show_record = {
        let navigate = navigate.clone();
        move |record: &Stored, was_new: bool| {
            server.set(FieldErrors::new());
            reveal.set(None);
            if was_new {
                navigate(&format!("{route}/{}", record.id), Default::default());
            }
        }
    };
    let target = move || stored.get_untracked();
    // 暂存 of the form over the record `target` (a new record when `None`).
    let save_over = move |target: Option<&Stored>| {
        let body = save_body.run(target.map(|t| t.lifecycle.version));
        api::save(api, target.map(|t| t.id), body)
    };

    // Before 暂存 or 申报: with errors of that level, show them all and focus the first.
    let ready = move |level: Level| {
        failure.set(None);
        let errors = match level {
            Level::Draft => draft_errors,
            Level::Declare => declare_errors,
        };
        if errors.with_untracked(FieldErrors::is_empty) {
            return true;
        }
        reveal.set(Some(level));
        focus_first_invalid();
        false
    };

    let save = {
        let show_record = show_record.clone();
        move || {
            if !ready(Level::Draft) {
                return;
            }
            let show_record = show_record.clone();
            let target = target();
            busy.set(Some("正在暂存…"));
            spawn_local(async move {
                let result = save_over(target.as_ref())
                    .await
                    .and_then(|json| accept.run((json, true)));
                busy.set(None);
                match result {
                    Ok(record) => {
                        notice.show(
                            format!("已暂存，{}：{}", apply_no.label(), record.apply_no),
                            format!("{route}/{}", record.id),
                        );
                        show_record(&record, target.is_none());
                    }
                    Err(f) => refused(f),
                }
            });
        }
    };

    let declare = {
        let show_record = show_record.clone();
        move || {
            if !ready(Level::Declare) {
                return;
            }
            let show_record = show_record.clone();
            let go = Callback::new(move |()| {
                let show_record = show_record.clone();
                let target = target();
                let unsaved = target.is_none() || dirty.get_untracked();
                busy.set(Some("正在申报…"));
                spawn_local(async move {
                    let result = async {
                        let saved = match &target {
                            Some(target) if !unsaved => target.clone(),
                            _ => accept.run((save_over(target.as_ref()).await?, false))?,
                        };
                        let json = api::declare(api, saved.id, saved.lifecycle.version).await?;
                        accept.run((json, true))
                    }
                    .await;
                    busy.set(None);
                    match result {
                        Ok(record) => {
                            notice.show(
                                format!(
                                    "已申报，{}：{}，正在等待海关回执",
                                    apply_no.label(),
                                    record.apply_no
                                ),
                                format!("{route}/{}", record.id),
                            );
                            editing.set(false);
                            show_record(&record, target.is_none());
                        }
                        Err(f) => refused(f),
                    }
                });
            });
            confirmer.ask(ConfirmRequest {
                title: format!("申报{}", kind.label()),
                message: "申报后将以报文方式发送海关，海关处理期间不能修改。确定申报吗？".into(),
                confirm_label: "申报",
                danger: false,
                on_confirm: go,
            });
        }
    };

    let delete = move || {
        let Some(record) = target() else {
            return;
        };
        let (id, version, apply_no) = (record.id, record.lifecycle.version, record.apply_no);
        let navigate = navigate.clone();
        let go = Callback::new(move |()| {
            let navigate = navigate.clone();
            let apply_no = apply_no.clone();
            busy.set(Some("正在删除…"));
            failure.set(None);
            spawn_local(async move {
                let result = api::delete(api, id, version).await;
                busy.set(None);
                match result {
                    Ok(()) => {
                        notice.show(
                            format!("已删除{} {apply_no}", kind.label()),
                            route.to_owned(),
                        );
                        editing.set(false);
                        navigate(route, Default::default());
                    }
                    Err(f) => refused(f),
                }
            });
        });
        confirmer.ask(ConfirmRequest {
            title: format!("删除{}", kind.label()),
            message: "删除后不能恢复。确定删除这条暂存数据吗？".into(),
            confirm_label: "删除",
            danger: true,
            on_confirm: go,
        });
    };

    editor_view(EditorView {
        dirty,
        editing,
        editable,
        busy,
        status,
        failure,
        reload,
        shown,
        reveal,
        save: Callback::new(move |()| save()),
        declare: Callback::new(move |()| declare()),
        delete: Callback::new(move |()| delete()),
        apply_no,
        stored,
        fields: fields(),
    })
}

/// What the editor shows, whichever the filing.
struct EditorView {
    dirty: Signal<bool>,
    editing: RwSignal<bool>,
    editable: Signal<bool>,
    busy: RwSignal<Option<&'static str>>,
    status: Memo<Option<Status>>,
    failure: RwSignal<Option<Failure>>,
    reload: Option<Callback<()>>,
    shown: Memo<FieldErrors>,
    reveal: RwSignal<Option<Level>>,
    save: Callback<()>,
    declare: Callback<()>,
    delete: Callback<()>,
    /// The field that numbers the record.
    apply_no: Field,
    stored: Memo<Option<Stored>>,
    fields: AnyView,
}

fn editor_view(editor: EditorView) -> AnyView {
    let EditorView {
        dirty,
        editing,
        editable,
        busy,
        status,
        failure,
        reload,
        shown,
        reveal,
        save,
        declare,
        delete,
        apply_no,
        stored,
        fields,
    } = editor;
    let form_error = move || shown.with(|e| e.get(FORM_KEY).cloned());
    let buttons = move || {
        let pending = busy.get().is_some();
        let mut buttons = Vec::new();
        let actions: Vec<Action> = match status.get() {
            None if editing.get() => vec![Action::Save, Action::Declare],
            None => Vec::new(),
            Some(status) => allowed_actions(status).to_vec(),
        };
        if status.get().is_none() && !editing.get() {
            buttons.push(
                view! {
                    <button type="button" id="btn-new" class="primary"
                        on:click=move |_| editing.set(true)>"新增"</button>
                }
                .into_any(),
            );
        }
        for action in actions {
            let button = match action {
                Action::Edit if !editing.get() => view! {
                    <button type="button" id="btn-edit" on:click=move |_| editing.set(true)>"修改"</button>
                }
                .into_any(),
                Action::Save if editing.get() => view! {
                    <button type="button" id="btn-save" disabled=pending on:click=move |_| save.run(())>"暂存"</button>
                }
                .into_any(),
                Action::Delete => view! {
                    <button type="button" id="btn-delete" class="danger" disabled=pending
                        on:click=move |_| delete.run(())>"删除"</button>
                }
                .into_any(),
                Action::Declare => view! {
                    <button type="button" id="btn-declare" class="primary" disabled=pending
                        on:click=move |_| declare.run(())>"申报"</button>
                }
                .into_any(),
                Action::Edit | Action::Save => continue,
            };
            buttons.push(button);
        }
        if status.get().is_some() {
            buttons.push(
                view! {
                    <button type="button" id="btn-print" on:click=move |_| { let _ = window().print(); }>"打印"</button>
                }
                .into_any(),
            );
        }
        buttons
    };

    view! {
        <LeaveGuard dirty />
        <div class="toolbar" role="toolbar" aria-label="操作">
            {buttons}
            {move || busy.get().map(|label| view! { <span class="busy" role="status">{label}</span> })}
        </div>
        {move || failure.get().map(|f| view! { <ErrorBanner failure=f reload /> })}
        {move || form_error().map(|message| view! { <div class="error-banner" role="alert" id="form-error">{message}</div> })}
        {move || (reveal.get().is_some() && !shown.with(FieldErrors::is_empty)).then(|| view! {
            <div class="error-banner" role="alert" id="fix-errors">"请按提示修改标红的内容"</div>
        })}
        {summary_view(apply_no, stored)}
        <form class="filing-form" class:editing=move || editable.get() novalidate=true
            on:submit=|ev| ev.prevent_default()>
            {fields}
        </form>
    }
    .into_any()
}

/// The system-assigned facts of a record: number, status, declare time, last receipt.
fn summary_view(apply_no_field: Field, stored: Memo<Option<Stored>>) -> impl IntoView {
    move || {
        stored.get().map(|Stored { apply_no, lifecycle, .. }| {
            let status: Status = lifecycle.status;
                // While the relay retries: attempts so far, the next try and the last failure.
                let delivery = (lifecycle.next_attempt_at.is_some() || lifecycle.last_error.is_some())
                    .then(|| {
                        let next = lifecycle
                            .next_attempt_at
                            .as_deref()
                            .map(|t| format!("；下次重试 {}", local_time(t)))
                            .unwrap_or_default();
                        let error = lifecycle
                            .last_error
                            .as_deref()
                            .map(|e| format!("；最近一次失败：{e}"))
                            .unwrap_or_default();
                        let text = format!("已尝试发送 {} 次{next}{error}", lifecycle.send_attempts);
                        view! { <div class="wide"><dt>"发送海关"</dt><dd id="delivery">{text}</dd></div> }
                    });
                view! {
                    <dl class="summary">
                        <div><dt>{apply_no_field.label()}</dt><dd id="apply-no">{apply_no}</dd></div>
                        <div><dt>{Field::Status.label()}</dt><dd id="status"><StatusBadge status /></dd></div>
                        <div><dt>{Field::DeclTime.label()}</dt>
                            <dd>{local_time_or_blank(lifecycle.decl_time.as_deref())}</dd></div>
                        <div><dt>{Field::LastReturnTime.label()}</dt>
                            <dd>{local_time_or_blank(lifecycle.last_return_time.as_deref())}</dd></div>
                        <div class="wide"><dt>{Field::LastReturnInfo.label()}</dt>
                            <dd>{lifecycle.last_return_info.clone().unwrap_or_default()}</dd></div>
                        {delivery}
                    </dl>
                }
        })
    }
}
