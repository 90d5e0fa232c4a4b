//! A record's detail screen: the editor for what the status allows, what it has to do with
//! amendments, its versions, the timeline, and a refresh every 2 s while the filing (or its
//! amendment) is with the relay or customs.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use owf_shared::field::Field;
use owf_shared::validate::Context;

use crate::api::Failure;
use crate::auth::logged_in;
use crate::codes;
use crate::components::amendment::amendment_notice;
use crate::components::editor::{filing_editor, Stored};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form_state::FilingFields;
use crate::components::print::print_head;
use crate::components::status::Timeline;
use crate::components::status_changes::tell_status_changes;
use crate::components::versions::{load_versions, version_list, version_reader, Versions};
use crate::filing::context;

const POLL: Duration = Duration::from_secs(2);

/// The detail screen of a `K` record, whose id is the route's `:id`.
pub fn filing_detail<K: FilingFields>() -> impl IntoView {
    let params = use_params_map();
    let session = logged_in();
    let enterprise = session.enterprise.name.clone();
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
                if ctx.get_untracked().is_some() {
                    return K::get(id).await;
                }
                let (modes, tables, record) =
                    futures::try_join!(K::registered_trade_modes(), codes::tables(), K::get(id))?;
                ctx.set(Some(context(&session, &modes, tables)));
                Ok(record)
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
    tell_status_changes(stored, K::ROUTE);
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
        enterprise,
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

/// What the detail screen shows, whichever the filing.
struct DetailView {
    title: String,
    /// 企业名称, for the printout's page header.
    enterprise: String,
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
        enterprise,
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
    let number = Signal::derive(move || stored.with(|s| s.as_ref().map(|s| s.apply_no.clone())));
    view! {
        {print_head(enterprise, apply_no.label(), number)}
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
            {move || history().map(|history| view! { <Timeline history route /> })}
        </section>
    }
    .into_any()
}
