//! The application: routes of the manual's screens inside the logged-in layout.

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Redirect, Route, Router};
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
    // Flat routes, each screen wrapped in the layout, rather than the layout as a parent route:
    // nested routing makes the WebAssembly module about 40 KB larger (17 KB gzip).
    view! {
        <Router>
            <FlatRoutes fallback=|| view! { <p class="not-found">"页面不存在"</p> }>
                <Route path=path!("/login") view=Login />
                <Route path=path!("/") view=|| view! { <Shell><Redirect path="/query" /></Shell> } />
                <Route path=path!("/query") view=|| view! { <Shell><FilingQuery /></Shell> } />
                <Route path=path!("/enterprise/new") view=|| view! { <Shell><RegistrationEntry /></Shell> } />
                <Route path=path!("/enterprise/:id") view=|| view! { <Shell><RegistrationDetail /></Shell> } />
                <Route path=path!("/enterprise") view=|| view! { <Shell><RegistrationList /></Shell> } />
                <Route path=path!("/warehouse/new") view=|| view! { <Shell><WarehouseEntry /></Shell> } />
                <Route path=path!("/warehouse/:id") view=|| view! { <Shell><WarehouseDetail /></Shell> } />
                <Route path=path!("/warehouse") view=|| view! { <Shell><WarehouseList /></Shell> } />
            </FlatRoutes>
        </Router>
    }
}
