//! The application: routes of the manual's screens inside the logged-in layout.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::auth::Auth;
use crate::components::dialog::Confirmer;
use crate::components::feedback::Notice;
use crate::components::layout::Shell;
use crate::pages::login::Login;
use crate::pages::query::FilingQuery;
use crate::pages::registration::{RegistrationDetail, RegistrationEntry, RegistrationList};
use crate::pages::warehouse::{WarehouseDetail, WarehouseEntry, WarehouseList};

#[component]
pub fn App() -> impl IntoView {
    Auth::provide();
    Confirmer::provide();
    Notice::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"页面不存在"</p> }>
                <Route path=path!("/login") view=Login />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("/") view=|| view! { <Redirect path="/query" /> } />
                    <Route path=path!("/query") view=FilingQuery />
                    <Route path=path!("/enterprise/new") view=RegistrationEntry />
                    <Route path=path!("/enterprise/:id") view=RegistrationDetail />
                    <Route path=path!("/enterprise") view=RegistrationList />
                    <Route path=path!("/warehouse/new") view=WarehouseEntry />
                    <Route path=path!("/warehouse/:id") view=WarehouseDetail />
                    <Route path=path!("/warehouse") view=WarehouseList />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
