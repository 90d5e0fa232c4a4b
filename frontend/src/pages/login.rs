//! 登录: IC卡号 + password, then back to the page the user asked for. The cursor starts in
//! IC卡号, a blank field is named under itself, and the lockout rule is stated before it bites.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use owf_shared::api::{lockout_rule, LoginRequest};
use owf_shared::validate::FieldErrors;

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
    let field_errors = RwSignal::new(FieldErrors::new());
    let pending = RwSignal::new(false);
    let card_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = card_input.get() {
            let _ = input.focus();
        }
    });
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
        let request = LoginRequest {
            card_no: card_no.get_untracked(),
            password: password.get_untracked(),
        };
        error.set(None);
        field_errors.set(request.validate());
        if !field_errors.read_untracked().is_empty() {
            return;
        }
        pending.set(true);
        leptos::task::spawn_local(async move {
            match api::login(&request).await {
                Ok(session) => auth.signed_in(session),
                Err(failure) => {
                    password.set(String::new());
                    if failure.error.fields.is_empty() {
                        error.set(Some(failure.message().to_owned()));
                    } else {
                        field_errors.set(failure.error.fields.clone());
                    }
                }
            }
            pending.set(false);
        });
    };

    let field_error = move |key: &str| field_errors.with(|errors| errors.get(key).cloned());

    // First render for `make bench`: the form is mounted.
    crate::components::bench_mark("owf-login-ready");
    view! {
        <div class="login-page">
            <form class="login-card" on:submit=submit novalidate=true>
                <h1>"海外仓备案"</h1>
                <p class="subtitle">"跨境电商出口海外仓备案 · 请使用IC卡号登录"</p>
                {move || auth.expired.get().then(|| view! {
                    <p id="expired-notice" class="notice warn" role="alert">
                        "登录已超时，请重新登录，未保存的内容已保留"
                    </p>
                })}
                <label for="card_no">"IC卡号"</label>
                <input id="card_no" name="card_no" autocomplete="username" maxlength="13"
                    node_ref=card_input
                    aria-invalid=move || field_error("card_no").is_some().to_string()
                    aria-describedby="card_no-error"
                    prop:value=move || card_no.get()
                    on:input=move |ev| card_no.set(event_target_value(&ev)) />
                {move || field_error("card_no").map(|message| view! {
                    <p id="card_no-error" class="field-error" role="alert">{message}</p>
                })}
                <label for="password">"密码"</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    aria-invalid=move || field_error("password").is_some().to_string()
                    aria-describedby="password-error"
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                {move || field_error("password").map(|message| view! {
                    <p id="password-error" class="field-error" role="alert">{message}</p>
                })}
                {move || error.get().map(|message| view! {
                    <p id="login-error" class="form-error" role="alert">{message}</p>
                })}
                <p id="lockout-rule" class="hint">{lockout_rule()}</p>
                <button type="submit" id="login-submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "正在登录…" } else { "登录" }}
                </button>
            </form>
        </div>
    }
}
