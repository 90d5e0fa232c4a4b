//! A file's rows as text cells, whatever format it came in.

use super::ImportError;
use crate::booking::MAX_LINES;

/// Columns read from each row; cells further right are ignored, so a stray cell at XFD1 does
/// not make every row 16,384 cells wide.
pub const MAX_COLUMNS: usize = 100;

/// One cell: its text, or why the file's value cannot be taken (a formula, an error value),
/// in words that follow the column name.
pub type Cell = Result<String, String>;

/// One non-blank row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row as the spreadsheet numbers it, from 1.
    pub number: usize,
    /// The cells from column A on.
    pub cells: Vec<Cell>,
}

/// The non-blank rows of a file: the header row, then at most [`MAX_LINES`] lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub rows: Vec<Row>,
}

impl Sheet {
    /// Adds a row, skipping a blank one; refuses the row past the header and [`MAX_LINES`]
    /// lines, so that a reader stops there.
    pub fn push(&mut self, number: usize, mut cells: Vec<Cell>) -> Result<(), ImportError> {
        let blank = |cell: &Cell| cell.as_ref().is_ok_and(|text| text.trim().is_empty());
        if cells.iter().all(blank) {
            return Ok(());
        }
        if self.rows.len() > MAX_LINES {
            return Err(ImportError::TooManyLines);
        }
        cells.truncate(MAX_COLUMNS);
        self.rows.push(Row { number, cells });
        Ok(())
    }
}
