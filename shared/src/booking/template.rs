//! The columns of a 订仓单 line file, and the template clerks download to fill in.
//!
//! The header row names the columns in Chinese: 序号 (optional: the lines are numbered in file
//! order, and a 序号 column, if there is one, must count from 1), then the line fields by their
//! labels ([`LineField::label`]). Columns may come in any order; other columns are ignored.

use super::field::LineField;
use crate::delimited::csv_field;

/// The 序号 column.
pub const GNUM_COLUMN: &str = "序号";

/// The template: a UTF-8 CSV with a byte-order mark (so that Excel opens it with its Chinese
/// intact), the header row, and one example line.
pub fn template_csv() -> String {
    let example = |field| match field {
        LineField::ItemNo => "SKU-0001",
        LineField::ItemName => "蓝牙耳机",
        LineField::ItemDescribe => "无线蓝牙耳机，白色",
        LineField::Unit => "个",
        LineField::Qty => "100",
        LineField::Price => "25.5",
        LineField::TotalPrice => "2550.00",
        LineField::BarCode | LineField::Note => "",
    };
    let header = LineField::ALL.map(LineField::label).join(",");
    let row = LineField::ALL
        .map(|field| csv_field(example(field)))
        .join(",");
    format!("\u{feff}{GNUM_COLUMN},{header}\r\n1,{row}\r\n")
}
