//! Who is logged in, shared by every view through the Leptos context.

use leptos::prelude::*;
use owf_shared::api::SessionInfo;

#[derive(Clone, Copy)]
pub struct Auth {
    /// The logged-in user and enterprise; `None` when logged out.
    pub session: RwSignal<Option<SessionInfo>>,
    /// Whether the initial "who am I" check has answered.
    pub checked: RwSignal<bool>,
}

impl Auth {
    /// Creates the context and asks the server whether the browser already has a session.
    pub fn provide() {
        let auth = Self {
            session: RwSignal::new(None),
            checked: RwSignal::new(false),
        };
        provide_context(auth);
        // A session that ends (expiry, logout elsewhere) sends the user to the login, which
        // returns to the same screen afterwards (see the layout).
        crate::api::on_unauthenticated(move || auth.session.set(None));
        leptos::task::spawn_local(async move {
            auth.session.set(crate::api::whoami().await.ok());
            auth.checked.set(true);
        });
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// A `next` target after login: only paths of this app, never another site.
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/query".to_owned())
}

/// The login URL that returns to `target` afterwards.
pub fn login_url(target: &str) -> String {
    if target == "/" || target.starts_with("/login") {
        return "/login".to_owned();
    }
    let encoded: String = js_sys::encode_uri_component(target).into();
    format!("/login?next={encoded}")
}
