//! The application: routes of the manual's screens inside the logged-in layout.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::auth::Auth;
use crate::components::layout::Shell;
use crate::pages::{login::Login, screens};

#[component]
pub fn App() -> impl IntoView {
    Auth::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"页面不存在"</p> }>
                <Route path=path!("/login") view=Login />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("/") view=|| view! { <Redirect path="/query" /> } />
                    <Route path=path!("/query") view=screens::FilingQuery />
                    <Route path=path!("/enterprise/new") view=screens::RegistrationEntry />
                    <Route path=path!("/enterprise") view=screens::RegistrationList />
                    <Route path=path!("/warehouse/new") view=screens::WarehouseEntry />
                    <Route path=path!("/warehouse") view=screens::WarehouseList />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
