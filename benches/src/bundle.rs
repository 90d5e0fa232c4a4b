//! Bundle: the release frontend's files, raw / gzip -9 / brotli 11, and what a first visit
//! downloads (every file of `dist/`: index.html, config.json, the js, the wasm, the css; not the
//! precompressed `NAME.br` / `NAME.gz` copies the build writes beside them).

use std::io::Write;
use std::path::Path;

/// Sizes of one kind of file (or of the first visit), in bytes.
#[derive(Debug, Clone, Default)]
pub struct Sizes {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// `data` as gzip -9 (the build's `NAME.gz`).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("gzip");
    encoder.finish().expect("gzip")
}

/// `data` as brotli quality 11 (the build's `NAME.br`).
pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("brotli");
    out
}

/// wasm, js, css, html + json, and the first-visit total (last).
pub fn measure(dist: &Path) -> Vec<Sizes> {
    let mut kinds: Vec<Sizes> = ["wasm", "js", "css", "html + json"]
        .iter()
        .map(|k| Sizes {
            name: (*k).to_owned(),
            ..Sizes::default()
        })
        .collect();
    for entry in std::fs::read_dir(dist).expect("dist") {
        let path = entry.expect("dist entry").path();
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("br" | "gz") => continue,
            Some("wasm") => 0,
            Some("js") => 1,
            Some("css") => 2,
            _ => 3,
        };
        let data = std::fs::read(&path).expect("read dist file");
        let sizes = &mut kinds[kind];
        sizes.raw += data.len() as u64;
        sizes.gzip += gzip(&data).len() as u64;
        sizes.brotli += brotli(&data).len() as u64;
    }
    let total = Sizes {
        name: "first visit (all of dist/)".to_owned(),
        raw: kinds.iter().map(|s| s.raw).sum(),
        gzip: kinds.iter().map(|s| s.gzip).sum(),
        brotli: kinds.iter().map(|s| s.brotli).sum(),
    };
    kinds.push(total);
    kinds
}
