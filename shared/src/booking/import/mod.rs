//! The 订仓单 line import (feature `import`): a clerk's spreadsheet, as file bytes and the file
//! name, read into lines and the problems of each row, in Chinese, by row and column
//! ("第 12 行「数量」：…"). Nothing is stored here; the caller shows the result and keeps it only
//! when the clerk confirms.
//!
//! * `.csv` (or `.txt`/`.tsv`): text in UTF-8, with or without byte-order mark, or GB18030 (what
//!   Excel in China saves as "CSV（逗号分隔）"): valid UTF-8 is read as UTF-8, anything else must
//!   decode as GB18030 ([`text`]). Comma-separated, or tab-separated when the header row has
//!   tabs and no commas (what pasting from a spreadsheet gives).
//! * `.xlsx`: the first worksheet ([`xlsx`]). Formula cells are refused with the cell named,
//!   rather than trusting the value the file cached for them.
//!
//! The first non-blank row is the header ([`super::template`]); blank rows are skipped. The work
//! is bounded: files over [`MAX_FILE_BYTES`] and more than [`MAX_LINES`] lines are refused
//! whole, and reading stops at the first line too many.
//!
//! In the browser's module? No: it is the server's, behind the feature, so the browser does not
//! carry a spreadsheet reader.

mod lines;
mod sheet;
mod text;
mod xlsx;

use std::fmt;

use thiserror::Error;

use super::{BookingLine, MAX_LINES};
use crate::codes::CodeTables;

/// Largest file read: 10,000 lines of a few hundred characters each.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The lines read from a file, with the problems of their rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// Every line of the file, in file order, including those with problems.
    pub lines: Vec<ImportedLine>,
    /// The problems, by row; empty when every line is valid.
    pub errors: Vec<RowError>,
}

/// A line and the row of the file it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedLine {
    /// The row as the spreadsheet numbers it (the header is usually row 1).
    pub row: usize,
    pub line: BookingLine,
}

/// One problem of one row, e.g. "第 12 行「数量」：数量必须大于 0".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    /// The column's name in the header row.
    pub column: &'static str,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第 {} 行「{}」：{}", self.row, self.column, self.message)
    }
}

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    #[error("文件大小为 {} KB，超过 10 MB 的上限：请分成几个文件导入", bytes / 1024)]
    TooLarge { bytes: usize },
    #[error("只能导入 CSV（.csv）或 Excel（.xlsx）文件，“{name}”不是")]
    UnknownType { name: String },
    #[error("文件不是 UTF-8 或 GB18030 编码的文本，无法读取：请在 Excel 中“另存为” CSV UTF-8（逗号分隔）或 .xlsx 后再导入")]
    NotText,
    #[error("文件是 UTF-16 编码的文本（Excel 的“Unicode 文本”）：请另存为 CSV UTF-8（逗号分隔）或 .xlsx 后再导入")]
    Utf16,
    #[error("该文件实为网页（HTML），只是扩展名为 .xlsx（网站“导出 Excel”常给出这样的文件）：请用 Excel 打开后另存为 .xlsx 或 CSV 再导入")]
    Html,
    #[error("该文件是旧版 Excel 97-2003 格式（.xls）：请在 Excel 中另存为 .xlsx 或 CSV 后再导入")]
    Xls,
    #[error("文件不是有效的 .xlsx 文件（可能已损坏，或并非 Excel 文件）：请用 Excel 打开后重新保存再导入")]
    NotXlsx,
    #[error("该 .xlsx 文件解压后超过 100 MB，无法导入：请删去多余的工作表和内容，或分成几个文件")]
    Unpacked,
    #[error("文件中没有内容：第一行应为列名（企业商品货号、商品名称、计量单位、数量、单价等），可下载模板对照")]
    Empty,
    #[error("缺少必需的列：{}。第一行（第 {row} 行）应为列名，可下载模板对照", .names.join("、"))]
    MissingColumns {
        row: usize,
        names: Vec<&'static str>,
    },
    #[error("列「{name}」出现了两次（第 {row} 行），请删去其中一列")]
    DuplicateColumn { row: usize, name: &'static str },
    #[error("文件只有列名，没有商品行")]
    NoLines,
    #[error("文件超过 {MAX_LINES} 行商品，一个订仓单最多 {MAX_LINES} 行：请分成多个订仓单导入")]
    TooManyLines,
}

/// Reads the lines of `bytes`, a file called `file_name`, and checks each as
/// [`super::check_line`] does at 申报 level, taking 计量单位 by code or by its Chinese name.
pub fn import_lines(
    bytes: &[u8],
    file_name: &str,
    tables: &CodeTables,
) -> Result<Import, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase());
    let sheet = match extension.as_deref() {
        Some("csv" | "txt" | "tsv") => text::read(bytes)?,
        Some("xlsx") => xlsx::read(bytes)?,
        _ => {
            return Err(ImportError::UnknownType {
                name: file_name.to_owned(),
            })
        }
    };
    lines::read(sheet, tables)
}

#[cfg(test)]
mod tests;
