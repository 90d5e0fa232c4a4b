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

#[component]
pub fn NoticeBar() -> impl IntoView {
    let notice = expect_context::<Notice>().0;
    let pathname = use_location().pathname;
    move || {
        let message = notice
            .get()
            .and_then(|(message, path)| (path == pathname.get()).then_some(message));
        message.map(|message| {
            view! {
                <div class="notice" role="status" id="notice">
                    <span>{message}</span>
                    <button type="button" class="link" aria-label="关闭提示"
                        on:click=move |_| notice.set(None)>"×"</button>
                </div>
            }
        })
    }
}
