//! The warning before the login ends: "登录将于 HH:MM 超时" with 延长登录, shown for the last
//! [`WARN_MINUTES`] minutes. When the time has come, the server is asked who is logged in, and
//! the ended session leads to the login as any request would (the form being edited is kept).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Failure};
use crate::auth::use_auth;
use crate::components::feedback::ErrorBanner;

/// How long before the end the warning shows.
const WARN_MINUTES: f64 = 5.0;
/// How often the clock is read.
const TICK: Duration = Duration::from_secs(10);

#[component]
pub fn SessionWarning() -> impl IntoView {
    let auth = use_auth();
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(tick) = set_interval_with_handle(move || now.set(js_sys::Date::now()), TICK) {
        on_cleanup(move || tick.clear());
    }
    let ends = move || auth.expires_at.get().map(|ms| ms as f64);
    Effect::new(move |_| {
        if ends().is_some_and(|ends| now.get() >= ends) {
            spawn_local(async {
                let _ = api::whoami().await;
            });
        }
    });
    let extending = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);
    let extend = move |_| {
        extending.set(true);
        spawn_local(async move {
            match api::extend_session().await {
                Ok(session) => {
                    failure.set(None);
                    auth.expires_at.set(Some(session.expires_at));
                }
                Err(f) => failure.set(Some(f)),
            }
            extending.set(false);
        });
    };
    move || {
        let ends = ends()?;
        (ends - now.get() <= WARN_MINUTES * 60_000.0).then(|| {
            view! {
                <div class="notice warn" role="alert" id="session-warning">
                    <span>{format!("登录将于 {} 超时", clock_time(ends))}</span>
                    <button type="button" id="btn-extend" disabled=move || extending.get()
                        on:click=extend>"延长登录"</button>
                </div>
                {move || failure.get().map(|failure| view! { <ErrorBanner failure /> })}
            }
        })
    }
}

/// `HH:MM` of the moment `ms` in the browser's time zone.
fn clock_time(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
