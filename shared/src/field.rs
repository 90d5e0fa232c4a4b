//! The fields of both filings (domain.md §2.2 A1–A17, §2.3 B1–B19): JSON key, Chinese label,
//! length limit, and per form whether the user enters them or the system assigns them.

use serde::{Deserialize, Serialize};

/// Which of the two filings. Serialised as `registration` / `warehouse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingKind {
    /// 海外仓企业登记 (Form A)
    Registration,
    /// 海外仓资料信息 (Form B)
    Warehouse,
}

/// Who provides a field, and when it must be present at 申报.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// Entered by the user; required at 申报.
    Required,
    /// Entered by the user; required at 申报 only under a rule (1210 ⇒ 账册编号; 租赁 ⇒ lease fields).
    Conditional,
    /// Entered by the user; may stay empty.
    Optional,
    /// Assigned or derived by the system (login, customs master data, status machine); read-only.
    System,
}

use Requirement::{Conditional, Optional, Required, System};

/// Fields of Form A in spec order (A1–A17).
const REGISTRATION_FIELDS: &[(Field, Requirement)] = &[
    (Field::EntApplyNo, System),
    (Field::CustomsCode, System),
    (Field::Uscc, Required),
    (Field::EntName, Required),
    (Field::CustomsDistrict, System),
    (Field::TradeModes, Required),
    (Field::InZone, System),
    (Field::EmsNo, Conditional),
    (Field::CreditLevel, System),
    (Field::LegalRep, Optional),
    (Field::EntAddress, Optional),
    (Field::ContactName, Required),
    (Field::ContactPhone, Required),
    (Field::Note, Optional),
    (Field::CommitmentAck, Required),
    (Field::OperatorCardNo, System),
    (Field::Status, System),
    (Field::DeclTime, System),
    (Field::LastReturnTime, System),
    (Field::LastReturnInfo, System),
];

/// Fields of Form B in spec order (B1–B19).
const WAREHOUSE_FIELDS: &[(Field, Requirement)] = &[
    (Field::WhApplyNo, System),
    (Field::EntApplyNo, System),
    (Field::CustomsCode, System),
    (Field::EntName, System),
    (Field::TradeMode, Required),
    (Field::WhName, Required),
    (Field::WhCode, Optional),
    (Field::CountryCode, Required),
    (Field::City, Required),
    (Field::WhAddress, Required),
    (Field::Postcode, Optional),
    (Field::AreaSqm, Required),
    (Field::Ownership, Required),
    (Field::LeaseStart, Conditional),
    (Field::LeaseEnd, Conditional),
    (Field::LessorName, Conditional),
    (Field::SalesPlatforms, Optional),
    (Field::WhContact, Optional),
    (Field::WhPhone, Optional),
    (Field::Attachments, Required),
    (Field::Note, Optional),
    (Field::Status, System),
    (Field::DeclTime, System),
    (Field::LastReturnTime, System),
    (Field::LastReturnInfo, System),
];

impl FilingKind {
    /// Chinese name of the filing.
    pub fn label(self) -> &'static str {
        match self {
            Self::Registration => "海外仓企业登记",
            Self::Warehouse => "海外仓资料信息",
        }
    }

    /// The form's fields in spec order, with who provides them.
    pub fn fields(self) -> &'static [(Field, Requirement)] {
        match self {
            Self::Registration => REGISTRATION_FIELDS,
            Self::Warehouse => WAREHOUSE_FIELDS,
        }
    }

    /// The fields the form carries as it travels (module `form`): those the user enters, and
    /// 主管海关, which the system assigns but the declaration message carries — not 证明材料,
    /// uploaded apart.
    pub fn form_fields(self) -> impl Iterator<Item = (Field, Requirement)> {
        self.fields()
            .iter()
            .copied()
            .filter(|&(field, requirement)| {
                (requirement != System || field == Field::CustomsDistrict)
                    && field != Field::Attachments
            })
    }
}

/// A field of either filing. Fields that appear on both forms (企业名称, 备注, 状态 …) are one
/// variant with one key and one label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// 企业申请编号 (A1, B2)
    EntApplyNo,
    /// 海关编码 (A2, B2)
    CustomsCode,
    /// 统一社会信用代码 (A3)
    Uscc,
    /// 企业名称 (A4, B2)
    EntName,
    /// 主管海关 (A5)
    CustomsDistrict,
    /// 监管方式, several (A6)
    TradeModes,
    /// 区内企业标识 (A7)
    InZone,
    /// 账册编号 (A8)
    EmsNo,
    /// 信用等级 (A9)
    CreditLevel,
    /// 法定代表人 (A10)
    LegalRep,
    /// 企业地址 (A11)
    EntAddress,
    /// 联系人 (A12)
    ContactName,
    /// 联系电话 (A13)
    ContactPhone,
    /// 备注 (A14, B18)
    Note,
    /// 承诺声明 (A15)
    CommitmentAck,
    /// 录入/申报人卡号 (A16)
    OperatorCardNo,
    /// 状态 (A17, B19)
    Status,
    /// 申报时间 (A17, B19)
    DeclTime,
    /// 最新回执时间 (A17, B19)
    LastReturnTime,
    /// 回执信息 (A17, B19)
    LastReturnInfo,
    /// 申请编号 (B1)
    WhApplyNo,
    /// 监管方式, one (B3)
    TradeMode,
    /// 海外仓名称 (B4)
    WhName,
    /// 海外仓编号 (B5)
    WhCode,
    /// 所在国家(地区) (B6)
    CountryCode,
    /// 所在城市 (B7)
    City,
    /// 详细地址 (B8)
    WhAddress,
    /// 邮政编码 (B9)
    Postcode,
    /// 仓库面积(平方米) (B10)
    AreaSqm,
    /// 仓库性质 (B11)
    Ownership,
    /// 租赁起始日期 (B12)
    LeaseStart,
    /// 租赁截止日期 (B13)
    LeaseEnd,
    /// 出租方/仓库运营方 (B14)
    LessorName,
    /// 关联境外销售平台/店铺 (B15)
    SalesPlatforms,
    /// 仓库联系人 (B16)
    WhContact,
    /// 仓库联系电话 (B16)
    WhPhone,
    /// 证明材料 (B17)
    Attachments,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Self::EntApplyNo,
        Self::CustomsCode,
        Self::Uscc,
        Self::EntName,
        Self::CustomsDistrict,
        Self::TradeModes,
        Self::InZone,
        Self::EmsNo,
        Self::CreditLevel,
        Self::LegalRep,
        Self::EntAddress,
        Self::ContactName,
        Self::ContactPhone,
        Self::Note,
        Self::CommitmentAck,
        Self::OperatorCardNo,
        Self::Status,
        Self::DeclTime,
        Self::LastReturnTime,
        Self::LastReturnInfo,
        Self::WhApplyNo,
        Self::TradeMode,
        Self::WhName,
        Self::WhCode,
        Self::CountryCode,
        Self::City,
        Self::WhAddress,
        Self::Postcode,
        Self::AreaSqm,
        Self::Ownership,
        Self::LeaseStart,
        Self::LeaseEnd,
        Self::LessorName,
        Self::SalesPlatforms,
        Self::WhContact,
        Self::WhPhone,
        Self::Attachments,
    ];

    /// The snake_case JSON name: the key in forms, DTOs and error maps.
    pub fn key(self) -> &'static str {
        match self {
            Self::EntApplyNo => "ent_apply_no",
            Self::CustomsCode => "customs_code",
            Self::Uscc => "uscc",
            Self::EntName => "ent_name",
            Self::CustomsDistrict => "customs_district",
            Self::TradeModes => "trade_modes",
            Self::InZone => "in_zone",
            Self::EmsNo => "ems_no",
            Self::CreditLevel => "credit_level",
            Self::LegalRep => "legal_rep",
            Self::EntAddress => "ent_address",
            Self::ContactName => "contact_name",
            Self::ContactPhone => "contact_phone",
            Self::Note => "note",
            Self::CommitmentAck => "commitment_ack",
            Self::OperatorCardNo => "operator_card_no",
            Self::Status => "status",
            Self::DeclTime => "decl_time",
            Self::LastReturnTime => "last_return_time",
            Self::LastReturnInfo => "last_return_info",
            Self::WhApplyNo => "wh_apply_no",
            Self::TradeMode => "trade_mode",
            Self::WhName => "wh_name",
            Self::WhCode => "wh_code",
            Self::CountryCode => "country_code",
            Self::City => "city",
            Self::WhAddress => "wh_address",
            Self::Postcode => "postcode",
            Self::AreaSqm => "area_sqm",
            Self::Ownership => "ownership",
            Self::LeaseStart => "lease_start",
            Self::LeaseEnd => "lease_end",
            Self::LessorName => "lessor_name",
            Self::SalesPlatforms => "sales_platforms",
            Self::WhContact => "wh_contact",
            Self::WhPhone => "wh_phone",
            Self::Attachments => "attachments",
        }
    }

    /// The Chinese label shown next to the input.
    pub fn label(self) -> &'static str {
        match self {
            Self::EntApplyNo => "企业申请编号",
            Self::CustomsCode => "海关编码",
            Self::Uscc => "统一社会信用代码",
            Self::EntName => "企业名称",
            Self::CustomsDistrict => "主管海关",
            Self::TradeModes | Self::TradeMode => "监管方式",
            Self::InZone => "区内企业标识",
            Self::EmsNo => "账册编号",
            Self::CreditLevel => "信用等级",
            Self::LegalRep => "法定代表人",
            Self::EntAddress => "企业地址",
            Self::ContactName => "联系人",
            Self::ContactPhone => "联系电话",
            Self::Note => "备注",
            Self::CommitmentAck => "承诺声明",
            Self::OperatorCardNo => "录入/申报人卡号",
            Self::Status => "状态",
            Self::DeclTime => "申报时间",
            Self::LastReturnTime => "最新回执时间",
            Self::LastReturnInfo => "回执信息",
            Self::WhApplyNo => "申请编号",
            Self::WhName => "海外仓名称",
            Self::WhCode => "海外仓编号",
            Self::CountryCode => "所在国家(地区)",
            Self::City => "所在城市",
            Self::WhAddress => "详细地址",
            Self::Postcode => "邮政编码",
            Self::AreaSqm => "仓库面积(平方米)",
            Self::Ownership => "仓库性质",
            Self::LeaseStart => "租赁起始日期",
            Self::LeaseEnd => "租赁截止日期",
            Self::LessorName => "出租方/仓库运营方",
            Self::SalesPlatforms => "关联境外销售平台/店铺",
            Self::WhContact => "仓库联系人",
            Self::WhPhone => "仓库联系电话",
            Self::Attachments => "证明材料",
        }
    }

    /// The field with this JSON key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|field| field.key() == key)
    }

    /// Maximum length in characters (C..n / Cn of §2; N19,5 allows 14 + 1 + 5), for text inputs;
    /// `None` for flags, lists and values without a text form.
    pub fn max_chars(self) -> Option<usize> {
        let max = match self {
            Self::EntApplyNo | Self::WhApplyNo | Self::Uscc => 18,
            Self::CustomsCode => 10,
            Self::EntName | Self::WhName | Self::City => 100,
            Self::CustomsDistrict => 4,
            Self::EmsNo | Self::WhCode | Self::ContactPhone | Self::WhPhone => 30,
            Self::LegalRep | Self::ContactName | Self::WhContact => 50,
            Self::EntAddress | Self::LessorName => 200,
            Self::Note | Self::LastReturnInfo => 1000,
            Self::OperatorCardNo => 13,
            Self::CountryCode => 3,
            Self::WhAddress => 255,
            Self::Postcode | Self::AreaSqm => 20,
            Self::LeaseStart | Self::LeaseEnd => 10,
            Self::SalesPlatforms => 500,
            Self::TradeMode => 4,
            Self::TradeModes
            | Self::InZone
            | Self::CreditLevel
            | Self::CommitmentAck
            | Self::Status
            | Self::DeclTime
            | Self::LastReturnTime
            | Self::Ownership
            | Self::Attachments => return None,
        };
        Some(max)
    }

    /// Whether the field holds a code, number, date or phone number: typed full-width
    /// characters are stored as their half-width forms ([`crate::text::code_input`]).
    pub fn code_like(self) -> bool {
        matches!(
            self,
            Self::Uscc
                | Self::CustomsCode
                | Self::CustomsDistrict
                | Self::TradeModes
                | Self::TradeMode
                | Self::CountryCode
                | Self::AreaSqm
                | Self::Ownership
                | Self::LeaseStart
                | Self::LeaseEnd
                | Self::ContactPhone
                | Self::WhPhone
        )
    }

    /// Whether lower-case letters typed into the field are stored upper-case (统一社会信用代码,
    /// 海关编码: their letters are upper-case only).
    pub fn upper_case(self) -> bool {
        matches!(self, Self::Uscc | Self::CustomsCode)
    }

    /// `raw` as the field stores it: trimmed, and for [`Self::code_like`] fields half-width
    /// (upper-case where [`Self::upper_case`]).
    pub fn normalize(self, raw: &str) -> String {
        if self.code_like() {
            crate::text::code_input(raw.trim(), self.upper_case())
                .trim()
                .to_owned()
        } else {
            raw.trim().to_owned()
        }
    }

    /// Who provides the field on `kind`'s form; `None` when the form has no such field.
    pub fn requirement(self, kind: FilingKind) -> Option<Requirement> {
        kind.fields()
            .iter()
            .find(|(field, _)| *field == self)
            .map(|&(_, requirement)| requirement)
    }

    /// Whether the user must fill the field for 申报 on `kind`'s form, whatever else is filled.
    pub fn required(self, kind: FilingKind) -> bool {
        self.requirement(kind) == Some(Required)
    }

    /// Whether the system assigns the field on `kind`'s form (read-only in the UI).
    pub fn system_assigned(self, kind: FilingKind) -> bool {
        self.requirement(kind) == Some(System)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn keys_and_labels_are_unique_and_round_trip() {
        let mut keys = HashSet::new();
        for &field in Field::ALL {
            assert!(keys.insert(field.key()), "duplicate key {}", field.key());
            assert_eq!(Field::from_key(field.key()), Some(field));
            assert!(!field.label().is_empty());
            let snake = field
                .key()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_');
            assert!(snake, "{}", field.key());
        }
        assert_eq!(Field::from_key("nope"), None);
    }

    #[test]
    fn every_field_is_on_some_form_and_forms_have_the_spec_size() {
        for &field in Field::ALL {
            assert!(
                field.requirement(FilingKind::Registration).is_some()
                    || field.requirement(FilingKind::Warehouse).is_some(),
                "{field:?} on no form"
            );
        }
        // A1–A17 with A17 split into 状态/申报时间/最新回执时间/回执信息; B1–B19 likewise with B2
        // split into three and B16 into two.
        assert_eq!(FilingKind::Registration.fields().len(), 20);
        assert_eq!(FilingKind::Warehouse.fields().len(), 25);
    }

    #[test]
    fn entered_and_system_fields_per_form() {
        use FilingKind::{Registration, Warehouse};
        assert!(Field::EntName.required(Registration));
        assert!(Field::EntName.system_assigned(Warehouse));
        assert!(Field::CustomsCode.system_assigned(Registration));
        assert!(Field::InZone.system_assigned(Registration));
        assert!(Field::CreditLevel.system_assigned(Registration));
        assert!(Field::WhApplyNo.system_assigned(Warehouse));
        assert!(!Field::EmsNo.required(Registration));
        assert_eq!(Field::EmsNo.requirement(Registration), Some(Conditional));
        assert_eq!(Field::LeaseEnd.requirement(Warehouse), Some(Conditional));
        assert_eq!(Field::WhCode.requirement(Warehouse), Some(Optional));
        assert!(Field::Attachments.required(Warehouse));
        assert_eq!(Field::WhName.requirement(Registration), None);
        assert!(!Field::WhName.system_assigned(Registration));
    }

    #[test]
    fn limits_follow_the_spec() {
        assert_eq!(Field::EntName.max_chars(), Some(100));
        assert_eq!(Field::WhAddress.max_chars(), Some(255));
        assert_eq!(Field::SalesPlatforms.max_chars(), Some(500));
        assert_eq!(Field::Note.max_chars(), Some(1000));
        assert_eq!(Field::CommitmentAck.max_chars(), None);
    }

    #[test]
    fn filing_kind_serialises_snake_case() {
        assert_eq!(
            serde_json::to_string(&FilingKind::Warehouse).unwrap(),
            r#""warehouse""#
        );
        assert_eq!(FilingKind::Registration.label(), "海外仓企业登记");
    }
}
