//! The customs master data (国别(地区), 关区, 监管方式, 币制, 计量单位) in the browser. It is not part of the app's
//! first download: the first form, detail or query that needs it fetches `/api/codes` (a cacheable
//! asset the server builds from the same files it validates with), and every screen after that
//! shares the copy.

use std::sync::Arc;

use leptos::prelude::*;
use owf_shared::codes::{Code, CodeTables, TableKind};

use crate::api::{self, Failure};

thread_local! {
    /// The tables once loaded; a signal, so codes shown before they arrive get their names.
    /// Reference-counted rather than arena-allocated: it must outlive whichever component
    /// happens to touch it first.
    static LOADED: ArcRwSignal<Option<Arc<CodeTables>>> = ArcRwSignal::new(None);
}

/// The tables, fetched on first use.
pub async fn tables() -> Result<Arc<CodeTables>, Failure> {
    if let Some(tables) = LOADED.with(|loaded| loaded.get_untracked()) {
        return Ok(tables);
    }
    let tables = Arc::new(api::code_tables().await?);
    LOADED.with(|loaded| loaded.set(Some(tables.clone())));
    Ok(tables)
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
