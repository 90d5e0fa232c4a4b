//! A filing's status as a badge, and its timeline (every status change and receipt).

use leptos::prelude::*;
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

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let tone = match status {
        Status::Draft => "draft",
        Status::Approved => "ok",
        Status::SendFailed | Status::Rejected => "bad",
        _ => "busy",
    };
    view! { <span class=format!("badge {tone}") data-status=status.code()>{status.label()}</span> }
}

fn actor(actor: &str) -> String {
    match actor {
        "relay" => "传输通道".to_owned(),
        "customs" => "海关".to_owned(),
        card => format!("卡号 {card}"),
    }
}

/// 状态变更及回执, oldest first.
#[component]
pub fn Timeline(history: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h3 id="timeline-title">"状态变更及回执"</h3>
            <ol>
                {history
                    .into_iter()
                    .map(|entry| {
                        let change = match entry.from {
                            Some(from) => format!("{} → {}", from.label(), entry.to.label()),
                            None => entry.to.label().to_owned(),
                        };
                        view! {
                            <li>
                                <time datetime=entry.at.clone()>{local_time(&entry.at)}</time>
                                <span class="change">{change}</span>
                                <span class="actor">{actor(&entry.actor)}</span>
                                <span class="note">{entry.note}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
