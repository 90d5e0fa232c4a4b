//! The application: routes of the manual's screens inside the logged-in layout. The screens after
//! login come from modules of their own (`screens`).

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Redirect, Route, Router};
use leptos_router::path;

use owf_shared::api::ListQuery;
use owf_shared::booking::api::BookingQuery;

use crate::api::BOOKING_ORDERS;
use crate::auth::Auth;
use crate::components::dialog::Confirmer;
use crate::components::feedback::Notice;
use crate::components::layout::Shell;
use crate::filing::{Filing, Registration, Warehouse};
use crate::pages::login::Login;
use crate::screens::{self, load, load_list};

#[component]
pub fn App() -> impl IntoView {
    Auth::provide();
    Confirmer::provide();
    Notice::provide();
    Effect::new(|_| screens::fetch_ahead_when_idle());
    // Flat routes, each screen wrapped in the layout, rather than the layout as a parent route:
    // nested routing makes the WebAssembly module about 40 KB larger (17 KB gzip).
    view! {
        <Router>
            <FlatRoutes fallback=|| view! { <p class="not-found">"页面不存在"</p> }>
                <Route path=path!("/login") view=Login />
                <Route path=path!("/") view=screen(|| view! { <Redirect path="/query" /> }.into_any()) />
                <Route path=path!("/query") view=screen(|| load_list::<ListQuery, _>("/filings", screens::query)) />
                <Route path=path!("/enterprise/new") view=screen(|| load(screens::registration_entry)) />
                <Route path=path!("/enterprise/:id") view=screen(|| load(screens::registration_detail)) />
                <Route path=path!("/enterprise") view=screen(|| load_list::<ListQuery, _>(Registration::API, screens::registration_list)) />
                <Route path=path!("/warehouse/new") view=screen(|| load(screens::warehouse_entry)) />
                <Route path=path!("/warehouse/:id") view=screen(|| load(screens::warehouse_detail)) />
                <Route path=path!("/warehouse") view=screen(|| load_list::<ListQuery, _>(Warehouse::API, screens::warehouse_list)) />
                <Route path=path!("/booking/new") view=screen(|| load(screens::booking_entry)) />
                <Route path=path!("/booking/:id") view=screen(|| load(screens::booking_detail)) />
                <Route path=path!("/booking") view=screen(|| load_list::<BookingQuery, _>(BOOKING_ORDERS, screens::booking_list)) />
            </FlatRoutes>
        </Router>
    }
}

/// The view of a logged-in screen: `page` inside the layout. Every such route has this one view
/// type, so the router's code for it exists once.
fn screen(page: fn() -> AnyView) -> impl Fn() -> AnyView + Clone + Send + 'static {
    move || view! { <Shell page /> }.into_any()
}
