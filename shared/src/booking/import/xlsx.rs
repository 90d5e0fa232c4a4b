//! `.xlsx` files: the first worksheet's cells, read one at a time.
//!
//! What is not a spreadsheet is named before anything is unpacked: a web page saved with an
//! `.xlsx` name (what many sites' "导出 Excel" gives), an Excel 97-2003 `.xls`, anything else that
//! is not a zip archive, or an archive that would unpack to more than [`MAX_UNPACKED`] bytes.
//!
//! Numbers: the file holds them as decimal text, which the reader parses to `f64`; they are
//! written back in the shortest form that reads as the same `f64` (`25.5`, `0.1`,
//! `6901234567890`), the text the file held for any number typed in a cell, and then read as
//! exact decimals like any other text. Formula cells are refused with the cell and formula
//! named: their cached value may be stale or missing, and a total the clerk did not type
//! should not pass as typed.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use super::sheet::{Cell, Sheet, MAX_COLUMNS};
use super::ImportError;

/// Most bytes the archive's parts may unpack to.
const MAX_UNPACKED: u64 = 100 * 1024 * 1024;

/// The rows of the first worksheet of `bytes`.
pub fn read(bytes: &[u8]) -> Result<Sheet, ImportError> {
    check_archive(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportError::NotXlsx)?;
    let first = workbook.sheet_names().into_iter().next();
    let first = first.ok_or(ImportError::Empty)?;
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(|_| ImportError::NotXlsx)?;
    let mut sheet = Sheet::default();
    let mut row: Option<(u32, Vec<Cell>)> = None;
    while let Some(cell) = cells
        .next_cell_with_formula()
        .map_err(|_| ImportError::NotXlsx)?
    {
        let (at_row, at_column) = cell.pos;
        if row.as_ref().is_some_and(|(number, _)| *number != at_row) {
            let (number, cells) = row.take().expect("checked just above");
            sheet.push(number as usize + 1, cells)?;
        }
        let (_, cells) = row.get_or_insert_with(|| (at_row, Vec::new()));
        let column = at_column as usize;
        if column < MAX_COLUMNS {
            cells.resize(cells.len().max(column + 1), Ok(String::new()));
            cells[column] = cell_text(cell.value, cell.formula, at_row, at_column);
        }
    }
    if let Some((number, cells)) = row {
        sheet.push(number as usize + 1, cells)?;
    }
    Ok(sheet)
}

/// Refuses what is not an `.xlsx` archive, by its first bytes, and an archive whose parts say
/// they unpack to more than [`MAX_UNPACKED`].
fn check_archive(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ImportError::Xls);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
        let html = ["<!doctype html", "<html", "<table", "<meta"];
        return Err(if html.iter().any(|tag| start.contains(tag)) {
            ImportError::Html
        } else {
            ImportError::NotXlsx
        });
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::NotXlsx)?;
    let mut unpacked = 0u64;
    for index in 0..archive.len() {
        let part = archive
            .by_index_raw(index)
            .map_err(|_| ImportError::NotXlsx)?;
        unpacked = unpacked.saturating_add(part.size());
    }
    if unpacked > MAX_UNPACKED {
        return Err(ImportError::Unpacked);
    }
    Ok(())
}

/// The text of a cell, or why its value is not taken.
fn cell_text(value: DataRef<'_>, formula: Option<String>, row: u32, column: u32) -> Cell {
    let name = cell_name(row, column);
    if let Some(formula) = formula {
        return Err(format!(
            "单元格 {name} 是公式（={formula}）：请复制该列，再“选择性粘贴 → 数值”后保存并重新导入"
        ));
    }
    match value {
        DataRef::Empty => Ok(String::new()),
        DataRef::String(text) => Ok(text),
        DataRef::SharedString(text) => Ok(text.to_owned()),
        DataRef::Int(number) => Ok(number.to_string()),
        DataRef::Float(number) => Ok(number.to_string()),
        DataRef::Bool(flag) => Ok(if flag { "TRUE" } else { "FALSE" }.to_owned()),
        DataRef::Error(error) => Err(format!("单元格 {name} 是错误值 {error}")),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => Err(format!(
            "单元格 {name} 是日期或时间格式：请把该列设为“数值”或“文本”格式"
        )),
    }
}

/// `A1`-style name of the cell at zero-based `row` and `column`, e.g. `H12`, `AA3`.
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut rest = column + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        rest = (rest - 1) / 26;
    }
    let column: String = letters.iter().rev().collect();
    format!("{column}{}", row + 1)
}
