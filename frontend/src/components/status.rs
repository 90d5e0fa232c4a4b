//! A filing's status as a badge, and its timeline (every status change and receipt, who made
//! it, and the message guids and receipt codes behind a 技术信息 fold).

use leptos::prelude::*;
use owf_shared::amendment::Pending;
use owf_shared::api::HistoryEntry;
use owf_shared::status::Status;

/// ISO-8601 as the browser's local `YYYY-MM-DD HH:MM:SS`; unreadable input as it is.
pub fn local_time(iso: &str) -> String {
    let date = js_sys::Date::new(&iso.into());
    if date.get_time().is_nan() {
        return iso.to_owned();
    }
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

/// An optional time for a table cell.
pub fn local_time_or_blank(iso: Option<&str>) -> String {
    iso.map(local_time).unwrap_or_default()
}

/// A status as text, with the mark of the amendment under way (e.g. "审核通过 变更暂存").
pub fn status_text(status: Status, pending: Option<Pending>) -> String {
    match pending {
        Some(pending) => format!("{} {}", status.label(), pending.mark()),
        None => status.label().to_owned(),
    }
}

/// The status, and beside it the mark of the amendment `pending` on it.
#[component]
pub fn StatusBadge(status: Status, pending: Option<Pending>) -> impl IntoView {
    let tone = match status {
        Status::Draft => "draft",
        Status::Approved => "ok",
        Status::SendFailed | Status::Rejected => "bad",
        Status::Cancelled | Status::Withdrawn => "ended",
        _ => "busy",
    };
    let mark = pending.map(|pending| {
        view! { <span class="badge mark" data-mark=pending.app_type.code()>{pending.mark()}</span> }
    });
    view! {
        <span class=format!("badge {tone}") data-status=status.code()>{status.label()}</span>
        {mark}
    }
}

/// 状态变更及回执, oldest first. On an approved filing's timeline (its records at `route`), the
/// steps of its 变更 and 注销 lead to their own records.
#[component]
pub fn Timeline(
    history: Vec<HistoryEntry>,
    #[prop(optional)] route: Option<&'static str>,
) -> impl IntoView {
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h3 id="timeline-title">"状态变更及回执"</h3>
            <ol>
                {history
                    .into_iter()
                    .map(|entry| {
                        // The creation, or a receipt that changed nothing: the status alone.
                        let change = match entry.from {
                            Some(from) if from != entry.to => {
                                format!("{} → {}", from.label(), entry.to.label())
                            }
                            _ => entry.to.label().to_owned(),
                        };
                        let actor = entry.actor_label();
                        let technical = (!entry.detail.is_empty()).then(|| {
                            view! {
                                <details class="technical">
                                    <summary>"技术信息"</summary>
                                    <p>{entry.detail}</p>
                                </details>
                            }
                        });
                        view! {
                            <li>
                                <time datetime=entry.at.clone()>{local_time(&entry.at)}</time>
                                <span class="change">{change}</span>
                                <span class="actor">{actor}</span>
                                {match (route, entry.amendment_id) {
                                    (Some(route), Some(id)) => view! {
                                        <a class="note" href=format!("{route}/{id}")>{entry.note}</a>
                                    }
                                    .into_any(),
                                    _ => view! { <span class="note">{entry.note}</span> }.into_any(),
                                }}
                                {technical}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
