//! `GET /api/codes`: the customs master data (国别(地区), 关区, 监管方式, 币制, 计量单位) for the browser as one CSV
//! (`table,code,name`, [`CodeTables::to_combined_csv`]), built once from the tables the server
//! validates with and served from memory as a cacheable asset: gzip when the client takes it, an
//! `ETag` of the content, and `304` to a client that has it.

use std::io::Write;
use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use flate2::write::GzEncoder;
use flate2::Compression;
use owf_shared::codes::CodeTables;
use sha2::{Digest, Sha256};

/// The CSV of the tables, plain and gzip, and its entity tag.
struct Asset {
    csv: Vec<u8>,
    gzip: Vec<u8>,
    etag: HeaderValue,
}

fn asset() -> &'static Asset {
    static ASSET: OnceLock<Asset> = OnceLock::new();
    ASSET.get_or_init(|| {
        let csv = CodeTables::embedded().to_combined_csv().into_bytes();
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&csv).expect("writing to memory");
        let gzip = encoder.finish().expect("writing to memory");
        let digest = hex::encode(&Sha256::digest(&csv)[..12]);
        let etag = HeaderValue::from_str(&format!("\"{digest}\"")).expect("hex is a header value");
        Asset { csv, gzip, etag }
    })
}

/// Whether the client accepts gzip (`Accept-Encoding: …gzip…`, not `gzip;q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next() == Some("gzip") && !parts.any(|p| p.replace(' ', "") == "q=0")
        })
}

/// 海关参数代码表（国别(地区)、关区、监管方式）
///
/// One CSV, `table,code,name`; cacheable (`ETag`, `If-None-Match`).
#[utoipa::path(
    get,
    path = "/codes",
    operation_id = "codes",
    tag = "参数",
    responses(
        (status = OK, description = "代码表", body = String, content_type = "text/csv"),
        (status = NOT_MODIFIED, description = "未变（If-None-Match 与 ETag 相同）")
    )
)]
pub async fn serve(headers: HeaderMap) -> Response {
    let asset = asset();
    let cache = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ),
        (header::ETAG, asset.etag.clone()),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
    ];
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag == asset.etag);
    if fresh {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let csv = HeaderValue::from_static("text/csv; charset=utf-8");
    if accepts_gzip(&headers) {
        let gzip = [
            (header::CONTENT_TYPE, csv),
            (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        ];
        (cache, gzip, asset.gzip.clone()).into_response()
    } else {
        (cache, [(header::CONTENT_TYPE, csv)], asset.csv.clone()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn gzip_only_when_accepted() {
        assert!(accepts_gzip(&with("gzip, deflate, br")));
        assert!(accepts_gzip(&with("br;q=1.0, gzip;q=0.8")));
        assert!(!accepts_gzip(&with("gzip;q=0")));
        assert!(!accepts_gzip(&with("br")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn the_asset_holds_every_table_and_is_much_smaller_gzipped() {
        let asset = asset();
        let csv = std::str::from_utf8(&asset.csv).unwrap();
        let tables = CodeTables::from_combined_csv(csv).unwrap();
        assert_eq!(tables.districts.rows().len(), 1369);
        assert!(
            asset.gzip.len() * 3 < asset.csv.len(),
            "{}",
            asset.gzip.len()
        );
    }
}
