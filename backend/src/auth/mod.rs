//! Passwords and session tokens: argon2id hashing, the bound on checks running at once, the
//! per-client limit on login attempts, and the random session tokens with their cookie. The
//! logged-in user of a request is the HTTP layer's (`http::CurrentUser`).

pub mod password;
pub mod password_checks;
pub mod rate_limit;
pub mod session;
