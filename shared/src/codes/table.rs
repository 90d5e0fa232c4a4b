//! The customs master-data tables (海关参数代码表): 国别(地区), 关区, 监管方式, 币制 and 计量单位,
//! loaded from the
//! CSV files under `shared/data/` (provenance and snapshot date in `shared/data/README.md`).
//!
//! This is the one loader. The server embeds the files ([`CodeTables::embedded`], feature
//! `embedded`) and serves them to the browser as one CSV ([`CodeTables::to_combined_csv`]),
//! which the browser loads back through the same checks ([`CodeTables::from_combined_csv`]), so
//! both sides validate against the same rows while the browser's first visit does not carry
//! them. CSV rather than JSON: reading it needs no serde code in the browser's module.

use std::fmt;

use super::CodeError;
use crate::delimited::{self, csv_field};

/// Month of the Single Window snapshot the files hold.
pub const SNAPSHOT: &str = "2022-06";

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// 国别(地区)代码表, 3 digits.
    Countries,
    /// 关区代码表, 4 characters (digits, and A100 澳门海关).
    Districts,
    /// 监管方式代码表, 4 digits.
    TradeModes,
    /// 币制代码表, 3 digits (the customs code, not the ISO letters).
    Currencies,
    /// 计量单位代码表, 3 digits.
    Units,
}

impl TableKind {
    pub const ALL: [TableKind; 5] = [
        Self::Countries,
        Self::Districts,
        Self::TradeModes,
        Self::Currencies,
        Self::Units,
    ];

    /// The table's name in the combined CSV, e.g. `countries`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Countries => "countries",
            Self::Districts => "districts",
            Self::TradeModes => "trade_modes",
            Self::Currencies => "currencies",
            Self::Units => "units",
        }
    }

    /// Chinese name of the table, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Countries => "国别（地区）代码表",
            Self::Districts => "关区代码表",
            Self::TradeModes => "监管方式代码表",
            Self::Currencies => "币制代码表",
            Self::Units => "计量单位代码表",
        }
    }

    /// Length of every code.
    pub fn code_len(self) -> usize {
        match self {
            Self::Countries | Self::Currencies | Self::Units => 3,
            Self::Districts | Self::TradeModes => 4,
        }
    }

    /// The column of the data file that holds the Chinese name: the second, except in the
    /// currency file, whose second column is the ISO code (`502,USD,美元,US Dollar`).
    fn name_column(self) -> usize {
        match self {
            Self::Currencies => 2,
            _ => 1,
        }
    }

    /// Whether codes may hold upper-case letters besides digits.
    fn letters(self) -> bool {
        self == Self::Districts
    }

    /// Whether `code` has the form of a code of this table.
    fn well_formed(self, code: &str) -> bool {
        code.len() == self.code_len()
            && code
                .bytes()
                .all(|b| b.is_ascii_digit() || (self.letters() && b.is_ascii_uppercase()))
    }

    /// Why `row` cannot be a row of this table, if it cannot.
    fn refusal(self, row: &Row) -> Option<&'static str> {
        if !self.well_formed(&row.code) {
            Some("malformed code")
        } else if row.name.trim().is_empty() {
            Some("empty name")
        } else {
            None
        }
    }
}

/// One row: the code and its Chinese name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub code: String,
    pub name: String,
}

impl Row {
    /// `5304 蛇口海关`
    pub fn display(&self) -> String {
        format!("{} {}", self.code, self.name)
    }
}

/// Why a table does not load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// Line `line` (1-based, header = 1) is not a row of the table.
    BadRow { line: usize, why: &'static str },
    /// The same code twice.
    Duplicate { code: String },
    /// A row whose code sorts before the one above it.
    Unordered { code: String },
    /// No rows at all.
    Empty,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadRow { line, why } => write!(f, "line {line}: {why}"),
            Self::Duplicate { code } => write!(f, "code {code} appears twice"),
            Self::Unordered { code } => write!(f, "code {code} is out of order"),
            Self::Empty => f.write_str("the table has no rows"),
        }
    }
}

impl std::error::Error for TableError {}

/// A loaded table: rows sorted by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeTable {
    kind: TableKind,
    rows: Vec<Row>,
}

impl CodeTable {
    /// Loads a table from its CSV file (header line first, rows in any order). The name is the
    /// Chinese name column ([`TableKind::name_column`]): the full Chinese name of a country or
    /// customs office, the short name (简称) of a trade mode, as the declaration form shows it.
    pub fn from_csv(kind: TableKind, csv: &str) -> Result<Self, TableError> {
        let mut rows = Vec::new();
        for (line, fields) in delimited::records(csv, ',').skip(1) {
            if fields == [""] {
                continue;
            }
            let bad = |why| TableError::BadRow { line, why };
            let mut fields = fields.into_iter();
            let (Some(code), Some(name)) = (fields.next(), fields.nth(kind.name_column() - 1))
            else {
                return Err(bad("fewer fields than the name column"));
            };
            let row = Row { code, name };
            if let Some(why) = kind.refusal(&row) {
                return Err(bad(why));
            }
            rows.push(row);
        }
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        Self::from_sorted(kind, rows)
    }

    /// A table of checked `rows` that must be sorted by code (as the server sends them) and
    /// unique. Checking the order instead of sorting keeps a sort out of the browser's code.
    fn from_sorted(kind: TableKind, rows: Vec<Row>) -> Result<Self, TableError> {
        if rows.is_empty() {
            return Err(TableError::Empty);
        }
        if let Some(pair) = rows.windows(2).find(|pair| pair[0].code >= pair[1].code) {
            let code = pair[1].code.clone();
            return Err(if pair[0].code == code {
                TableError::Duplicate { code }
            } else {
                TableError::Unordered { code }
            });
        }
        Ok(Self { kind, rows })
    }

    pub fn kind(&self) -> TableKind {
        self.kind
    }

    /// Every row, by code.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The row with exactly this code.
    pub fn get(&self, code: &str) -> Option<&Row> {
        self.rows
            .binary_search_by(|row| row.code.as_str().cmp(code))
            .ok()
            .map(|index| &self.rows[index])
    }

    /// Parses user input (trimmed, half-width): a well-formed code that exists in the table.
    pub fn parse(&self, input: &str) -> Result<&Row, CodeError> {
        if !self.kind.well_formed(input) {
            return Err(CodeError::Format {
                digits: self.kind.code_len(),
                letters: self.kind.letters(),
            });
        }
        self.get(input).ok_or_else(|| CodeError::Unknown {
            code: input.to_owned(),
            table: self.kind.name(),
        })
    }

    /// `5304 蛇口海关` for a code of the table; anything else as it is.
    pub fn display(&self, code: &str) -> String {
        self.get(code).map_or_else(|| code.to_owned(), Row::display)
    }
}

/// All master-data tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeTables {
    /// Month of the snapshot, e.g. `2022-06`.
    pub snapshot: String,
    pub countries: CodeTable,
    pub districts: CodeTable,
    pub trade_modes: CodeTable,
    pub currencies: CodeTable,
    pub units: CodeTable,
}

impl CodeTables {
    /// Loads the CSV files, one per table in the order of [`TableKind::ALL`].
    pub fn from_csv(files: [&str; 5]) -> Result<Self, TableError> {
        let [countries, districts, trade_modes, currencies, units] = files;
        Ok(Self {
            snapshot: SNAPSHOT.to_owned(),
            countries: CodeTable::from_csv(TableKind::Countries, countries)?,
            districts: CodeTable::from_csv(TableKind::Districts, districts)?,
            trade_modes: CodeTable::from_csv(TableKind::TradeModes, trade_modes)?,
            currencies: CodeTable::from_csv(TableKind::Currencies, currencies)?,
            units: CodeTable::from_csv(TableKind::Units, units)?,
        })
    }

    /// The tables as one CSV, `table,code,name` (table = [`TableKind::key`]), each table's rows
    /// by code: what `GET /api/codes` serves.
    pub fn to_combined_csv(&self) -> String {
        let mut csv = String::from("table,code,name\r\n");
        for kind in TableKind::ALL {
            for row in self.table(kind).rows() {
                csv.push_str(&format!(
                    "{},{},{}\r\n",
                    kind.key(),
                    csv_field(&row.code),
                    csv_field(&row.name)
                ));
            }
        }
        csv
    }

    /// Loads [`Self::to_combined_csv`]'s CSV: every row well-formed, each table's rows sorted
    /// and unique.
    pub fn from_combined_csv(csv: &str) -> Result<Self, TableError> {
        let mut rows: [Vec<Row>; 5] = Default::default();
        for (line, fields) in delimited::records(csv, ',').skip(1) {
            let bad = |why| TableError::BadRow { line, why };
            let [table, code, name] =
                <[String; 3]>::try_from(fields).map_err(|_| bad("not three fields"))?;
            let at = TableKind::ALL
                .iter()
                .position(|kind| kind.key() == table)
                .ok_or_else(|| bad("unknown table"))?;
            let row = Row { code, name };
            if let Some(why) = TableKind::ALL[at].refusal(&row) {
                return Err(bad(why));
            }
            rows[at].push(row);
        }
        let [countries, districts, trade_modes, currencies, units] = rows;
        Ok(Self {
            snapshot: SNAPSHOT.to_owned(),
            countries: CodeTable::from_sorted(TableKind::Countries, countries)?,
            districts: CodeTable::from_sorted(TableKind::Districts, districts)?,
            trade_modes: CodeTable::from_sorted(TableKind::TradeModes, trade_modes)?,
            currencies: CodeTable::from_sorted(TableKind::Currencies, currencies)?,
            units: CodeTable::from_sorted(TableKind::Units, units)?,
        })
    }

    /// The tables of `shared/data/`, compiled into the binary and loaded once.
    #[cfg(any(test, feature = "embedded"))]
    pub fn embedded() -> std::sync::Arc<CodeTables> {
        static TABLES: std::sync::OnceLock<std::sync::Arc<CodeTables>> = std::sync::OnceLock::new();
        TABLES
            .get_or_init(|| {
                std::sync::Arc::new(
                    Self::from_csv([
                        include_str!("../../data/customs-countries.csv"),
                        include_str!("../../data/customs-districts.csv"),
                        include_str!("../../data/customs-trade-modes.csv"),
                        include_str!("../../data/customs-currencies.csv"),
                        include_str!("../../data/customs-units.csv"),
                    ])
                    .expect("the embedded code tables load"),
                )
            })
            .clone()
    }

    /// The table of `kind`.
    pub fn table(&self, kind: TableKind) -> &CodeTable {
        match kind {
            TableKind::Countries => &self.countries,
            TableKind::Districts => &self.districts,
            TableKind::TradeModes => &self.trade_modes,
            TableKind::Currencies => &self.currencies,
            TableKind::Units => &self.units,
        }
    }
}

/// 142 中国
pub const CHINA: &str = "142";

/// Why a row of the country table may not be the location of an overseas warehouse (B6), or
/// `None` when it may. `shared/data/README.md` says which rows and why.
pub fn warehouse_location_refusal(code: &str) -> Option<&'static str> {
    match code {
        CHINA => Some("海外仓必须位于境外"),
        "701" | "702" | "801" | "802" | "999" => {
            Some("它不是国家或地区，请选择仓库所在的国家(地区)")
        }
        "199" | "299" | "399" | "499" | "599" | "699" => {
            Some("它是统计用的汇总代码，请选择仓库所在的具体国家(地区)")
        }
        "349" => Some("该代码已停用，请选择 358 塞尔维亚 或 359 黑山"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> std::sync::Arc<CodeTables> {
        CodeTables::embedded()
    }

    #[test]
    fn the_files_load_with_every_row() {
        assert_eq!(tables().countries.rows().len(), 245);
        assert_eq!(tables().districts.rows().len(), 1369);
        assert_eq!(tables().trade_modes.rows().len(), 104);
        assert_eq!(tables().currencies.rows().len(), 22);
        assert_eq!(tables().units.rows().len(), 124);
        assert_eq!(tables().snapshot, "2022-06");
    }

    #[test]
    fn sample_rows_read_as_the_customs_table_names_them() {
        let t = tables();
        for (table, code, name) in [
            (&t.countries, "321", "匈牙利"),
            (&t.countries, "143", "中国台湾"),
            (&t.countries, "110", "中国香港"),
            (&t.countries, "502", "美国"),
            (&t.countries, "344", "俄罗斯联邦"),
            (&t.countries, "109", "朝鲜"),
            (&t.countries, "252", "刚果(金)"),
            (&t.districts, "5304", "蛇口海关"),
            (&t.districts, "5300", "深圳海关"),
            (&t.districts, "0101", "首都机场海关"),
            (&t.districts, "A100", "澳门海关"),
            (&t.trade_modes, "9810", "跨境电商出口海外仓"),
            (&t.trade_modes, "1210", "保税电商"),
            (&t.trade_modes, "0110", "一般贸易"),
            (&t.currencies, "142", "人民币"),
            (&t.currencies, "502", "美元"),
            (&t.currencies, "300", "欧元"),
            (&t.units, "007", "个"),
            (&t.units, "011", "件"),
            (&t.units, "035", "千克"),
        ] {
            assert_eq!(
                table.get(code).map(|r| r.name.as_str()),
                Some(name),
                "{code}"
            );
        }
        assert_eq!(t.districts.display("5304"), "5304 蛇口海关");
        assert_eq!(t.districts.display("9999"), "9999");
        // Codes keep their leading zeros.
        assert_eq!(t.trade_modes.rows()[0].code, "0110");
        assert_eq!(t.countries.rows()[0].code, "101");
    }

    #[test]
    fn every_stored_code_of_the_former_tables_keeps_its_meaning() {
        // The 66 countries and 42 direct customs owf held before the full tables, as stored in
        // existing records and in the demo data.
        for (code, name) in [
            ("116", "日本"),
            ("133", "韩国"),
            ("138", "阿联酋"),
            ("303", "英国"),
            ("304", "德国"),
            ("601", "澳大利亚"),
            ("609", "新西兰"),
            ("244", "南非"),
            ("429", "墨西哥"),
        ] {
            assert_eq!(tables().countries.get(code).unwrap().name, name);
        }
        // The table names some direct customs by their district: 2900 杭州关区, 3700 厦门关区.
        for (code, name) in [
            ("5300", "深圳海关"),
            ("2900", "杭州关区"),
            ("3700", "厦门关区"),
        ] {
            assert_eq!(tables().districts.get(code).unwrap().name, name);
        }
    }

    #[test]
    fn warehouse_locations() {
        let tables = tables();
        let refused: Vec<&str> = tables
            .countries
            .rows()
            .iter()
            .filter(|row| warehouse_location_refusal(&row.code).is_some())
            .map(|row| row.code.as_str())
            .collect();
        assert_eq!(
            refused,
            [
                "142", "199", "299", "349", "399", "499", "599", "699", "701", "702", "801", "802",
                "999"
            ]
        );
        for code in ["321", "143", "110", "121", "449", "358", "260"] {
            assert_eq!(warehouse_location_refusal(code), None, "{code}");
        }
    }

    #[test]
    fn parse_reports_format_and_unknown_codes() {
        let t = tables();
        assert_eq!(t.districts.parse("5304").unwrap().name, "蛇口海关");
        assert_eq!(t.districts.parse("A100").unwrap().name, "澳门海关");
        assert_eq!(
            t.districts.parse("53").unwrap_err().to_string(),
            "应为 4 位代码（数字或大写字母）"
        );
        assert_eq!(
            t.countries.parse("32a").unwrap_err().to_string(),
            "应为 3 位数字代码"
        );
        assert_eq!(
            t.countries.parse("840").unwrap_err().to_string(),
            "代码 840 不在国别（地区）代码表中"
        );
    }

    #[test]
    fn the_loader_refuses_broken_tables() {
        assert_eq!(
            CodeTable::from_csv(TableKind::Countries, "code,name\n101,阿富汗\n1x1,x\n"),
            Err(TableError::BadRow {
                line: 3,
                why: "malformed code"
            })
        );
        assert_eq!(
            CodeTable::from_csv(TableKind::Countries, "code,name\n101,a\n101,b\n"),
            Err(TableError::Duplicate { code: "101".into() })
        );
        assert_eq!(
            CodeTable::from_csv(TableKind::Countries, "code,name\r\n"),
            Err(TableError::Empty)
        );
        // A file may list its rows in any order (the combined CSV may not).
        let shuffled = CodeTable::from_csv(TableKind::Countries, "code,name\n102,b\n101,a\n");
        assert_eq!(shuffled.unwrap().rows()[0].code, "101");
        let quoted = CodeTable::from_csv(
            TableKind::Countries,
            "code,name_zh,name_en\r\n110,中国香港,\"Hong Kong, China\"\r\n",
        )
        .unwrap();
        assert_eq!(quoted.get("110").unwrap().name, "中国香港");
    }

    #[test]
    fn tables_travel_as_one_csv_and_are_checked_on_arrival() {
        let csv = tables().to_combined_csv();
        assert!(csv.starts_with("table,code,name\r\ncountries,101,阿富汗\r\n"));
        assert!(csv.contains("\r\ndistricts,5304,蛇口海关\r\n"));
        assert!(csv.contains("\r\ncurrencies,502,美元\r\n"));
        assert!(csv.contains("\r\nunits,007,个\r\n"));
        assert_eq!(CodeTables::from_combined_csv(&csv).unwrap(), *tables());
        let quoted =
            CodeTable::from_csv(TableKind::Countries, "code,name\n101,\"a, \"\"b\"\"\"\n").unwrap();
        assert_eq!(quoted.rows()[0].name, "a, \"b\"");
        let one = CodeTables {
            countries: quoted,
            ..(*tables()).clone()
        };
        assert_eq!(
            CodeTables::from_combined_csv(&one.to_combined_csv()),
            Ok(one)
        );
        let with = |line: &str| {
            CodeTables::from_combined_csv(&csv.replacen("\r\n", &format!("\r\n{line}\r\n"), 1))
        };
        assert_eq!(
            with("countries,12,x"),
            Err(TableError::BadRow {
                line: 2,
                why: "malformed code"
            })
        );
        assert_eq!(
            with("countries,999,x"),
            Err(TableError::Unordered { code: "101".into() })
        );
        assert_eq!(
            with("provinces,11,北京"),
            Err(TableError::BadRow {
                line: 2,
                why: "unknown table"
            })
        );
        assert_eq!(
            with("countries,101"),
            Err(TableError::BadRow {
                line: 2,
                why: "not three fields"
            })
        );
    }
}
