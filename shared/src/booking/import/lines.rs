//! Rows to lines: the header row's columns found, then each row's cells put into a line and
//! checked by the one line validation.

use std::collections::HashMap;

use super::sheet::{Cell, Row, Sheet};
use super::{Import, ImportError, ImportedLine, RowError};
use crate::booking::template::GNUM_COLUMN;
use crate::booking::{check_line, BookingLine, LineField};
use crate::codes::CodeTables;
use crate::text;
use crate::validate::Level;

/// Where the header row puts each column.
struct Columns {
    gnum: Option<usize>,
    fields: Vec<(LineField, usize)>,
}

/// The lines of `sheet`, whose first row is the header.
pub fn read(sheet: Sheet, tables: &CodeTables) -> Result<Import, ImportError> {
    let mut rows = sheet.rows.into_iter();
    let header = rows.next().ok_or(ImportError::Empty)?;
    let columns = columns(&header)?;
    let units: HashMap<&str, &str> = (tables.units.rows().iter())
        .map(|row| (row.name.as_str(), row.code.as_str()))
        .collect();
    let mut import = Import {
        lines: Vec::new(),
        errors: Vec::new(),
    };
    for (index, row) in rows.enumerate() {
        let error = |column, message| RowError {
            row: row.number,
            column,
            message,
        };
        let cell = |index| row.cells.get(index).cloned().unwrap_or(Ok(String::new()));
        if let Some(message) = columns
            .gnum
            .and_then(|at| gnum_problem(cell(at), index + 1))
        {
            import.errors.push(error(GNUM_COLUMN, message));
        }
        let mut line = BookingLine::default();
        let mut unreadable = Vec::new();
        for &(field, at) in &columns.fields {
            match cell(at) {
                Ok(text) => *line.value_mut(field) = text.trim().to_owned(),
                Err(message) => {
                    import.errors.push(error(field.label(), message));
                    unreadable.push(field);
                }
            }
        }
        match unit_code(&line.unit, &units) {
            Ok(code) => line.unit = code,
            Err(message) => {
                import.errors.push(error(LineField::Unit.label(), message));
                unreadable.push(LineField::Unit);
            }
        }
        for (field, message) in check_line(&line, Level::Declare, tables).errors {
            if !unreadable.contains(&field) {
                import.errors.push(error(field.label(), message));
            }
        }
        import.lines.push(ImportedLine {
            row: row.number,
            line,
        });
    }
    if import.lines.is_empty() {
        return Err(ImportError::NoLines);
    }
    Ok(import)
}

/// The columns the header row names; other columns are ignored.
fn columns(header: &Row) -> Result<Columns, ImportError> {
    let mut columns = Columns {
        gnum: None,
        fields: Vec::new(),
    };
    for (at, cell) in header.cells.iter().enumerate() {
        let Ok(name) = cell else { continue };
        let name = column_name(name);
        let duplicate = |name| ImportError::DuplicateColumn {
            row: header.number,
            name,
        };
        if name == GNUM_COLUMN {
            if columns.gnum.replace(at).is_some() {
                return Err(duplicate(GNUM_COLUMN));
            }
        } else if let Some(field) = LineField::ALL.into_iter().find(|f| f.label() == name) {
            if columns.fields.iter().any(|&(seen, _)| seen == field) {
                return Err(duplicate(field.label()));
            }
            columns.fields.push((field, at));
        }
    }
    let names: Vec<&'static str> = (LineField::ALL.into_iter())
        .filter(|field| field.required() && !columns.fields.iter().any(|(f, _)| f == field))
        .map(LineField::label)
        .collect();
    if !names.is_empty() {
        return Err(ImportError::MissingColumns {
            row: header.number,
            names,
        });
    }
    Ok(columns)
}

/// A header cell as a column name: half-width, without spaces, and without the `*` a template
/// may mark required columns with.
fn column_name(cell: &str) -> String {
    let name: String = text::to_half_width(cell)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    name.trim_matches('*').to_owned()
}

/// Why the 序号 cell of the line numbered `gnum` is wrong, if it is: blank is fine, anything
/// else must be `gnum`.
fn gnum_problem(cell: Cell, gnum: usize) -> Option<String> {
    match cell {
        Ok(text) if text.trim().is_empty() || text.trim() == gnum.to_string() => None,
        Ok(text) => Some(format!(
            "序号应为 {gnum}（当前为 {}）：序号须从 1 起按行连续编号；也可删去序号列，由系统按行编号",
            text.trim()
        )),
        Err(message) => Some(message),
    }
}

/// 计量单位 as its code: a unit's Chinese name (`个`) as its code (`007`), a code whose leading
/// zeros a spreadsheet dropped (`7`) with them, digits as they are (the line check tells a code
/// the table lacks); a word that names no unit is refused.
fn unit_code(value: &str, units: &HashMap<&str, &str>) -> Result<String, String> {
    let value = text::to_half_width(value);
    if let Some(code) = units.get(value.as_str()) {
        Ok((*code).to_owned())
    } else if !value.bytes().all(|b| b.is_ascii_digit()) {
        Err(format!(
            "“{value}”不是计量单位代码表中的单位：请填写单位代码（如 007）或名称（如 个）"
        ))
    } else if (1..3).contains(&value.len()) {
        Ok(format!("{value:0>3}"))
    } else {
        Ok(value)
    }
}
