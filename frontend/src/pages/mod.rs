pub mod login;
pub mod query;
pub mod registration;
pub mod registration_form;
pub mod warehouse;
pub mod warehouse_form;

use owf_shared::codes::Code;

/// A code with its name, e.g. `502 美国`; an unknown code as it is.
pub fn coded<C: Code>(code: &str) -> String {
    C::from_code(code).map_or_else(
        || code.to_owned(),
        |row| format!("{} {}", row.code(), row.label()),
    )
}
