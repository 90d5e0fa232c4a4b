//! Code tables (代码表): every entry has its customs code and its Chinese name.
//!
//! The customs master data (国别(地区), 关区, 监管方式, 币制, 计量单位) is loaded from data files
//! by [`table`]; the small closed tables owf defines itself (仓库性质, 证明材料类型) and the 监管方式 that the
//! rules name ([`TradeMode`]) implement [`Code`].

pub mod table;

use std::fmt;

pub use table::{CodeTable, CodeTables, Row, TableKind};

/// A closed table of fixed-length numeric codes with Chinese names.
pub trait Code: Copy + Sized + 'static {
    /// Every row, in display order.
    const ALL: &'static [Self];
    /// Number of digits of every code of this table.
    const DIGITS: usize;
    /// Chinese name of the table, used in error messages.
    const TABLE: &'static str;

    /// The code as stored and sent to customs, e.g. `"9810"`.
    fn code(self) -> &'static str;
    /// The Chinese name shown to users.
    fn label(self) -> &'static str;

    /// The row with exactly this code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|row| row.code() == code)
    }

    /// Parses user input: exactly [`Self::DIGITS`] ASCII digits that exist in the table.
    fn parse(input: &str) -> Result<Self, CodeError> {
        if input.chars().count() != Self::DIGITS || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::Format {
                digits: Self::DIGITS,
                letters: false,
            });
        }
        Self::from_code(input).ok_or_else(|| CodeError::Unknown {
            code: input.to_owned(),
            table: Self::TABLE,
        })
    }
}

/// Why a code does not parse. `Display` reads as a predicate after the field label,
/// e.g. "所在国家(地区)" + "代码 999 不在国别（地区）代码表中".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// Not the right number of ASCII digits (or, where the table has them, upper-case letters).
    Format { digits: usize, letters: bool },
    /// Well-formed but not a row of the table.
    Unknown { code: String, table: &'static str },
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format {
                digits,
                letters: false,
            } => write!(f, "应为 {digits} 位数字代码"),
            Self::Format {
                digits,
                letters: true,
            } => write!(f, "应为 {digits} 位代码（数字或大写字母）"),
            Self::Unknown { code, table } => write!(f, "代码 {code} 不在{table}中"),
        }
    }
}

/// 监管方式 (supervision mode), 4 digits (domain.md §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TradeMode {
    /// 0110 一般贸易
    General,
    /// 1210 保税跨境贸易电子商务 (保税电商); only for 区内企业 (R4)
    BondedEcommerce,
    /// 9610 跨境贸易电子商务 (B2C retail)
    Ecommerce,
    /// 9710 跨境电商B2B直接出口
    B2bDirect,
    /// 9810 跨境电商出口海外仓
    OverseasWarehouse,
}

impl TradeMode {
    /// The modes both filing forms offer (A6; B3 is further limited to the modes the
    /// enterprise's registration holds). 9610 and 9710 are not overseas-warehouse modes.
    pub const FILING_OPTIONS: [TradeMode; 3] = [
        Self::OverseasWarehouse,
        Self::BondedEcommerce,
        Self::General,
    ];

    /// Whether the filing forms offer this mode.
    pub fn offered_for_filing(self) -> bool {
        Self::FILING_OPTIONS.contains(&self)
    }
}

impl Code for TradeMode {
    const ALL: &'static [Self] = &[
        Self::General,
        Self::BondedEcommerce,
        Self::Ecommerce,
        Self::B2bDirect,
        Self::OverseasWarehouse,
    ];
    const DIGITS: usize = 4;
    const TABLE: &'static str = "监管方式代码表";

    fn code(self) -> &'static str {
        match self {
            Self::General => "0110",
            Self::BondedEcommerce => "1210",
            Self::Ecommerce => "9610",
            Self::B2bDirect => "9710",
            Self::OverseasWarehouse => "9810",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::General => "一般贸易",
            Self::BondedEcommerce => "保税电商",
            Self::Ecommerce => "电子商务",
            Self::B2bDirect => "跨境电商B2B直接出口",
            Self::OverseasWarehouse => "跨境电商出口海外仓",
        }
    }
}

/// 仓库性质 (B11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ownership {
    /// 1 自有
    Owned,
    /// 2 租赁
    Leased,
}

impl Code for Ownership {
    const ALL: &'static [Self] = &[Self::Owned, Self::Leased];
    const DIGITS: usize = 1;
    const TABLE: &'static str = "仓库性质代码表";

    fn code(self) -> &'static str {
        match self {
            Self::Owned => "1",
            Self::Leased => "2",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Owned => "自有",
            Self::Leased => "租赁",
        }
    }
}

/// 证明材料类型 (B17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocType {
    /// 01 所有权文件
    Ownership,
    /// 02 租赁协议
    Lease,
    /// 03 其他使用证明 (入库信息截图、境外线上销售信息)
    UsageEvidence,
    /// 04 商务主管部门海外仓业务证明
    CommerceCertificate,
    /// 99 其他
    Other,
}

impl Code for DocType {
    const ALL: &'static [Self] = &[
        Self::Ownership,
        Self::Lease,
        Self::UsageEvidence,
        Self::CommerceCertificate,
        Self::Other,
    ];
    const DIGITS: usize = 2;
    const TABLE: &'static str = "证明材料类型代码表";

    fn code(self) -> &'static str {
        match self {
            Self::Ownership => "01",
            Self::Lease => "02",
            Self::UsageEvidence => "03",
            Self::CommerceCertificate => "04",
            Self::Other => "99",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Ownership => "所有权文件",
            Self::Lease => "租赁协议",
            Self::UsageEvidence => "其他使用证明",
            Self::CommerceCertificate => "商务主管部门海外仓业务证明",
            Self::Other => "其他",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn assert_table<T: Code>() {
        let mut seen = HashSet::new();
        for row in T::ALL {
            assert_eq!(row.code().len(), T::DIGITS, "{}", row.code());
            assert!(row.code().bytes().all(|b| b.is_ascii_digit()));
            assert!(!row.label().is_empty());
            assert!(seen.insert(row.code()), "duplicate code {}", row.code());
            assert_eq!(T::parse(row.code()).map(Code::code), Ok(row.code()));
        }
    }

    #[test]
    fn tables_are_well_formed_and_round_trip() {
        assert_table::<TradeMode>();
        assert_table::<Ownership>();
        assert_table::<DocType>();
    }

    #[test]
    fn trade_modes_and_filing_options() {
        let codes: Vec<_> = TradeMode::ALL.iter().map(|m| m.code()).collect();
        assert_eq!(codes, ["0110", "1210", "9610", "9710", "9810"]);
        let offered: Vec<_> = TradeMode::FILING_OPTIONS.iter().map(|m| m.code()).collect();
        assert_eq!(offered, ["9810", "1210", "0110"]);
        assert!(!TradeMode::Ecommerce.offered_for_filing());
        assert!(!TradeMode::B2bDirect.offered_for_filing());
        assert!(TradeMode::BondedEcommerce.offered_for_filing());
    }

    #[test]
    fn trade_modes_are_named_as_the_customs_table_names_them() {
        let table = &CodeTables::embedded().trade_modes;
        for mode in TradeMode::ALL {
            assert_eq!(table.get(mode.code()).unwrap().name, mode.label());
        }
    }

    #[test]
    fn parse_reports_format_and_unknown_codes() {
        let format = |digits| CodeError::Format {
            digits,
            letters: false,
        };
        assert_eq!(TradeMode::parse("98"), Err(format(4)));
        assert_eq!(TradeMode::parse("９８１０"), Err(format(4)));
        assert_eq!(
            Ownership::parse("3").unwrap_err().to_string(),
            "代码 3 不在仓库性质代码表中"
        );
        assert_eq!(DocType::parse("02"), Ok(DocType::Lease));
        assert_eq!(DocType::parse("2"), Err(format(2)));
    }
}
