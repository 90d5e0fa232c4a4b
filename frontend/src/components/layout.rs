//! The logged-in layout: header (product, enterprise, 退出), the manual's left menu, work area.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::auth::{login_url, use_auth};
use crate::components::dialog::ConfirmDialog;
use crate::components::feedback::{BusyBar, Loading, NoticeBar};
use crate::components::session_warning::SessionWarning;

/// The five screens of the manual, in its order, then the 订仓单's two (issue 19).
pub const MENU: [(&str, &str); 7] = [
    ("/query", "海外仓备案查询"),
    ("/enterprise/new", "海外仓企业登记录入"),
    ("/enterprise", "海外仓企业登记申报"),
    ("/warehouse/new", "海外仓资料信息报送"),
    ("/warehouse", "海外仓资料信息查询"),
    ("/booking/new", "海外仓订仓单录入"),
    ("/booking", "海外仓订仓单查询"),
];

/// The menu entry of the screen at `path`: the entry itself, or for a record's detail
/// (`/enterprise/123`) the list it belongs to (`/enterprise`).
fn section(path: &str) -> Option<&'static str> {
    let entry = |path: &str| {
        MENU.iter()
            .map(|&(href, _)| href)
            .find(|&href| href == path)
    };
    entry(path).or_else(|| entry(path.rsplit_once('/')?.0))
}

#[component]
pub fn Shell(
    /// The screen in the work area.
    page: fn() -> AnyView,
) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    move || {
        if !auth.checked.get() {
            return view! { <Loading /> }.into_any();
        }
        match auth.session.get() {
            Some(session) => {
                let enterprise = session.enterprise;
                view! {
                    <BusyBar />
                    <header class="app-header">
                        <span class="product">"海外仓备案"</span>
                        <span class="enterprise" id="enterprise-name">{enterprise.name}</span>
                        <span class="customs-code">"海关编码 " {enterprise.customs_code}</span>
                        <span class="user">{session.user_name}</span>
                        <LogoutButton />
                    </header>
                    <div class="app-body">
                        <nav class="app-menu" aria-label="功能菜单">
                            // Plain links, which the router follows; the current screen's
                            // section is marked, a record's detail under its list.
                            <ul>
                                {MENU
                                    .into_iter()
                                    .map(|(href, label)| {
                                        let current = move || {
                                            location
                                                .pathname
                                                .with(|p| section(p) == Some(href))
                                                .then_some("page")
                                        };
                                        view! { <li><a href=href aria-current=current>{label}</a></li> }
                                    })
                                    .collect_view()}
                            </ul>
                        </nav>
                        <main class="work-area">
                            <SessionWarning />
                            <NoticeBar />
                            {page()}
                        </main>
                    </div>
                    <ConfirmDialog />
                }
                .into_any()
            }
            None => {
                let search = location.search.get_untracked();
                let target = if search.is_empty() {
                    location.pathname.get_untracked()
                } else {
                    format!("{}?{search}", location.pathname.get_untracked())
                };
                view! { <Redirect path=login_url(&target) /> }.into_any()
            }
        }
    }
}

#[component]
fn LogoutButton() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let pending = RwSignal::new(false);
    let logout = move |_| {
        pending.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            // Even if the server cannot be reached the browser forgets the session.
            let _ = api::logout().await;
            navigate("/login", Default::default());
            auth.session.set(None);
        });
    };
    view! {
        <button type="button" class="logout" id="logout" on:click=logout disabled=move || pending.get()>
            "退出"
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::section;

    #[test]
    fn a_detail_is_in_the_section_of_its_list() {
        assert_eq!(section("/enterprise/123"), Some("/enterprise"));
        assert_eq!(section("/warehouse/7"), Some("/warehouse"));
        assert_eq!(section("/booking/9"), Some("/booking"));
        assert_eq!(section("/booking/new"), Some("/booking/new"));
        assert_eq!(section("/enterprise/new"), Some("/enterprise/new"));
        assert_eq!(section("/query"), Some("/query"));
        assert_eq!(section("/login"), None);
    }
}
