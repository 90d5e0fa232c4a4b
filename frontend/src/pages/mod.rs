//! The screens of the manual, each built from the components.

pub mod booking;
pub mod login;
pub mod query;
pub mod registration;
pub mod registration_form;
pub mod warehouse;
pub mod warehouse_form;
