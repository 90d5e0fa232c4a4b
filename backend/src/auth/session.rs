//! Session tokens: random, sent once in an HttpOnly SameSite=Strict cookie, stored only as a
//! SHA-256 hash so a database leak does not leak live sessions.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "owf_session";

/// A cookie scripts may read, beside the session's, which they cannot: that this browser holds a
/// login. `index.html`'s start-up then fetches the screens after login beside the first module
/// rather than after it. It carries nothing secret; stale, it costs one module fetched in vain.
pub const SIGNED_IN_HINT: &str = "owf_signed_in";

/// A new random token (hex of 32 bytes).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the database stores for a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Set-Cookie` value that hands `token` to the browser for `max_age_secs`; `secure` adds
/// the `Secure` attribute (HTTPS deployments).
pub fn set_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        secure_attribute(secure)
    ))
    .expect("hex token is a valid header value")
}

/// The `Set-Cookie` value of [`SIGNED_IN_HINT`] for a login of `max_age_secs`.
pub fn hint_cookie(max_age_secs: i64, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SIGNED_IN_HINT}=1; Path=/; SameSite=Strict; Max-Age={max_age_secs}{}",
        secure_attribute(secure)
    ))
    .expect("a valid header value")
}

/// The `Set-Cookie` values that remove the session cookie and its hint.
pub fn clear_cookies(secure: bool) -> [(HeaderName, HeaderValue); 2] {
    [
        (SET_COOKIE, set_cookie("", 0, secure)),
        (SET_COOKIE, hint_cookie(0, secure)),
    ]
}

fn secure_attribute(secure: bool) -> &'static str {
    if secure {
        "; Secure"
    } else {
        ""
    }
}

/// The session token sent by the browser, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn secure_cookies_carry_the_secure_attribute() {
        let plain = set_cookie("abc", 60, false);
        assert_eq!(
            plain,
            "owf_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60"
        );
        assert!(set_cookie("abc", 60, true)
            .to_str()
            .unwrap()
            .ends_with("; Max-Age=60; Secure"));
        let [(_, cleared), (_, hint)] = clear_cookies(true);
        assert_eq!(
            cleared,
            "owf_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        );
        assert_eq!(
            hint,
            "owf_signed_in=1; Path=/; SameSite=Strict; Max-Age=0; Secure"
        );
        assert_eq!(
            hint_cookie(60, false),
            "owf_signed_in=1; Path=/; SameSite=Strict; Max-Age=60"
        );
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        let req = axum::http::Request::builder()
            .header(COOKIE, "a=1; owf_session=abc; b=2")
            .body(())
            .unwrap();
        assert_eq!(token_from(req.headers()).as_deref(), Some("abc"));
    }
}
