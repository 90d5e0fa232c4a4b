//! What both test binaries use — `api` (in-process) and `processes` (the `owf` executable as a
//! child process) — included by each with `#[path]`: temporary folders, waiting for a condition,
//! and declarations written straight through the store.

pub mod declared;
pub mod temp_dir;
pub mod wait;
