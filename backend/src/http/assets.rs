//! The built frontend in `dist` and how it travels: every file the build compressed
//! (`NAME.br`, `NAME.gz`, written by `scripts/precompress.mjs`, trunk's post-build hook) goes out
//! in the best encoding the browser accepts; files whose name or folder carries the build's content
//! hash are cached for a year, everything else — `index.html`, `config.json`, the SPA fallback — is
//! revalidated on each visit (a `304` when unchanged). The JSON answers of the API are
//! compressed as they are sent.

use std::path::Path;

use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Version};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::http::error::AppError;

/// A year: what a hashed file is cached for (its name changes with its content).
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// Kept, but asked for again (conditionally) on every use.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// Not kept: a missing file may be there at the next try.
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
/// JSON answers smaller than this are sent as they are (the headers would outweigh the gain).
const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// The frontend: files of `dist`, and `index.html` for every other path (the app's routes) but
/// a missing hashed one, which is a 404: a page of an older build asking for a module the build
/// now served no longer has must fail, not receive `index.html` as its module.
pub fn frontend(dist: &Path) -> Router {
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let fallback = move |request: Request| {
        let index = index.clone();
        async move {
            if is_hashed(request.uri().path()) {
                let mut missing = AppError::NotFound.into_response();
                missing.headers_mut().insert(CACHE_CONTROL, NO_STORE);
                return missing;
            }
            let mut response = index.oneshot(request).await.into_response();
            response.headers_mut().insert(CACHE_CONTROL, REVALIDATE);
            response
        }
    };
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(fallback.into_service());
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

/// `Cache-Control` by file name (unless the fallback set it), and `Vary: Accept-Encoding`, since
/// one path answers in several encodings.
async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.append(VARY, HeaderValue::from_static("accept-encoding"));
    if !headers.contains_key(CACHE_CONTROL) {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        headers.insert(CACHE_CONTROL, policy);
    }
    response
}

/// Whether `path` carries a content hash, `-` and 16 lowercase hex digits: trunk's, in the file's
/// name before the extension or `_bg` (`owf-frontend-c01efca5dab9bd40_bg.wasm`,
/// `main-3b9159eb2cda4997.css`), or the split build's, at the end of a folder's name
/// (`owf-frontend-c01efca5dab9bd40/chunk_9.wasm`, written by `scripts/split.mjs`).
fn is_hashed(path: &str) -> bool {
    let mut segments = path.rsplit('/');
    let name = segments.next().unwrap_or_default();
    ends_in_hash(name, |after| matches!(after, Some(b'.' | b'_')))
        || segments.any(|folder| ends_in_hash(folder, |after| after.is_none()))
}

/// Whether `segment` has `-` and 16 lowercase hex digits followed by what `then` accepts.
fn ends_in_hash(segment: &str, then: impl Fn(Option<&u8>) -> bool) -> bool {
    segment.match_indices('-').any(|(at, _)| {
        let rest = &segment[at + 1..];
        let digits = rest
            .bytes()
            .take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        digits.count() == 16 && then(rest.as_bytes().get(16))
    })
}

/// Compression of the API's JSON answers above [`COMPRESS_ABOVE_BYTES`] (brotli or gzip, as the
/// client accepts); downloads of proof documents (PDF, images) are sent as stored.
pub fn compress_json() -> CompressionLayer<impl Predicate> {
    let json = |_: StatusCode, _: Version, headers: &HeaderMap, _: &axum::http::Extensions| {
        headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    };
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(SizeAbove::new(COMPRESS_ABOVE_BYTES).and(json))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn hashed_names_are_the_builds_outputs() {
        assert!(is_hashed("/owf-frontend-c01efca5dab9bd40_bg.wasm"));
        assert!(is_hashed("/owf-frontend-c01efca5dab9bd40.js"));
        assert!(is_hashed("/main-3b9159eb2cda4997.css"));
        assert!(is_hashed("/owf-frontend-c01efca5dab9bd40/chunk_9.wasm"));
        assert!(is_hashed("/owf-frontend-c01efca5dab9bd40/__wasm_split.js"));
        assert!(
            !is_hashed("/owf-frontend-c01efca5dab9bd4/chunk_9.wasm"),
            "15 digits"
        );
        assert!(
            !is_hashed("/owf-frontend-c01efca5dab9bd40x/chunk_9.wasm"),
            "more after the hash"
        );
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/registrations/12"));
        assert!(!is_hashed("/main-3b9159eb2cda499.css"), "15 digits");
        assert!(!is_hashed("/main-3B9159EB2CDA4997.css"), "upper case");
        assert!(
            !is_hashed("/main-3b9159eb2cda4997"),
            "nothing after the hash"
        );
    }
}
