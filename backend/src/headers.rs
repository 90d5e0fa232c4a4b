//! Security headers of every response, of the app and of the customs sandbox alike. The app's
//! Content-Security-Policy allows its own files, WebAssembly compilation, and exactly the inline
//! start-up script trunk writes into `index.html` (by its SHA-256), nothing else inline.

use std::path::Path;

use axum::http::{header, HeaderName, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// `'sha256-…'` sources of the inline `<script>` blocks of `html`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        let script = &body[..close];
        if !after[..open_end].contains(" src=") {
            let digest = Sha256::digest(script.as_bytes());
            let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{encoded}'"));
        }
        rest = &body[close..];
    }
    hashes
}

/// The policy for the frontend in `dist`.
pub fn content_security_policy(dist: &Path) -> String {
    let html = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let scripts = inline_script_hashes(&html).join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         frame-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Layers that add the security headers of the app serving `dist` (only where a handler did not
/// set them).
pub fn layers(dist: &Path) -> [SetResponseHeaderLayer<HeaderValue>; 3] {
    let csp = HeaderValue::from_str(&content_security_policy(dist))
        .expect("policy is a valid header value");
    with_policy(csp)
}

/// The security headers of a JSON-only service (the customs sandbox): its answers load nothing
/// and are framed nowhere.
pub fn api_layers() -> [SetResponseHeaderLayer<HeaderValue>; 3] {
    with_policy(HeaderValue::from_static(
        "default-src 'none'; frame-ancestors 'none'",
    ))
}

fn with_policy(csp: HeaderValue) -> [SetResponseHeaderLayer<HeaderValue>; 3] {
    let set =
        |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::if_not_present(name, value);
    [
        set(header::CONTENT_SECURITY_POLICY, csp),
        set(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        set(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
    ]
}

/// `Strict-Transport-Security` when the app is served over HTTPS (`--secure-cookies`): browsers
/// then reach this host only over HTTPS for a year. Without HTTPS the layer adds nothing.
pub fn hsts(https: bool) -> SetResponseHeaderLayer<Option<HeaderValue>> {
    SetResponseHeaderLayer::overriding(
        header::STRICT_TRANSPORT_SECURITY,
        https.then(|| HeaderValue::from_static("max-age=31536000")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_only() {
        let html = "<script type=\"module\">alert(1)</script><script src=\"/a.js\"></script>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"alert(1)"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
    }

    #[test]
    fn policy_without_a_build_allows_no_inline_script() {
        let csp = content_security_policy(Path::new("/nonexistent"));
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' ;"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
