//! A record's detail screen: the editor for what the status allows, what it has to do with
//! amendments, its versions, the timeline, and a refresh every 2 s while the filing (or its
//! amendment) is with the relay or customs.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use owf_shared::amendment::{AppType, FieldValues};
use owf_shared::api::VersionEntry;
use owf_shared::field::Field;
use owf_shared::status::Status;
use owf_shared::validate::Context;

use crate::api::{self, Failure};
use crate::auth::use_auth;
use crate::codes;
use crate::components::amendment::amendment_notice;
use crate::components::editor::{filing_editor, Stored};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form_state::FilingFields;
use crate::components::status::Timeline;
use crate::components::versions::{changes_against, version_list, with_changes, ShownVersion};
use crate::filing::{context, Filing};

const POLL: Duration = Duration::from_secs(2);

/// The detail screen of a `K` record, whose id is the route's `:id`.
pub fn filing_detail<K: FilingFields>() -> impl IntoView {
    let params = use_params_map();
    let session = use_auth()
        .session
        .get_untracked()
        .expect("inside the logged-in layout");
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let detail = RwSignal::new(None::<K::Detail>);
    let ctx = RwSignal::new(None::<Context>);
    let failure = RwSignal::new(None::<Failure>);
    let load = move || {
        let Some(id) = id() else {
            failure.set(Some(Failure {
                status: 404,
                error: owf_shared::api::ApiError {
                    code: "not_found".into(),
                    message: "记录不存在或无权查看".into(),
                    fields: Default::default(),
                },
            }));
            return;
        };
        let session = session.clone();
        spawn_local(async move {
            let loaded = async {
                if ctx.get_untracked().is_none() {
                    let modes = K::registered_trade_modes().await?;
                    let tables = codes::tables().await?;
                    ctx.set(Some(context(&session, &modes, tables)));
                }
                K::get(id).await
            }
            .await;
            match loaded {
                Ok(record) => {
                    failure.set(None);
                    detail.set(Some(record));
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    };
    let reload = Callback::new({
        let load = load.clone();
        move |()| load()
    });
    Effect::new(move |_| {
        id();
        reload.run(());
    });
    let stored = Memo::new(move |_| detail.with(|d| d.as_ref().map(Stored::of::<K>)));
    follow_customs(stored, reload);
    // The route's `:id` changes without a new screen (from a filing to its 变更 and back): the
    // editor is built anew for each record.
    let shown_id = Memo::new(move |_| {
        ctx.with(Option::is_some)
            .then(|| stored.with(|s| s.as_ref().map(|s| s.id)))
            .flatten()
    });
    let editor = move || {
        let ctx = ctx.get_untracked().expect("ready");
        filing_editor::<K>(detail, ctx, Some(reload))
    };
    detail_view(DetailView {
        title: format!("{}详情", K::KIND.label()),
        route: K::ROUTE,
        apply_no: K::APPLY_NO,
        failure,
        reload,
        shown_id,
        stored,
        versions: load_versions(K::API, stored, version_reader::<K>(detail), failure),
        editor: Box::new(editor),
    })
}

/// Fetches the record in `stored` again every [`POLL`] while it, or its amendment, is in flight.
fn follow_customs(stored: Memo<Option<Stored>>, reload: Callback<()>) {
    Effect::new(move |_| {
        let awaiting = stored.with(|s| s.as_ref().is_some_and(|s| s.lifecycle.awaiting_customs()));
        if awaiting {
            if let Ok(handle) = set_timeout_with_handle(move || reload.run(()), POLL) {
                on_cleanup(move || handle.clear());
            }
        }
    });
}

/// What the version views show of a record.
#[derive(Clone, Default)]
struct Versions {
    /// The versions of an approved or cancelled filing; empty for any other record.
    list: Vec<ShownVersion>,
    /// For a 变更: what it changes against the version before.
    changes: Option<Vec<String>>,
}

/// How the versions of a `K` record are read from the JSON of `GET …/versions`: the version
/// list, or, for a 变更 that becomes version `Some(n)`, what the record in `detail` changes.
fn version_reader<K: Filing>(
    detail: RwSignal<Option<K::Detail>>,
) -> Callback<(String, Option<i64>), Result<Versions, Failure>> {
    Callback::new(move |(json, change): (String, Option<i64>)| {
        let entries = api::json::<Vec<VersionEntry<K::Form>>>(&json)?;
        let versions = entries.into_iter().map(ShownVersion::of).collect();
        let current = detail.with_untracked(|d| d.as_ref().map(|d| K::form(d).field_values()));
        Ok(versions_shown(versions, change.zip(current)))
    })
}

/// The version list; or for a 变更 that becomes version `n` with the field values `values`,
/// what it changes.
fn versions_shown(
    versions: Vec<ShownVersion>,
    change: Option<(i64, Vec<(Field, String)>)>,
) -> Versions {
    match change {
        Some((version_no, values)) => Versions {
            list: Vec::new(),
            changes: Some(changes_against(&versions, version_no, values)),
        },
        None => Versions {
            list: with_changes(versions),
            changes: None,
        },
    }
}

/// The versions of the record in `stored`, from the collection `api`, read by `read`; fetched
/// again whenever the record changes.
fn load_versions(
    api: &'static str,
    stored: Memo<Option<Stored>>,
    read: Callback<(String, Option<i64>), Result<Versions, Failure>>,
    failure: RwSignal<Option<Failure>>,
) -> RwSignal<Versions> {
    let versions = RwSignal::new(Versions::default());
    let record = move |s: &Option<Stored>| s.as_ref().map(|s| (s.id, s.lifecycle.version));
    Effect::new(move |loaded: Option<Option<(i64, i64)>>| {
        let current = stored.with(record);
        if loaded == Some(current) {
            return current;
        }
        let Some((of, change)) = stored.with_untracked(|s| s.as_ref().and_then(version_source))
        else {
            versions.set(Versions::default());
            return current;
        };
        spawn_local(async move {
            let read = api::versions(api, of)
                .await
                .and_then(|json| read.run((json, change)));
            if stored.try_with_untracked(record) != Some(current) {
                return;
            }
            match read {
                Ok(read) => versions.set(read),
                Err(f) => failure.set(Some(f)),
            }
        });
        current
    });
    versions
}

/// Whose versions a record shows: its own once approved or cancelled; for a 变更, those of the
/// filing it amends, with the version the change becomes.
fn version_source(stored: &Stored) -> Option<(i64, Option<i64>)> {
    let lifecycle = &stored.lifecycle;
    match &lifecycle.amendment {
        Some(a) if a.app_type == AppType::Change => Some((a.amends_id, Some(a.version_no))),
        Some(_) => None,
        None => matches!(lifecycle.status, Status::Approved | Status::Cancelled)
            .then_some((stored.id, None)),
    }
}

/// What the detail screen shows, whichever the filing.
struct DetailView {
    title: String,
    /// The list to go back to.
    route: &'static str,
    /// The field that numbers a record.
    apply_no: Field,
    failure: RwSignal<Option<Failure>>,
    reload: Callback<()>,
    /// The record whose editor is shown, once it and the validation context are loaded.
    shown_id: Memo<Option<i64>>,
    stored: Memo<Option<Stored>>,
    versions: RwSignal<Versions>,
    /// The editor of the loaded record.
    editor: Box<dyn Fn() -> AnyView + Send + Sync>,
}

fn detail_view(detail: DetailView) -> AnyView {
    let DetailView {
        title,
        route,
        apply_no,
        failure,
        reload,
        shown_id,
        stored,
        versions,
        editor,
    } = detail;
    let notice = move || {
        stored.with(|s| {
            let s = s.as_ref()?;
            let changes = versions.with(|v| v.changes.clone());
            amendment_notice(route, apply_no, s.apply_no.clone(), &s.lifecycle, changes)
        })
    };
    let version_list = move || {
        let list = versions.with(|v| v.list.clone());
        let number = stored.with(|s| s.as_ref().map(|s| s.apply_no.clone()))?;
        (!list.is_empty()).then(|| version_list(apply_no, &number, list))
    };
    let history = move || stored.with(|s| s.as_ref().map(|s| s.lifecycle.history.clone()));
    view! {
        <section class="screen detail">
            <div class="screen-head">
                <h2>{title}</h2>
                <a href=route class="back">"返回列表"</a>
            </div>
            {move || failure.get().map(|failure| view! { <ErrorBanner failure reload=Some(reload) /> })}
            {move || (shown_id.with(Option::is_none) && failure.with(Option::is_none)).then(|| view! { <Loading /> })}
            {notice}
            {move || shown_id.get().map(|_| editor())}
            {version_list}
            {move || history().map(|history| view! { <Timeline history /> })}
        </section>
    }
    .into_any()
}
