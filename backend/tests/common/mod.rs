//! What both test binaries use — `api` (in-process) and `processes` (the `owf` executable as a
//! child process) — included by each with `#[path]`: test databases, waiting for a condition,
//! and declarations written straight through the store.

pub mod database;
pub mod declared;
pub mod wait;
