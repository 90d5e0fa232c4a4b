//! The customs master data (国别(地区), 关区, 监管方式, 币制, 计量单位) in the browser. It is not part of the app's
//! first download: `/api/codes` (a cacheable asset the server builds from the same files it
//! validates with) is fetched when the first screen after login is shown, beside that screen's
//! module and data, and every screen shares the copy.

use std::cell::RefCell;
use std::sync::Arc;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use owf_shared::codes::{Code, CodeTables, TableKind};

use crate::api::{self, Failure};

type Loading = Shared<LocalBoxFuture<'static, Result<Arc<CodeTables>, Failure>>>;

thread_local! {
    /// The tables once loaded; a signal, so codes shown before they arrive get their names.
    /// Reference-counted rather than arena-allocated: it must outlive whichever component
    /// happens to touch it first.
    static LOADED: ArcRwSignal<Option<Arc<CodeTables>>> = ArcRwSignal::new(None);
    /// The one request under way, which every caller meanwhile waits for.
    static IN_FLIGHT: RefCell<Option<Loading>> = const { RefCell::new(None) };
}

/// The tables, fetched on first use; callers that ask while they are on their way wait for the
/// same request. A failed request is not kept: the next call asks again.
pub async fn tables() -> Result<Arc<CodeTables>, Failure> {
    if let Some(tables) = LOADED.with(|loaded| loaded.get_untracked()) {
        return Ok(tables);
    }
    let loading = IN_FLIGHT.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let loaded = api::code_tables().await.map(Arc::new);
                    IN_FLIGHT.with(|slot| slot.borrow_mut().take());
                    if let Ok(tables) = &loaded {
                        LOADED.with(|l| l.set(Some(tables.clone())));
                    }
                    loaded
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    loading.await
}

/// The tables if loaded (reactive).
pub fn loaded() -> Option<Arc<CodeTables>> {
    LOADED.with(|loaded| loaded.get())
}

/// A code of a closed table with its name, e.g. `502 美国`; an unknown code as it is.
pub fn coded<C: Code>(code: &str) -> String {
    C::from_code(code).map_or_else(
        || code.to_owned(),
        |row| format!("{} {}", row.code(), row.label()),
    )
}

/// A code with its name, e.g. `5304 蛇口海关`; the code alone until the tables are loaded or
/// when the table does not hold it. Reactive: re-read once the tables arrive.
pub fn display(kind: TableKind, code: &str) -> String {
    loaded().map_or_else(
        || code.to_owned(),
        |tables| tables.table(kind).display(code),
    )
}
