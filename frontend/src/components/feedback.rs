//! What the user sees while waiting and when something fails.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{self, Failure};

/// A spinner with a label, announced to screen readers.
#[component]
pub fn Loading(#[prop(default = "正在加载…")] label: &'static str) -> impl IntoView {
    view! {
        <p class="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

/// A thin bar at the top of the window while any request is under way.
#[component]
pub fn BusyBar() -> impl IntoView {
    let pending = api::pending();
    let class = move || {
        if pending.get() > 0 {
            "busy-bar active"
        } else {
            "busy-bar"
        }
    };
    view! {
        <div class=class role="progressbar"
            aria-label="正在处理请求" aria-hidden=move || (pending.get() == 0).to_string()></div>
    }
}

/// The app's list of the filing a 申请编号 names (`E` + 17 digits: 企业登记, `W`: 海外仓资料),
/// found by that number.
fn apply_no_link(token: &str) -> Option<String> {
    let (kind, digits) = token.split_at_checked(1)?;
    let route = match kind {
        "E" => "/enterprise",
        "W" => "/warehouse",
        _ => return None,
    };
    (digits.len() == 17 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{route}?apply_no={token}"))
}

/// `message` with every 申请编号 in it a link to that filing, so that a refusal naming filings
/// (a registration's 注销 while warehouses rely on it) leads to them.
pub fn linked_message(message: &str) -> Vec<AnyView> {
    let mut parts = Vec::new();
    let mut rest = message;
    while let Some(start) = rest.find(['E', 'W']) {
        let candidate = rest.get(start..start + 18).unwrap_or_default();
        let Some(href) = apply_no_link(candidate) else {
            let next = start + 1;
            parts.push(rest[..next].to_owned().into_any());
            rest = &rest[next..];
            continue;
        };
        parts.push(rest[..start].to_owned().into_any());
        let text = candidate.to_owned();
        parts.push(view! { <a href=href>{text}</a> }.into_any());
        rest = &rest[start + 18..];
    }
    parts.push(rest.to_owned().into_any());
    parts
}

/// A failed request: its message, and for 409 (changed meanwhile) the choice to reload.
#[component]
pub fn ErrorBanner(
    failure: Failure,
    #[prop(default = None)] reload: Option<Callback<()>>,
) -> impl IntoView {
    let title = match failure.status {
        0 => "网络连接失败",
        404 => "未找到记录",
        409 => "记录已变化",
        422 => "填写内容有误",
        _ => "操作失败",
    };
    let reload = reload.filter(|_| failure.is_conflict());
    view! {
        <div class="error-banner" role="alert">
            <strong>{title}</strong>
            <span class="error-message">{failure.error.message}</span>
            {reload.map(|reload| view! {
                <button type="button" class="reload" on:click=move |_| reload.run(())>
                    "重新加载"
                </button>
            })}
        </div>
    }
}

/// A short message after an action (暂存, 删除), shown by the layout on the screen the action
/// led to, and gone once the user moves on.
#[derive(Clone, Copy)]
pub struct Notice(RwSignal<Option<(String, String)>>);

impl Notice {
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }

    pub fn use_notice() -> Self {
        expect_context()
    }

    /// Shows `message` on the screen at `path`.
    pub fn show(self, message: String, path: String) {
        self.0.set(Some((message, path)));
    }
}

/// The notice, in a polite live region that stays in place, so that a notice replacing another
/// (a status change after the 申报) is announced as well.
#[component]
pub fn NoticeBar() -> impl IntoView {
    let notice = expect_context::<Notice>().0;
    let pathname = use_location().pathname;
    let shown = move || {
        let message = notice
            .get()
            .and_then(|(message, path)| (path == pathname.get()).then_some(message));
        message.map(|message| {
            view! {
                <div class="notice" id="notice">
                    <span>{message}</span>
                    <button type="button" class="link" aria-label="关闭提示"
                        on:click=move |_| notice.set(None)>"×"</button>
                </div>
            }
        })
    };
    view! { <div role="status" aria-live="polite" id="notices">{shown}</div> }
}

#[cfg(test)]
mod tests {
    use super::apply_no_link;

    #[test]
    fn apply_numbers_lead_to_their_list() {
        assert_eq!(
            apply_no_link("W20261202000000007").as_deref(),
            Some("/warehouse?apply_no=W20261202000000007")
        );
        assert_eq!(
            apply_no_link("E20261202000000001").as_deref(),
            Some("/enterprise?apply_no=E20261202000000001")
        );
        for other in [
            "W2026120200000000",
            "X20261202000000007",
            "W2026120200000000A",
            "W",
        ] {
            assert_eq!(apply_no_link(other), None, "{other}");
        }
    }
}
