//! How the frontend and the API's JSON travel: precompressed files in the encoding the browser
//! accepts, hashed files cached for a year (a missing one is a 404), `index.html` revalidated, JSON
//! compressed.

use std::io::Read;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Request, StatusCode};
use owf_backend::http::{router, AppState};

use crate::common::database::TempDir;
use crate::helpers::{self, TestApp};

const WASM: &str = "owf-frontend-0123456789abcdef_bg.wasm";

/// A `dist` as the build leaves it: each file, and for the compressible ones a `.br` and a `.gz`
/// copy (here with contents that tell which file was sent).
fn dist() -> TempDir {
    let dir = TempDir(std::env::temp_dir().join(format!("owf_dist_{}", rand::random::<u64>())));
    std::fs::create_dir_all(&dir.0).unwrap();
    for (name, body) in [
        ("index.html", "<!doctype html><title>owf</title>"),
        ("index.html.br", "brotli index"),
        ("index.html.gz", "gzip index"),
        (WASM, "raw wasm"),
        (&format!("{WASM}.br"), "brotli wasm"),
        (&format!("{WASM}.gz"), "gzip wasm"),
        ("config.json", "{\"api_base\":\"\"}"),
    ] {
        std::fs::write(dir.0.join(name), body).unwrap();
    }
    dir
}

async fn get(
    app: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Bytes) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (
        status,
        headers,
        response.into_body().collect().await.unwrap().to_bytes(),
    )
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn the_frontend_goes_out_precompressed_and_hashed_files_are_cached_for_a_year() {
    let store = helpers::sqlite().await.store;
    let dist = dist();
    let app = router(AppState::new(store, TestApp::config()), &dist.0);

    let (status, headers, body) = get(
        &app,
        &format!("/{WASM}"),
        &[("accept-encoding", "gzip, deflate, br")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], b"brotli wasm");
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "br");
    assert_eq!(header(&headers, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(
        header(&headers, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&headers, header::VARY), "accept-encoding");

    let (_, headers, body) = get(&app, &format!("/{WASM}"), &[("accept-encoding", "gzip")]).await;
    assert_eq!(
        (&body[..], header(&headers, header::CONTENT_ENCODING)),
        (&b"gzip wasm"[..], "gzip")
    );
    let (_, headers, body) = get(&app, &format!("/{WASM}"), &[]).await;
    assert_eq!(
        (&body[..], header(&headers, header::CONTENT_ENCODING)),
        (&b"raw wasm"[..], "")
    );

    // The app's routes answer index.html, revalidated on every visit, 304 when unchanged.
    for path in ["/", "/index.html", "/registrations/12"] {
        let (status, headers, body) = get(&app, path, &[("accept-encoding", "br")]).await;
        assert_eq!(
            (status, &body[..]),
            (StatusCode::OK, &b"brotli index"[..]),
            "{path}"
        );
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        let since = header(&headers, header::LAST_MODIFIED).to_owned();
        let (status, _, body) = get(&app, path, &[("if-modified-since", &since)]).await;
        assert_eq!(
            (status, body.len()),
            (StatusCode::NOT_MODIFIED, 0),
            "{path}"
        );
    }
    // A hashed name that is not (or no longer) built is missing, said in JSON and not kept: a
    // page of an older build must not take the index for its module.
    for path in [
        "/owf-frontend-ffffffffffffffff_bg.wasm",
        "/owf-frontend-ffffffffffffffff/split_query.wasm",
    ] {
        let (status, headers, body) = get(&app, path, &[("accept-encoding", "br")]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-store",
            "{path}"
        );
        let error: owf_shared::api::ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!(error.code, "not_found", "{path}");
    }
    // config.json is edited by deployments: no compressed copy, revalidated.
    let (_, headers, body) = get(&app, "/config.json", &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(
        (&body[..], header(&headers, header::CONTENT_ENCODING)),
        (&b"{\"api_base\":\"\"}"[..], "")
    );
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn json_answers_are_compressed_for_clients_that_accept_it() {
    let store = helpers::sqlite().await.store;
    let app = TestApp::router(&store, TestApp::config());
    let (_, plain_headers, plain) = get(&app, "/api/codes", &[]).await;
    assert_eq!(header(&plain_headers, header::CONTENT_ENCODING), "");
    let (status, headers, gzipped) = get(&app, "/api/codes", &[("accept-encoding", "gzip")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "gzip");
    assert!(
        gzipped.len() * 3 < plain.len(),
        "{} of {} bytes",
        gzipped.len(),
        plain.len()
    );
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
    // A small answer is sent as it is.
    let (_, headers, _) = get(&app, "/api/session", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&headers, header::CONTENT_ENCODING), "");
}
