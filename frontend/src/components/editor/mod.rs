//! The one editor of a filing, for the entry screen (新增) and a record's detail: the form with
//! shared validation inline, and the buttons of the actions the shared rules grant the record.

mod amend;
mod flows;
pub mod messages;
mod summary;
mod toolbar;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use owf_shared::amendment::locked_on_change;
use owf_shared::api::SaveRequest;
use owf_shared::field::{Field, FilingKind};
use owf_shared::status::Action;
use owf_shared::validate::{Context, FieldErrors, Level};

use crate::api::{self, Failure};
use crate::auth::logged_in;
use crate::components::dialog::Confirmer;
use crate::components::editor::flows::Flows;
use crate::components::editor::messages::Messages;
use crate::components::editor::summary::summary_view;
pub use crate::components::editor::summary::Stored;
use crate::components::editor::toolbar::toolbar;
use crate::components::feedback::{linked_message, ErrorBanner, Notice};
use crate::components::form_state::{FilingFields, FormState};
use crate::components::leave_guard::LeaveGuard;
use crate::unsaved::Unsaved;

/// The editor of a `K` record: `detail` is `None` on the entry screen until the first 暂存;
/// `reload` fetches the record again (offered after a 409).
pub fn filing_editor<K: FilingFields>(
    detail: RwSignal<Option<K::Detail>>,
    ctx: Context,
    reload: Option<Callback<()>>,
) -> AnyView {
    let session = logged_in();
    let new_form = K::new_form(&session);
    let baseline = Memo::new(move |_| {
        detail.with(|d| {
            d.as_ref()
                .map_or_else(|| new_form.clone(), |d| K::form(d).clone())
        })
    });
    // The form as it was when the last login ended (or the tab was closed) while it was edited,
    // if the record may still be saved.
    let id = detail.with_untracked(|d| d.as_ref().map(K::id));
    let unsaved = Unsaved::of(&session.card_no, &editor_path(K::ROUTE, id));
    let savable = detail.with_untracked(|d| {
        d.as_ref()
            .is_none_or(|d| K::lifecycle(d).actions().contains(&Action::Save))
    });
    let restored = savable
        .then(|| unsaved.kept::<SaveRequest<K::Form>>())
        .flatten();
    // The version the restored form was edited over, until the editor gets the record anew:
    // 暂存 checks it, so that a record changed meanwhile is not silently overwritten.
    let edited_over = RwSignal::new(restored.as_ref().and_then(|r| r.version));
    Effect::new(move |seen: Option<()>| {
        detail.track();
        if seen.is_some() {
            edited_over.set(None);
        }
    });
    let form = RwSignal::new(
        restored
            .as_ref()
            .map_or_else(|| baseline.get_untracked(), |r| r.form.clone()),
    );
    // A record that changes under an unedited form (a poll, a save) shows its new content.
    Effect::new(move |previous: Option<K::Form>| {
        let current = baseline.get();
        if previous.is_some_and(|previous| form.with_untracked(|f| *f == previous)) {
            form.set(current.clone());
        }
        current
    });
    // A 变更 keeps the master data customs holds.
    let amendment = detail.with_untracked(|d| {
        d.as_ref()
            .is_some_and(|d| K::lifecycle(d).amendment.is_some())
    });
    let locked = if amendment {
        locked_on_change(K::KIND)
    } else {
        &[]
    };
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
        locked,
        stored: Memo::new(move |_| detail.with(|d| d.as_ref().map(Stored::of::<K>))),
        changed: Signal::derive(move || form.with(|f| *f != baseline.get())),
        draft_errors: Memo::new(move |_| errors(Level::Draft)),
        declare_errors: Memo::new(move |_| errors(Level::Declare)),
        save_body: Callback::new(move |version: Option<i64>| {
            let version = edited_over.get_untracked().or(version);
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
        unsaved,
        restored: restored.is_some(),
        fields: Box::new(move || K::fields(state)),
    })
}

/// The app's path of the editor of record `id` of the filing at `route` (`None`: new).
fn editor_path(route: &str, id: Option<i64>) -> String {
    match id {
        Some(id) => format!("{route}/{id}"),
        None => format!("{route}/new"),
    }
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
    /// The fields shown read-only even while editing.
    locked: &'static [Field],
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
    /// Where the form is kept while it is edited and not stored.
    unsaved: Unsaved,
    /// Whether the form opens with what was kept there.
    restored: bool,
    /// The form's fields, built once their environment is provided.
    fields: Box<dyn FnOnce() -> AnyView>,
}

/// The editor's state: whether the form is being edited and may be, its messages, its flows.
fn editor(editor: Editor) -> AnyView {
    let Editor {
        kind,
        apply_no,
        api,
        route,
        edit_on_open,
        locked,
        stored,
        changed,
        draft_errors,
        declare_errors,
        save_body,
        accept,
        reload,
        unsaved,
        restored,
        fields,
    } = editor;
    // `None` until the record is stored.
    let actions = Memo::new(move |_| stored.with(|s| s.as_ref().map(|s| s.lifecycle.actions())));
    let allows =
        move |action: Action| actions.with(|a| a.as_ref().is_some_and(|a| a.contains(&action)));
    let editing = RwSignal::new(restored || edit_on_open && allows(Action::Edit));
    let busy = RwSignal::new(None::<&'static str>);
    let editable = Signal::derive(move || {
        editing.get()
            && busy.get().is_none()
            && (actions.with(Option::is_none) || allows(Action::Save))
    });
    let dirty = Signal::derive(move || editing.get() && changed.get());
    let messages = Messages::provide(kind, editable, locked, draft_errors, declare_errors);
    let notice = Notice::use_notice();
    let version = move || stored.with_untracked(|s| s.as_ref().map(|s| s.lifecycle.version));
    let forget = keep_unsaved(unsaved, dirty, move || save_body.run(version()));
    if restored {
        let here = use_location().pathname.get_untracked();
        notice.show("已恢复上次未保存的内容，请核对后暂存".into(), here);
    }
    let navigate = use_navigate();
    let flows = Flows {
        kind,
        apply_no,
        api,
        route,
        stored,
        dirty,
        editing,
        busy,
        failure: RwSignal::new(None),
        messages,
        save_body,
        accept,
        navigate: Callback::new(move |path: String| navigate(&path, Default::default())),
        confirmer: Confirmer::use_confirmer(),
        notice,
        forget,
    };
    editor_view(EditorView {
        flows,
        editable,
        reload,
        fields: fields(),
    })
}

/// Keeps the JSON `body` of a 暂存 of the form in `unsaved` while the form is `dirty`, and forgets
/// it once it is not (stored, or back as it was); the callback forgets it at once (after 删除,
/// or when the user leaves the form on purpose).
fn keep_unsaved(
    unsaved: Unsaved,
    dirty: Signal<bool>,
    body: impl Fn() -> serde_json::Result<String> + Send + Sync + 'static,
) -> Callback<()> {
    let unsaved = StoredValue::new(unsaved);
    // `dirty` reads the form, so every edit runs this again.
    Effect::new(move |_| {
        let body = dirty.get().then(&body).and_then(Result::ok);
        unsaved.with_value(|unsaved| match body {
            Some(body) => unsaved.keep(&body),
            None => unsaved.forget(),
        });
    });
    Callback::new(move |()| unsaved.with_value(Unsaved::forget))
}

/// What the editor shows, whichever the filing.
struct EditorView {
    flows: Flows,
    editable: Signal<bool>,
    reload: Option<Callback<()>>,
    fields: AnyView,
}

fn editor_view(editor: EditorView) -> AnyView {
    let EditorView {
        flows,
        editable,
        reload,
        fields,
    } = editor;
    let Flows {
        dirty,
        failure,
        messages,
        apply_no,
        stored,
        ..
    } = flows;
    view! {
        <LeaveGuard dirty on_leave=flows.forget />
        {toolbar(flows)}
        {move || failure.get().map(|f| view! { <ErrorBanner failure=f reload /> })}
        {move || messages.form_error().map(|message| view! { <div class="error-banner" role="alert" id="form-error">{linked_message(&message)}</div> })}
        {move || messages.revealed().then(|| view! {
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
