//! Views that need the customs master data, shown once the tables are loaded.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use owf_shared::codes::CodeTables;

use crate::api::Failure;
use crate::codes;
use crate::components::feedback::{ErrorBanner, Loading};

/// What `body` makes of the tables once they are loaded: a loading note until then, or why they
/// could not be loaded. `body` runs once, untracked.
pub fn with_tables(body: Box<dyn Fn(Arc<CodeTables>) -> AnyView + Send>) -> impl IntoView {
    let failure = RwSignal::new(None::<Failure>);
    spawn_local(async move {
        if let Err(f) = codes::tables().await {
            failure.set(Some(f));
        }
    });
    move || match (codes::loaded(), failure.get()) {
        (_, Some(failure)) => view! { <ErrorBanner failure /> }.into_any(),
        (Some(tables), None) => untrack(|| body(tables)),
        (None, None) => view! { <Loading /> }.into_any(),
    }
}
