pub mod login;
pub mod screens;
