//! The API tests: the real router, store and relay in this process, on SQLite and on PostgreSQL
//! (`helpers::both_databases`), one module per behaviour area. The tests that run the `owf`
//! executable itself are the `processes` binary.

#[path = "../common/mod.rs"]
mod common;

mod customs;
mod helpers;
mod setup;
mod user;

mod amendments;
mod assets;
mod attachments;
mod booking_orders;
mod booking_relay;
mod bounded;
mod demo;
mod errors;
mod isolation;
mod queries;
mod receipts;
mod registrations;
mod relay;
mod routes;
mod schema;
mod session;
mod signing_keys;
mod warehouses;
mod write_faults;
