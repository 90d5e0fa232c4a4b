//! owf-shared: the one definition of the domain that the browser (wasm) and the
//! server (native) both use. Pure Rust + serde, no I/O.

pub mod api;
pub mod codes;
pub mod field;
pub mod form;
pub mod ids;
pub mod status;
pub mod text;
pub mod validate;
