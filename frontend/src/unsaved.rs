//! Unsaved work kept in the browser (`localStorage`) per user and screen, so that neither an
//! ended login nor a closed tab loses what was typed. Only the same user (IC卡号) gets it back.

use serde::de::DeserializeOwned;

/// The place of one user's unsaved work on one screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsaved {
    key: String,
}

impl Unsaved {
    /// The unsaved work of the user with IC卡号 `card_no` on the screen at `path` (e.g.
    /// `/warehouse/7`, `/enterprise/new`).
    pub fn of(card_no: &str, path: &str) -> Self {
        Self {
            key: format!("owf.unsaved.{card_no}.{path}"),
        }
    }

    /// Keeps the `json` of the work, over what was kept before.
    pub fn keep(&self, json: &str) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(&self.key, json);
        }
    }

    /// The kept work, if any (and readable as a `T`).
    pub fn kept<T: DeserializeOwned>(&self) -> Option<T> {
        let json = storage()?.get_item(&self.key).ok()??;
        crate::json::from_str(&json).ok()
    }

    pub fn forget(&self) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&self.key);
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
