//! Login with IC卡号 + password, server-side sessions, and the logged-in user of a request.

pub mod password;
pub mod password_checks;
pub mod rate_limit;
pub mod session;

pub use session::CurrentUser;
