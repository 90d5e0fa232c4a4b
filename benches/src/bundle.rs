//! Bundle: the release frontend's files, raw / gzip -9 / brotli 11, and what a first visit of the
//! login screen downloads (every file of `dist/` and its folder of modules: index.html,
//! config.json, the js, the first wasm module, the css; not the precompressed `NAME.br` /
//! `NAME.gz` copies the build writes beside them). The modules of the other screens
//! (`split_*.wasm` and the chunks they share, `chunk_*.wasm`, from `scripts/split.mjs`) come
//! after the login screen, when the browser is idle: they are counted on their own line,
//! outside the first visit.

use std::io::Write;
use std::path::{Path, PathBuf};

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

/// wasm, js, css, html + json, the other screens' wasm, and the first-visit total (last).
pub fn measure(dist: &Path) -> Vec<Sizes> {
    let mut kinds: Vec<Sizes> = [
        "wasm",
        "js",
        "css",
        "html + json",
        "other screens' wasm (after login, when idle)",
    ]
    .iter()
    .map(|k| Sizes {
        name: (*k).to_owned(),
        ..Sizes::default()
    })
    .collect();
    for path in files(dist) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let screen = name.starts_with("split_") || name.starts_with("chunk_");
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("br" | "gz") => continue,
            Some("wasm") if screen => 4,
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
    let first_visit = &kinds[..4];
    let total = Sizes {
        name: "first visit (the login screen)".to_owned(),
        raw: first_visit.iter().map(|s| s.raw).sum(),
        gzip: first_visit.iter().map(|s| s.gzip).sum(),
        brotli: first_visit.iter().map(|s| s.brotli).sum(),
    };
    kinds.push(total);
    kinds
}

/// The files of `dir` and of its folders.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dist") {
        let path = entry.expect("dist entry").path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}
