//! The two editable forms as they travel between browser and server: what the user typed, as
//! strings, so a half-filled draft (暂存) round-trips without loss. Every field defaults when
//! absent from the JSON. Parsing into the typed values of [`crate::ids`] and [`crate::codes`]
//! happens in validation, which builds on this module; system-assigned fields (申请编号, 海关编码,
//! 状态 …) are not here but in the detail types of the API.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::field::Field;

/// 承诺声明 (A15): what the enterprise declares by ticking [`RegistrationForm::commitment_ack`].
pub const COMMITMENT: &str =
    "本企业承诺所填报的海外仓企业登记信息真实、准确、完整，并承担相应的法律责任。";

/// 海外仓企业登记 (Form A), the fields the user enters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegistrationForm {
    /// 统一社会信用代码 (A3); prefilled by the UI, must equal the enterprise's own.
    pub uscc: String,
    /// 企业名称 (A4); prefilled by the UI, must equal the registered name.
    pub ent_name: String,
    /// 主管海关 (A5), a 关区代码.
    pub customs_district: String,
    /// 监管方式 (A6), codes out of 9810 / 1210 / 0110.
    pub trade_modes: Vec<String>,
    /// 账册编号 (A8), required with 1210.
    pub ems_no: String,
    /// 法定代表人 (A10)
    pub legal_rep: String,
    /// 企业地址 (A11)
    pub ent_address: String,
    /// 联系人 (A12)
    pub contact_name: String,
    /// 联系电话 (A13)
    pub contact_phone: String,
    /// 备注 (A14)
    pub note: String,
    /// 承诺声明 (A15), must be ticked to 申报.
    pub commitment_ack: bool,
}

/// 海外仓资料信息 (Form B), the fields the user enters. 证明材料 (B17) are uploaded separately.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WarehouseForm {
    /// 监管方式 (B3), one of the modes the enterprise registered.
    pub trade_mode: String,
    /// 海外仓名称 (B4)
    pub wh_name: String,
    /// 海外仓编号 (B5), the enterprise's own numbering.
    pub wh_code: String,
    /// 所在国家(地区) (B6), customs 3-digit code.
    pub country_code: String,
    /// 所在城市 (B7)
    pub city: String,
    /// 详细地址 (B8)
    pub wh_address: String,
    /// 邮政编码 (B9)
    pub postcode: String,
    /// 仓库面积(平方米) (B10), decimal text such as `5200` or `1234.5`.
    pub area_sqm: String,
    /// 仓库性质 (B11): `1` 自有, `2` 租赁.
    pub ownership: String,
    /// 租赁起始日期 (B12), `YYYY-MM-DD`.
    pub lease_start: String,
    /// 租赁截止日期 (B13), `YYYY-MM-DD`.
    pub lease_end: String,
    /// 出租方/仓库运营方 (B14)
    pub lessor_name: String,
    /// 关联境外销售平台/店铺 (B15)
    pub sales_platforms: String,
    /// 仓库联系人 (B16)
    pub wh_contact: String,
    /// 仓库联系电话 (B16)
    pub wh_phone: String,
    /// 备注 (B18)
    pub note: String,
}

/// A form read from a JSON object field by field: a key of one of its fields sets that field,
/// other keys are skipped, missing fields keep their defaults — what `#[serde(default)]` would
/// derive, in one loop instead of a reader per field (the browser's module carries every
/// reader it uses).
trait ReadForm: Default {
    /// Reads the value of `key` from `map` into the form, or skips it.
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Reads the value of `key` into the text field of `fields` it names; `false` when none does.
fn read_text<'de, 'a, A: MapAccess<'de>>(
    fields: impl IntoIterator<Item = (Field, &'a mut String)>,
    key: &str,
    map: &mut A,
) -> Result<bool, A::Error> {
    match fields.into_iter().find(|(field, _)| field.key() == key) {
        Some((_, value)) => {
            *value = map.next_value()?;
            Ok(true)
        }
        None => Ok(false),
    }
}

struct FormVisitor<F>(PhantomData<F>);

impl<'de, F: ReadForm> Visitor<'de> for FormVisitor<F> {
    type Value = F;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a form object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<F, A::Error> {
        let mut form = F::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            form.read(&key, &mut map)?;
        }
        Ok(form)
    }
}

impl<'de> Deserialize<'de> for RegistrationForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FormVisitor(PhantomData))
    }
}

impl<'de> Deserialize<'de> for WarehouseForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FormVisitor(PhantomData))
    }
}

impl ReadForm for RegistrationForm {
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "trade_modes" => self.trade_modes = map.next_value()?,
            "commitment_ack" => self.commitment_ack = map.next_value()?,
            _ => {
                if !read_text(self.texts(), key, map)? {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl ReadForm for WarehouseForm {
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        if !read_text(self.texts(), key, map)? {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

fn normalize(field: Field, value: &mut String) {
    let normalized = field.normalize(value);
    if normalized != *value {
        *value = normalized;
    }
}

impl RegistrationForm {
    /// The text fields with their values, in the order of the form.
    pub(crate) fn text_values(&self) -> Vec<(Field, String)> {
        let mut copy = self.clone();
        copy.texts()
            .map(|(field, value)| (field, value.clone()))
            .into()
    }

    /// The text fields (all but 监管方式 and 承诺声明) with their values.
    fn texts(&mut self) -> [(Field, &mut String); 9] {
        [
            (Field::Uscc, &mut self.uscc),
            (Field::EntName, &mut self.ent_name),
            (Field::CustomsDistrict, &mut self.customs_district),
            (Field::EmsNo, &mut self.ems_no),
            (Field::LegalRep, &mut self.legal_rep),
            (Field::EntAddress, &mut self.ent_address),
            (Field::ContactName, &mut self.contact_name),
            (Field::ContactPhone, &mut self.contact_phone),
            (Field::Note, &mut self.note),
        ]
    }

    /// The form as it should be stored ([`Field::normalize`]): surrounding whitespace (including
    /// full-width spaces) removed from every value, codes and phone numbers half-width, 统一社会
    /// 信用代码 upper-case, blank 监管方式 entries dropped. Validation reads values the same way,
    /// so a form and its normalised form get the same errors.
    pub fn normalized(mut self) -> Self {
        let mut modes = std::mem::take(&mut self.trade_modes);
        for (field, value) in self.texts() {
            normalize(field, value);
        }
        for mode in &mut modes {
            normalize(Field::TradeModes, mode);
        }
        modes.retain(|mode| !mode.is_empty());
        self.trade_modes = modes;
        self
    }
}

impl WarehouseForm {
    /// Every field with its value, in the order of the form.
    pub(crate) fn text_values(&self) -> Vec<(Field, String)> {
        let mut copy = self.clone();
        copy.texts()
            .map(|(field, value)| (field, value.clone()))
            .into()
    }

    /// Every field with its value.
    fn texts(&mut self) -> [(Field, &mut String); 16] {
        [
            (Field::TradeMode, &mut self.trade_mode),
            (Field::WhName, &mut self.wh_name),
            (Field::WhCode, &mut self.wh_code),
            (Field::CountryCode, &mut self.country_code),
            (Field::City, &mut self.city),
            (Field::WhAddress, &mut self.wh_address),
            (Field::Postcode, &mut self.postcode),
            (Field::AreaSqm, &mut self.area_sqm),
            (Field::Ownership, &mut self.ownership),
            (Field::LeaseStart, &mut self.lease_start),
            (Field::LeaseEnd, &mut self.lease_end),
            (Field::LessorName, &mut self.lessor_name),
            (Field::SalesPlatforms, &mut self.sales_platforms),
            (Field::WhContact, &mut self.wh_contact),
            (Field::WhPhone, &mut self.wh_phone),
            (Field::Note, &mut self.note),
        ]
    }

    /// The form as it should be stored, read as [`RegistrationForm::normalized`] does.
    pub fn normalized(mut self) -> Self {
        for (field, value) in self.texts() {
            normalize(field, value);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::FilingKind;

    /// Keys of the fields a form carries according to the field table.
    fn entered_keys(kind: FilingKind) -> Vec<&'static str> {
        let mut keys: Vec<_> = kind.form_fields().map(|(field, _)| field.key()).collect();
        keys.sort_unstable();
        keys
    }

    fn json_keys(value: serde_json::Value) -> Vec<String> {
        let mut keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn json_keys_are_the_field_keys() {
        let registration = serde_json::to_value(RegistrationForm::default()).unwrap();
        assert_eq!(
            json_keys(registration),
            entered_keys(FilingKind::Registration)
        );
        let warehouse = serde_json::to_value(WarehouseForm::default()).unwrap();
        assert_eq!(json_keys(warehouse), entered_keys(FilingKind::Warehouse));
    }

    #[test]
    fn half_filled_draft_round_trips() {
        let form: WarehouseForm =
            serde_json::from_str(r#"{"wh_name":"LA 仓 😀","area_sqm":"12.5x"}"#).unwrap();
        assert_eq!(form.wh_name, "LA 仓 😀");
        assert_eq!(form.area_sqm, "12.5x");
        assert_eq!(form.city, "");
        let back: WarehouseForm =
            serde_json::from_str(&serde_json::to_string(&form).unwrap()).unwrap();
        assert_eq!(back, form);
        let empty: RegistrationForm = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, RegistrationForm::default());
    }

    #[test]
    fn forms_read_every_field_and_skip_unknown_keys() {
        let mut registration = RegistrationForm {
            trade_modes: vec!["9810".into(), "1210".into()],
            commitment_ack: true,
            ..RegistrationForm::default()
        };
        for (field, value) in registration.texts() {
            *value = field.key().to_owned();
        }
        let mut warehouse = WarehouseForm::default();
        for (field, value) in warehouse.texts() {
            *value = field.key().to_owned();
        }
        let mut json = serde_json::to_value(&registration).unwrap();
        json["unknown"] = serde_json::json!({ "nested": [1, 2] });
        assert_eq!(
            serde_json::from_value::<RegistrationForm>(json).unwrap(),
            registration
        );
        let json = serde_json::to_string(&warehouse).unwrap();
        assert_eq!(
            serde_json::from_str::<WarehouseForm>(&json).unwrap(),
            warehouse
        );
        assert!(serde_json::from_str::<WarehouseForm>(r#"{"wh_name":5}"#).is_err());
        assert!(serde_json::from_str::<RegistrationForm>(r#"{"commitment_ack":"yes"}"#).is_err());
        assert!(serde_json::from_str::<WarehouseForm>("[]").is_err());
    }

    #[test]
    fn normalized_trims_every_value() {
        let form = RegistrationForm {
            uscc: " 91350100m000100y43\u{3000}".into(),
            contact_phone: "（０５９２）1234567".into(),
            trade_modes: vec![" 9810 ".into(), "  ".into()],
            note: "\t备注\n".into(),
            ..RegistrationForm::default()
        }
        .normalized();
        assert_eq!(form.uscc, "91350100M000100Y43");
        assert_eq!(form.contact_phone, "(0592)1234567");
        assert_eq!(form.trade_modes, ["9810"]);
        assert_eq!(form.note, "备注");
        let warehouse = WarehouseForm {
            area_sqm: " 5200 ".into(),
            wh_phone: "\u{3000}12345".into(),
            ..WarehouseForm::default()
        }
        .normalized();
        assert_eq!(
            (warehouse.area_sqm.as_str(), warehouse.wh_phone.as_str()),
            ("5200", "12345")
        );
    }
}
