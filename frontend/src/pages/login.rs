//! 登录: IC卡号 + password, then back to the page the user asked for.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use owf_shared::api::LoginRequest;

use crate::api;
use crate::auth::{safe_next, use_auth};

#[component]
pub fn Login() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    let card_no = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let next = move || safe_next(query.read_untracked().get("next"));

    // Already logged in (e.g. the back button): go straight on.
    let go_on = navigate.clone();
    Effect::new(move |_| {
        if auth.session.read().is_some() {
            go_on(&next(), Default::default());
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if card_no.get_untracked().trim().is_empty() || password.get_untracked().is_empty() {
            error.set(Some("请输入IC卡号和密码".into()));
            return;
        }
        pending.set(true);
        error.set(None);
        let request = LoginRequest {
            card_no: card_no.get_untracked(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::login(&request).await {
                Ok(session) => auth.session.set(Some(session)),
                Err(failure) => {
                    password.set(String::new());
                    error.set(Some(failure.message().to_owned()));
                }
            }
            pending.set(false);
        });
    };

    // First render for `make bench`: the form is mounted.
    crate::components::bench_mark("owf-login-ready");
    view! {
        <div class="login-page">
            <form class="login-card" on:submit=submit novalidate=true>
                <h1>"海外仓备案"</h1>
                <p class="subtitle">"跨境电商出口海外仓备案 · 请使用IC卡号登录"</p>
                <label for="card_no">"IC卡号"</label>
                <input id="card_no" name="card_no" autocomplete="username" maxlength="13"
                    prop:value=move || card_no.get()
                    on:input=move |ev| card_no.set(event_target_value(&ev)) />
                <label for="password">"密码"</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                {move || error.get().map(|message| view! {
                    <p id="login-error" class="form-error" role="alert">{message}</p>
                })}
                <button type="submit" id="login-submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "正在登录…" } else { "登录" }}
                </button>
            </form>
        </div>
    }
}
