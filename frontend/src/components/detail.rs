//! A record's detail screen: the editor for what the status allows, the timeline, and a
//! refresh every 2 s while the filing is with the relay or customs.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use owf_shared::api::HistoryEntry;
use owf_shared::validate::Context;

use crate::api::Failure;
use crate::auth::use_auth;
use crate::codes;
use crate::components::editor::filing_editor;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form_state::FilingFields;
use crate::components::status::Timeline;
use crate::filing::context;

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
    // Follow the status while the filing is in flight.
    Effect::new(move |_| {
        let in_flight = detail.with(|d| {
            d.as_ref()
                .is_some_and(|d| K::lifecycle(d).status.in_flight())
        });
        if in_flight {
            if let Ok(handle) = set_timeout_with_handle(move || reload.run(()), POLL) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    let ready = Memo::new(move |_| ctx.with(Option::is_some) && detail.with(Option::is_some));
    let history = Signal::derive(move || {
        detail.with(|d| d.as_ref().map(|d| K::lifecycle(d).history.clone()))
    });
    let editor = move || {
        let ctx = ctx.get_untracked().expect("ready");
        filing_editor::<K>(detail, ctx, Some(reload))
    };
    detail_view(DetailView {
        title: format!("{}详情", K::KIND.label()),
        route: K::ROUTE,
        failure,
        reload,
        ready,
        editor: Box::new(editor),
        history,
    })
}

/// What the detail screen shows, whichever the filing.
struct DetailView {
    title: String,
    /// The list to go back to.
    route: &'static str,
    failure: RwSignal<Option<Failure>>,
    reload: Callback<()>,
    /// Whether the record and the validation context are loaded.
    ready: Memo<bool>,
    /// The editor of the loaded record.
    editor: Box<dyn Fn() -> AnyView + Send + Sync>,
    history: Signal<Option<Vec<HistoryEntry>>>,
}

fn detail_view(detail: DetailView) -> AnyView {
    let DetailView {
        title,
        route,
        failure,
        reload,
        ready,
        editor,
        history,
    } = detail;
    view! {
        <section class="screen detail">
            <div class="screen-head">
                <h2>{title}</h2>
                <a href=route class="back">"返回列表"</a>
            </div>
            {move || failure.get().map(|failure| view! { <ErrorBanner failure reload=Some(reload) /> })}
            {move || (!ready.get() && failure.with(Option::is_none)).then(|| view! { <Loading /> })}
            {move || ready.get().then(&editor)}
            {move || history.get().map(|history| view! { <Timeline history /> })}
        </section>
    }
    .into_any()
}
