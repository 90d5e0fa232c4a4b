//! The tests that run the `owf` executable as a child process: `owf serve` killed mid-relay and
//! started again, its listeners' timeouts and connection cap, its memory under parallel logins,
//! `owf customs-sandbox` given a message nested 100,000 deep, and the `owf admin` and key checks
//! of the command line.
//!
//! A binary of their own, apart from the in-process `api` tests: these measure a process — its
//! peak memory, timeouts of a second, a relay caught mid-stream by a kill — and cargo runs test
//! binaries one after another, so the load of the in-process tests does not distort them.

#[path = "../common/mod.rs"]
mod common;

mod child;

mod admin;
mod crash;
mod listener;
mod login_memory;
mod signing_keys;
