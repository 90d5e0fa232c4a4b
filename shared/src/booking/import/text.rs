//! CSV files: the text's encoding found, then its records read.

use super::sheet::{Sheet, MAX_COLUMNS};
use super::ImportError;
use crate::delimited;

/// The rows of a CSV file (or tab-separated text).
pub fn read(bytes: &[u8]) -> Result<Sheet, ImportError> {
    let text = decode(bytes)?;
    let header = text.lines().find(|line| !line.trim().is_empty());
    let tabs = header.is_some_and(|line| line.contains('\t') && !line.contains(','));
    let mut sheet = Sheet::default();
    let delimiter = if tabs { '\t' } else { ',' };
    for (number, fields) in delimited::records(&text, delimiter).max_fields(MAX_COLUMNS) {
        let cells = fields.into_iter().map(Ok).collect();
        sheet.push(number, cells)?;
    }
    Ok(sheet)
}

/// The text of `bytes`: UTF-8 (a byte-order mark dropped) when it is valid UTF-8, else GB18030;
/// refused when neither, when UTF-16, or when it holds control characters no text file has.
fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or(ImportError::NotText)?
            .into_owned(),
    };
    if text.contains(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(ImportError::NotText);
    }
    Ok(text)
}
