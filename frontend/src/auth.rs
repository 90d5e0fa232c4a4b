//! Who is logged in, shared by every view through the Leptos context.

use leptos::prelude::*;
use owf_shared::api::SessionInfo;

#[derive(Clone, Copy)]
pub struct Auth {
    /// The logged-in user and enterprise; `None` when logged out.
    pub session: RwSignal<Option<SessionInfo>>,
    /// Whether the initial "who am I" check has answered.
    pub checked: RwSignal<bool>,
    /// When the login ends (Unix ms). Apart from `session`, so that 延长登录 moves it without
    /// drawing the screen anew.
    pub expires_at: RwSignal<Option<i64>>,
    /// Whether the last session ended under the user (rather than by 退出 or never begun).
    pub expired: RwSignal<bool>,
}

impl Auth {
    /// Creates the context and asks the server whether the browser already has a session.
    pub fn provide() {
        let auth = Self {
            session: RwSignal::new(None),
            checked: RwSignal::new(false),
            expires_at: RwSignal::new(None),
            expired: RwSignal::new(false),
        };
        provide_context(auth);
        // A session that ends (expiry, logout elsewhere) sends the user to the login, which
        // says so and returns to the same screen afterwards (see the layout).
        crate::api::on_unauthenticated(move || {
            if auth.session.read_untracked().is_some() {
                auth.expired.set(true);
            }
            auth.session.set(None);
        });
        leptos::task::spawn_local(async move {
            if let Ok(session) = crate::api::whoami().await {
                auth.signed_in(session);
            }
            auth.checked.set(true);
        });
    }

    /// The server answered with the logged-in `session`.
    pub fn signed_in(self, session: SessionInfo) {
        self.expires_at.set(Some(session.expires_at));
        self.expired.set(false);
        self.session.set(Some(session));
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The login of a screen inside the logged-in layout, which shows its screen only with one.
pub fn logged_in() -> SessionInfo {
    use_auth()
        .session
        .get_untracked()
        .expect("inside the logged-in layout")
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
