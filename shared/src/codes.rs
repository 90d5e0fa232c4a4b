//! Code tables (代码表) as data: every entry has its customs code and its Chinese name.
//!
//! Every table implements [`Code`], so the UI can render any of them as a `<select>` and the
//! server can parse any of them the same way ([`Code::parse`]).

use std::fmt;

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
    /// Not the right number of ASCII digits.
    Format { digits: usize },
    /// Well-formed but not a row of the table.
    Unknown { code: String, table: &'static str },
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format { digits } => write!(f, "应为 {digits} 位数字代码"),
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

/// A row of the customs 3-digit 国别（地区）代码表 (JGS-20, domain.md §5.5).
///
/// These are customs codes, *not* ISO 3166 numeric codes (customs 344 = 俄罗斯联邦, ISO 344 =
/// Hong Kong). Rows can only come from [`Country::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    code: &'static str,
    name: &'static str,
}

impl Country {
    /// 142 中国: a valid country code, but not a location for an overseas warehouse (B6).
    pub const CHINA: Country = Country::row("142", "中国");

    const fn row(code: &'static str, name: &'static str) -> Self {
        Self { code, name }
    }

    /// Whether an overseas warehouse may be located here (everything but 142 中国).
    pub fn overseas(self) -> bool {
        self != Self::CHINA
    }
}

impl Code for Country {
    /// Every row of domain.md §5.5, plus the Asian (1xx) and European (3xx) rows of the same
    /// code set that follow its alphabetical block order [inf: verify against an export].
    const ALL: &'static [Self] = &[
        Country::row("101", "阿富汗"),
        Country::row("102", "巴林"),
        Country::row("103", "孟加拉国"),
        Country::row("105", "文莱"),
        Country::row("106", "缅甸"),
        Country::row("107", "柬埔寨"),
        Country::row("108", "塞浦路斯"),
        Country::row("110", "中国香港"),
        Country::row("111", "印度"),
        Country::row("112", "印度尼西亚"),
        Country::row("113", "伊朗"),
        Country::row("114", "伊拉克"),
        Country::row("115", "以色列"),
        Country::row("116", "日本"),
        Country::row("117", "约旦"),
        Country::row("118", "科威特"),
        Country::row("119", "老挝"),
        Country::row("120", "黎巴嫩"),
        Country::row("121", "中国澳门"),
        Country::row("122", "马来西亚"),
        Country::row("123", "马尔代夫"),
        Country::row("124", "蒙古"),
        Country::row("125", "尼泊尔"),
        Country::row("126", "阿曼"),
        Country::row("127", "巴基斯坦"),
        Country::row("129", "菲律宾"),
        Country::row("130", "卡塔尔"),
        Country::row("131", "沙特阿拉伯"),
        Country::row("132", "新加坡"),
        Country::row("133", "韩国"),
        Country::row("134", "斯里兰卡"),
        Country::row("136", "泰国"),
        Country::row("137", "土耳其"),
        Country::row("138", "阿联酋"),
        Country::row("141", "越南"),
        Country::CHINA,
        Country::row("143", "中国台湾"),
        Country::row("145", "哈萨克斯坦"),
        Country::row("149", "乌兹别克斯坦"),
        Country::row("244", "南非"),
        Country::row("301", "比利时"),
        Country::row("302", "丹麦"),
        Country::row("303", "英国"),
        Country::row("304", "德国"),
        Country::row("305", "法国"),
        Country::row("306", "爱尔兰"),
        Country::row("307", "意大利"),
        Country::row("308", "卢森堡"),
        Country::row("309", "荷兰"),
        Country::row("310", "希腊"),
        Country::row("311", "葡萄牙"),
        Country::row("312", "西班牙"),
        Country::row("315", "奥地利"),
        Country::row("318", "芬兰"),
        Country::row("326", "挪威"),
        Country::row("327", "波兰"),
        Country::row("330", "瑞典"),
        Country::row("331", "瑞士"),
        Country::row("344", "俄罗斯联邦"),
        Country::row("352", "捷克"),
        Country::row("410", "巴西"),
        Country::row("429", "墨西哥"),
        Country::row("501", "加拿大"),
        Country::row("502", "美国"),
        Country::row("601", "澳大利亚"),
        Country::row("609", "新西兰"),
    ];
    const DIGITS: usize = 3;
    const TABLE: &'static str = "国别（地区）代码表";

    fn code(self) -> &'static str {
        self.code
    }

    fn label(self) -> &'static str {
        self.name
    }
}

/// A row of the 关区代码表 (JGS/T 18, 4 digits, domain.md §5.4): the 42 direct customs.
/// Rows can only come from [`CustomsDistrict::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CustomsDistrict {
    code: &'static str,
    name: &'static str,
}

impl CustomsDistrict {
    const fn row(code: &'static str, name: &'static str) -> Self {
        Self { code, name }
    }
}

impl Code for CustomsDistrict {
    const ALL: &'static [Self] = &[
        Self::row("0100", "北京海关"),
        Self::row("0200", "天津海关"),
        Self::row("0400", "石家庄海关"),
        Self::row("0500", "太原海关"),
        Self::row("0600", "满洲里海关"),
        Self::row("0700", "呼和浩特海关"),
        Self::row("0800", "沈阳海关"),
        Self::row("0900", "大连海关"),
        Self::row("1500", "长春海关"),
        Self::row("1900", "哈尔滨海关"),
        Self::row("2200", "上海海关"),
        Self::row("2300", "南京海关"),
        Self::row("2900", "杭州海关"),
        Self::row("3100", "宁波海关"),
        Self::row("3300", "合肥海关"),
        Self::row("3500", "福州海关"),
        Self::row("3700", "厦门海关"),
        Self::row("4000", "南昌海关"),
        Self::row("4200", "青岛海关"),
        Self::row("4300", "济南海关"),
        Self::row("4600", "郑州海关"),
        Self::row("4700", "武汉海关"),
        Self::row("4900", "长沙海关"),
        Self::row("5100", "广州海关"),
        Self::row("5200", "黄埔海关"),
        Self::row("5300", "深圳海关"),
        Self::row("5700", "拱北海关"),
        Self::row("6000", "汕头海关"),
        Self::row("6400", "海口海关"),
        Self::row("6700", "湛江海关"),
        Self::row("6800", "江门海关"),
        Self::row("7200", "南宁海关"),
        Self::row("7900", "成都海关"),
        Self::row("8000", "重庆海关"),
        Self::row("8300", "贵阳海关"),
        Self::row("8600", "昆明海关"),
        Self::row("8800", "拉萨海关"),
        Self::row("9000", "西安海关"),
        Self::row("9400", "乌鲁木齐海关"),
        Self::row("9500", "兰州海关"),
        Self::row("9600", "银川海关"),
        Self::row("9700", "西宁海关"),
    ];
    const DIGITS: usize = 4;
    const TABLE: &'static str = "关区代码表";

    fn code(self) -> &'static str {
        self.code
    }

    fn label(self) -> &'static str {
        self.name
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
        assert_table::<Country>();
        assert_table::<CustomsDistrict>();
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
    fn country_table_holds_every_row_of_the_spec_with_customs_codes() {
        let spec = [
            ("142", "中国"),
            ("110", "中国香港"),
            ("121", "中国澳门"),
            ("143", "中国台湾"),
            ("116", "日本"),
            ("133", "韩国"),
            ("132", "新加坡"),
            ("122", "马来西亚"),
            ("136", "泰国"),
            ("141", "越南"),
            ("129", "菲律宾"),
            ("112", "印度尼西亚"),
            ("111", "印度"),
            ("138", "阿联酋"),
            ("131", "沙特阿拉伯"),
            ("502", "美国"),
            ("501", "加拿大"),
            ("429", "墨西哥"),
            ("410", "巴西"),
            ("303", "英国"),
            ("304", "德国"),
            ("305", "法国"),
            ("307", "意大利"),
            ("309", "荷兰"),
            ("312", "西班牙"),
            ("327", "波兰"),
            ("344", "俄罗斯联邦"),
            ("601", "澳大利亚"),
            ("609", "新西兰"),
            ("244", "南非"),
        ];
        for (code, name) in spec {
            assert_eq!(
                Country::from_code(code).map(Code::label),
                Some(name),
                "{code}"
            );
        }
        // ISO 3166 numeric codes of the same countries must not be in the customs column.
        for iso in [
            "156", "840", "276", "392", "702", "036", "826", "250", "643",
        ] {
            assert_eq!(
                Country::from_code(iso),
                None,
                "ISO code {iso} in customs table"
            );
        }
    }

    #[test]
    fn china_is_a_country_but_not_overseas() {
        assert_eq!(Country::parse("142"), Ok(Country::CHINA));
        assert!(!Country::CHINA.overseas());
        assert!(Country::parse("110").unwrap().overseas());
        assert!(Country::parse("502").unwrap().overseas());
    }

    #[test]
    fn districts_hold_the_direct_customs() {
        assert_eq!(CustomsDistrict::ALL.len(), 42);
        assert_eq!(CustomsDistrict::parse("5300").unwrap().label(), "深圳海关");
        assert_eq!(CustomsDistrict::parse("9700").unwrap().label(), "西宁海关");
    }

    #[test]
    fn parse_reports_format_and_unknown_codes() {
        assert_eq!(
            CustomsDistrict::parse("53"),
            Err(CodeError::Format { digits: 4 })
        );
        assert_eq!(
            CustomsDistrict::parse("53a0"),
            Err(CodeError::Format { digits: 4 })
        );
        assert_eq!(
            Country::parse("５０２"),
            Err(CodeError::Format { digits: 3 })
        );
        let unknown = Country::parse("999").unwrap_err();
        assert_eq!(unknown.to_string(), "代码 999 不在国别（地区）代码表中");
        assert_eq!(
            Ownership::parse("3").unwrap_err().to_string(),
            "代码 3 不在仓库性质代码表中"
        );
        assert_eq!(DocType::parse("02"), Ok(DocType::Lease));
        assert_eq!(DocType::parse("2"), Err(CodeError::Format { digits: 2 }));
    }
}
