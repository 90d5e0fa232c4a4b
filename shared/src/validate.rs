//! Validation of both forms, the same code in the browser and on the server.
//!
//! Two levels: [`Level::Draft`] (暂存) checks that every *filled* field is well-formed and refuses
//! what may not even be entered (1210 for a non-zone enterprise, R4; a 统一社会信用代码 or 企业名称
//! other than the enterprise's own; a warehouse in 142 中国; a lease ending before it starts);
//! [`Level::Declare`] (申报) adds the required and conditionally required fields (账册编号 with
//! 1210, lease fields when 租赁, 承诺声明) and the rules that only block declaring (enterprise
//! credit R2, lease expiry R7, 监管方式 registered on Form A, proof documents R6). Values are
//! checked with surrounding whitespace ignored.
//!
//! The result maps a field key ([`Field::key`]) to one Chinese message that says what is wrong
//! and how to fix it; problems of the filing as a whole are under [`FORM_KEY`].

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::Arc;

use crate::codes::table::warehouse_location_refusal;
use crate::codes::{Code, CodeTables, DocType, Ownership, TradeMode};
use crate::enterprise::{CreditLevel, EnterpriseInfo};
use crate::field::{Field, FilingKind};
use crate::form::{RegistrationForm, WarehouseForm};
use crate::ids::{Area, Date, Phone, Uscc};
use crate::text;

/// Field key → Chinese message; the `fields` of the API's error body.
pub type FieldErrors = BTreeMap<String, String>;

/// Key of errors about the filing as a whole (e.g. a 失信企业 may not declare).
pub const FORM_KEY: &str = "_form";

/// How strictly to validate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// 暂存: filled fields must be well-formed; missing ones are fine.
    Draft,
    /// 申报: everything required, and every cross-field rule.
    Declare,
}

/// Facts about the logged-in enterprise that validation needs. The server fills it from
/// customs master data and its own tables; the browser from the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// 区内企业 (A7): may use 监管方式 1210.
    pub in_zone: bool,
    /// 信用等级 (A9): 失信企业 may not declare.
    pub credit_level: CreditLevel,
    /// Today's date, the 申报 date for the lease-expiry rule.
    pub today: Date,
    /// The enterprise's own 统一社会信用代码; A3 must equal it.
    pub uscc: String,
    /// The enterprise's registered 企业名称; A4 must equal it.
    pub ent_name: String,
    /// The enterprise's 主管海关 in customs master data; A5 must equal it.
    pub customs_district: String,
    /// The 监管方式 of the enterprise's 海外仓企业登记 (Form A); B3 must be one of them.
    /// Which registration counts (e.g. not 退单) is the server's decision.
    pub registered_trade_modes: Vec<TradeMode>,
    /// The customs master data (国别(地区), 关区, 监管方式, 币制, 计量单位) codes are checked against.
    pub tables: Arc<CodeTables>,
}

impl Context {
    /// The context of `enterprise`'s filings on `today`; `registered_trade_modes` are the 监管方式
    /// codes of the registration that counts (unknown codes are left out).
    pub fn new(
        enterprise: &EnterpriseInfo,
        today: Date,
        registered_trade_modes: &[String],
        tables: Arc<CodeTables>,
    ) -> Self {
        Self {
            in_zone: enterprise.in_zone,
            credit_level: enterprise.credit_level,
            today,
            uscc: enterprise.uscc.clone(),
            ent_name: enterprise.name.clone(),
            customs_district: enterprise.customs_district.clone(),
            tables,
            registered_trade_modes: registered_trade_modes
                .iter()
                .filter_map(|code| TradeMode::from_code(code))
                .collect(),
        }
    }
}

/// Field errors of a filing as one line: `label：message；…` (a message about the whole form
/// without a label).
pub fn describe(errors: &FieldErrors) -> String {
    errors
        .iter()
        .map(|(key, message)| match Field::from_key(key) {
            Some(field) if key != FORM_KEY => format!("{}：{message}", field.label()),
            _ => message.clone(),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Validates Form A.
pub fn validate_registration(form: &RegistrationForm, level: Level, ctx: &Context) -> FieldErrors {
    let mut c = Checker::new(FilingKind::Registration, level);
    if let Some(uscc) = c.parse(Field::Uscc, &form.uscc, Uscc::parse) {
        if uscc.as_str() != ctx.uscc.trim() {
            c.error(
                Field::Uscc,
                format!(
                    "统一社会信用代码必须与本企业登记的 {} 一致",
                    ctx.uscc.trim()
                ),
            );
        }
    }
    if let Some(name) = c.name(Field::EntName, &form.ent_name) {
        if !text::same_name(name, ctx.ent_name.trim()) {
            c.error(
                Field::EntName,
                format!(
                    "企业名称必须与海关登记的企业名称“{}”完全一致",
                    ctx.ent_name.trim()
                ),
            );
        }
    }
    customs_district(&mut c, &form.customs_district, ctx);
    let modes = registration_trade_modes(&mut c, &form.trade_modes, ctx);
    let ems_no = c.text(Field::EmsNo, &form.ems_no);
    if level == Level::Declare && ems_no.is_none() && modes.contains(&TradeMode::BondedEcommerce) {
        c.error(Field::EmsNo, "选择监管方式 1210 时必须填写账册编号".into());
    }
    c.name(Field::LegalRep, &form.legal_rep);
    c.text(Field::EntAddress, &form.ent_address);
    c.name(Field::ContactName, &form.contact_name);
    c.parse(Field::ContactPhone, &form.contact_phone, Phone::parse);
    c.text(Field::Note, &form.note);
    if level == Level::Declare && !form.commitment_ack {
        c.error(Field::CommitmentAck, "请阅读并勾选承诺声明后再申报".into());
    }
    c.finish(ctx)
}

/// A5 主管海关: assigned from customs master data, so it must be the enterprise's own; a form
/// that says otherwise (an old draft, an altered request) names both and what to do.
fn customs_district(c: &mut Checker, raw: &str, ctx: &Context) {
    let districts = &ctx.tables.districts;
    let own = ctx.customs_district.trim();
    let sent = match c.parse(Field::CustomsDistrict, raw, |v| districts.parse(v)) {
        Some(row) if row.code == own => return,
        Some(row) => row.display(),
        None if c.level == Level::Declare && raw.trim().is_empty() => "空".to_owned(),
        None => return,
    };
    c.error(
        Field::CustomsDistrict,
        format!(
            "主管海关应为本企业在海关登记的 {}（当前为 {sent}）。主管海关取自海关企业信息，不能自行修改：请重新打开本登记并暂存后再申报；如海关登记的主管海关有误，请联系主管海关更正企业信息",
            districts.display(own)
        ),
    );
}

/// Validates Form B. `attachments` are the types of the proof documents (证明材料) stored for
/// the record; the server fills them from its files, the browser from the record's detail.
pub fn validate_warehouse(
    form: &WarehouseForm,
    attachments: &[DocType],
    level: Level,
    ctx: &Context,
) -> FieldErrors {
    let mut c = Checker::new(FilingKind::Warehouse, level);
    if let Some(mode) = trade_mode(&mut c, Field::TradeMode, &form.trade_mode, ctx) {
        if !ctx.registered_trade_modes.contains(&mode) {
            let registered = if ctx.registered_trade_modes.is_empty() {
                "无".to_owned()
            } else {
                codes_list(&ctx.registered_trade_modes)
            };
            c.error(
                Field::TradeMode,
                format!(
                    "监管方式 {} 不在本企业海外仓企业登记的监管方式中（已登记：{registered}），请改选或先变更企业登记",
                    mode.code()
                ),
            );
        }
    }
    c.name(Field::WhName, &form.wh_name);
    c.text(Field::WhCode, &form.wh_code);
    let countries = &ctx.tables.countries;
    if let Some(country) = c.parse(Field::CountryCode, &form.country_code, |v| {
        countries.parse(v)
    }) {
        if let Some(why) = warehouse_location_refusal(&country.code) {
            c.error(
                Field::CountryCode,
                format!("所在国家(地区)不能选择 {}：{why}", country.display()),
            );
        }
    }
    c.text(Field::City, &form.city);
    c.text(Field::WhAddress, &form.wh_address);
    c.text(Field::Postcode, &form.postcode);
    c.parse(Field::AreaSqm, &form.area_sqm, Area::parse);
    let ownership = c.parse(Field::Ownership, &form.ownership, Ownership::parse);
    let start = c.parse(Field::LeaseStart, &form.lease_start, Date::parse);
    let end = c.parse(Field::LeaseEnd, &form.lease_end, Date::parse);
    let lessor = c.name(Field::LessorName, &form.lessor_name);
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            c.error(
                Field::LeaseEnd,
                format!("租赁截止日期不能早于租赁起始日期 {start}"),
            );
        }
    }
    c.text(Field::SalesPlatforms, &form.sales_platforms);
    c.name(Field::WhContact, &form.wh_contact);
    c.parse(Field::WhPhone, &form.wh_phone, Phone::parse);
    c.text(Field::Note, &form.note);
    if level == Level::Declare {
        if ownership == Some(Ownership::Leased) {
            let filled = [
                (Field::LeaseStart, start.is_some()),
                (Field::LeaseEnd, end.is_some()),
                (Field::LessorName, lessor.is_some()),
            ];
            for (field, filled) in filled {
                if !filled {
                    c.error(field, format!("仓库性质为租赁时必须填写{}", field.label()));
                }
            }
            if let Some(end) = end.filter(|end| *end < ctx.today) {
                c.error(
                    Field::LeaseEnd,
                    format!(
                        "租赁已于 {end} 到期：租赁截止日期不能早于申报日期 {}，请续租后更新租赁信息",
                        ctx.today
                    ),
                );
            }
        }
        if let Some(ownership) = ownership {
            let needed = match ownership {
                Ownership::Owned => DocType::Ownership,
                Ownership::Leased => DocType::Lease,
            };
            if !attachments.contains(&needed) {
                c.error(
                    Field::Attachments,
                    format!(
                        "仓库性质为{}时须上传至少 1 份“{} {}”",
                        ownership.label(),
                        needed.code(),
                        needed.label()
                    ),
                );
            }
        }
    }
    c.finish(ctx)
}

/// A6: every entry a filing mode, no repeats, 1210 only for zone enterprises.
fn registration_trade_modes(c: &mut Checker, raw: &[String], ctx: &Context) -> Vec<TradeMode> {
    let mut modes = Vec::new();
    for entry in raw.iter().filter(|entry| !entry.trim().is_empty()) {
        let Some(mode) = trade_mode(c, Field::TradeModes, entry, ctx) else {
            continue;
        };
        if modes.contains(&mode) {
            c.error(
                Field::TradeModes,
                format!("监管方式 {} 重复选择", mode.code()),
            );
        } else {
            modes.push(mode);
        }
    }
    if modes.is_empty() {
        c.missing(Field::TradeModes);
    }
    modes
}

/// One 监管方式 of A6 or B3: a code of the table, offered by the filing forms, and 1210 only
/// for a 区内企业 (R4, refused already at 暂存).
fn trade_mode(c: &mut Checker, field: Field, raw: &str, ctx: &Context) -> Option<TradeMode> {
    let row = c.parse(field, raw, |v| ctx.tables.trade_modes.parse(v))?;
    let Some(mode) = TradeMode::from_code(&row.code).filter(|m| m.offered_for_filing()) else {
        c.error(
            field,
            format!(
                "监管方式 {}（{}）不适用于海外仓备案，可选 {}",
                row.code,
                row.name,
                codes_list(&TradeMode::FILING_OPTIONS)
            ),
        );
        return None;
    };
    if mode == TradeMode::BondedEcommerce && !ctx.in_zone {
        c.error(
            field,
            "监管方式 1210 仅限区内企业选择；本企业不是区内企业".into(),
        );
        return None;
    }
    Some(mode)
}

fn codes_list(modes: &[TradeMode]) -> String {
    modes
        .iter()
        .map(|m| m.code())
        .collect::<Vec<_>>()
        .join("、")
}

/// Collects the first error of each field.
struct Checker {
    kind: FilingKind,
    level: Level,
    errors: FieldErrors,
}

impl Checker {
    fn new(kind: FilingKind, level: Level) -> Self {
        Self {
            kind,
            level,
            errors: FieldErrors::new(),
        }
    }

    /// Records `message` for `field` unless the field already has an error.
    fn error(&mut self, field: Field, message: String) {
        self.errors.entry(field.key().to_owned()).or_insert(message);
    }

    /// Records "please fill in" for `field` at 申报 level.
    fn missing(&mut self, field: Field) {
        if self.level == Level::Declare {
            let verb = match field {
                Field::CustomsDistrict
                | Field::TradeModes
                | Field::TradeMode
                | Field::CountryCode
                | Field::Ownership => "请选择",
                _ => "请填写",
            };
            self.error(field, format!("{verb}{}", field.label()));
        }
    }

    /// The trimmed value, or `None` when blank (then missing if the form requires the field).
    fn filled<'v>(&mut self, field: Field, raw: &'v str) -> Option<&'v str> {
        let value = raw.trim();
        if value.is_empty() {
            if field.required(self.kind) {
                self.missing(field);
            }
            return None;
        }
        Some(value)
    }

    /// A free-text field within its length limit.
    fn text<'v>(&mut self, field: Field, raw: &'v str) -> Option<&'v str> {
        let value = self.filled(field, raw)?;
        let checked = text::check(value, field.max_chars().unwrap_or(usize::MAX));
        self.accept(field, checked.map(|()| value))
    }

    /// A name (of the enterprise, the warehouse, a person): free text without the invisible
    /// characters that could disguise it.
    fn name<'v>(&mut self, field: Field, raw: &'v str) -> Option<&'v str> {
        let value = self.filled(field, raw)?;
        let checked = text::check_name(value, field.max_chars().unwrap_or(usize::MAX));
        self.accept(field, checked.map(|()| value))
    }

    /// A code, number or date, parsed by `parse` as stored: full-width characters as their
    /// half-width forms, and upper-case where the code has only upper-case letters
    /// ([`text::code_input`], the same conversion the browser makes as the clerk types).
    fn parse<T, E: Display>(
        &mut self,
        field: Field,
        raw: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let value = self.filled(field, raw)?;
        let value = text::code_input(value, field.upper_case());
        self.accept(field, parse(value.trim()))
    }

    fn accept<T, E: Display>(&mut self, field: Field, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.error(field, format!("{}{e}", field.label()));
                None
            }
        }
    }

    /// The errors, plus the enterprise-level refusal to declare (R2).
    fn finish(mut self, ctx: &Context) -> FieldErrors {
        if self.level == Level::Declare && ctx.credit_level == CreditLevel::Discredited {
            self.errors.insert(
                FORM_KEY.to_owned(),
                format!(
                    "本企业信用等级为失信企业，不能申报{}；信用等级恢复为注册登记和备案企业或以上后方可申报",
                    self.kind.label()
                ),
            );
        }
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_read_as_one_line() {
        let errors = FieldErrors::from([
            ("uscc".to_owned(), "格式错误".to_owned()),
            (FORM_KEY.to_owned(), "失信企业不能申报".to_owned()),
        ]);
        assert_eq!(
            describe(&errors),
            "失信企业不能申报；统一社会信用代码：格式错误"
        );
    }

    fn ctx() -> Context {
        Context {
            in_zone: false,
            credit_level: CreditLevel::Registered,
            today: Date::parse("2025-03-12").unwrap(),
            uscc: "91350100M000100Y43".into(),
            ent_name: "厦门海外仓贸易有限公司".into(),
            customs_district: "3700".into(),
            registered_trade_modes: vec![TradeMode::OverseasWarehouse, TradeMode::General],
            tables: tables(),
        }
    }

    fn tables() -> Arc<CodeTables> {
        CodeTables::embedded()
    }

    fn zone_ctx() -> Context {
        Context {
            in_zone: true,
            registered_trade_modes: vec![TradeMode::BondedEcommerce],
            ..ctx()
        }
    }

    #[test]
    fn context_of_an_enterprise_keeps_the_known_trade_modes() {
        let enterprise = EnterpriseInfo {
            id: 1,
            customs_code: "3502960001".into(),
            uscc: "91350100M000100Y43".into(),
            name: "厦门海外仓贸易有限公司".into(),
            customs_district: "3700".into(),
            in_zone: false,
            credit_level: CreditLevel::Registered,
        };
        let codes = ["9810".to_owned(), "bogus".to_owned(), "0110".to_owned()];
        let made = Context::new(
            &enterprise,
            Date::parse("2025-03-12").unwrap(),
            &codes,
            tables(),
        );
        assert_eq!(made, ctx());
    }

    fn registration() -> RegistrationForm {
        RegistrationForm {
            uscc: "91350100M000100Y43".into(),
            ent_name: "厦门海外仓贸易有限公司".into(),
            customs_district: "3700".into(),
            trade_modes: vec!["9810".into(), "0110".into()],
            contact_name: "张三".into(),
            contact_phone: "0592-1234567".into(),
            commitment_ack: true,
            ..RegistrationForm::default()
        }
    }

    fn warehouse() -> WarehouseForm {
        WarehouseForm {
            trade_mode: "9810".into(),
            wh_name: "LA Ontario DC".into(),
            country_code: "502".into(),
            city: "Ontario, CA".into(),
            wh_address: "1234 E Francis St".into(),
            area_sqm: "5200".into(),
            ownership: "1".into(),
            ..WarehouseForm::default()
        }
    }

    fn leased() -> WarehouseForm {
        WarehouseForm {
            ownership: "2".into(),
            lease_start: "2024-01-01".into(),
            lease_end: "2026-12-31".into(),
            lessor_name: "Ontario Logistics LLC".into(),
            ..warehouse()
        }
    }

    fn reg_errors(form: &RegistrationForm, level: Level) -> FieldErrors {
        validate_registration(form, level, &ctx())
    }

    fn wh_errors(form: &WarehouseForm, docs: &[DocType], level: Level) -> FieldErrors {
        validate_warehouse(form, docs, level, &ctx())
    }

    fn only(errors: &FieldErrors, key: &str) -> String {
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors
            .get(key)
            .cloned()
            .unwrap_or_else(|| panic!("{errors:?}"))
    }

    #[test]
    fn complete_forms_pass_both_levels() {
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(reg_errors(&registration(), level), FieldErrors::new());
            assert_eq!(
                wh_errors(&warehouse(), &[DocType::Ownership], level),
                FieldErrors::new()
            );
            assert_eq!(
                wh_errors(&leased(), &[DocType::Lease, DocType::Other], level),
                FieldErrors::new()
            );
        }
    }

    #[test]
    fn empty_forms_are_valid_drafts_but_not_declarable() {
        assert!(reg_errors(&RegistrationForm::default(), Level::Draft).is_empty());
        assert!(wh_errors(&WarehouseForm::default(), &[], Level::Draft).is_empty());

        let errors = reg_errors(&RegistrationForm::default(), Level::Declare);
        let keys: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "commitment_ack",
                "contact_name",
                "contact_phone",
                "customs_district",
                "ent_name",
                "trade_modes",
                "uscc"
            ]
        );
        assert_eq!(errors["uscc"], "请填写统一社会信用代码");
        assert!(errors["customs_district"]
            .starts_with("主管海关应为本企业在海关登记的 3700 厦门关区（当前为 空）"));
        assert_eq!(errors["commitment_ack"], "请阅读并勾选承诺声明后再申报");

        let errors = wh_errors(&WarehouseForm::default(), &[], Level::Declare);
        let keys: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "area_sqm",
                "city",
                "country_code",
                "ownership",
                "trade_mode",
                "wh_address",
                "wh_name"
            ]
        );
        assert_eq!(errors["country_code"], "请选择所在国家(地区)");
    }

    #[test]
    fn optional_fields_may_stay_empty_at_declare() {
        let form = RegistrationForm {
            legal_rep: String::new(),
            ent_address: String::new(),
            note: String::new(),
            ..registration()
        };
        assert!(reg_errors(&form, Level::Declare).is_empty());
        let form = WarehouseForm {
            wh_code: "  ".into(),
            postcode: String::new(),
            wh_phone: String::new(),
            ..warehouse()
        };
        assert!(wh_errors(&form, &[DocType::Ownership], Level::Declare).is_empty());
    }

    #[test]
    fn uscc_must_be_valid_and_the_enterprise_own() {
        let bad = RegistrationForm {
            uscc: "91350100M000100Y44".into(),
            ..registration()
        };
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(
                only(&reg_errors(&bad, level), "uscc"),
                "统一社会信用代码校验位错误：按 GB 32100-2015 计算第18位应为 3（当前为 4）"
            );
        }
        let other = RegistrationForm {
            uscc: "914403001922038216".into(),
            ..registration()
        };
        assert_eq!(
            only(&reg_errors(&other, Level::Draft), "uscc"),
            "统一社会信用代码必须与本企业登记的 91350100M000100Y43 一致"
        );
        let padded = RegistrationForm {
            uscc: "\u{3000}91350100M000100Y43 ".into(),
            ..registration()
        };
        assert!(reg_errors(&padded, Level::Declare).is_empty());
    }

    #[test]
    fn enterprise_name_length_and_identity() {
        let long = RegistrationForm {
            ent_name: "企".repeat(105),
            ..registration()
        };
        assert_eq!(
            only(&reg_errors(&long, Level::Draft), "ent_name"),
            "企业名称最多 100 个字符（当前 105 个）"
        );
        let off_by_one = RegistrationForm {
            ent_name: "厦门海外仓贸易有限公司。".into(),
            ..registration()
        };
        assert_eq!(
            only(&reg_errors(&off_by_one, Level::Draft), "ent_name"),
            "企业名称必须与海关登记的企业名称“厦门海外仓贸易有限公司”完全一致"
        );
    }

    #[test]
    fn customs_district_is_the_enterprise_s_own_from_master_data() {
        for (input, message) in [
            ("9999", "主管海关代码 9999 不在关区代码表中"),
            ("37", "主管海关应为 4 位代码（数字或大写字母）"),
        ] {
            let form = RegistrationForm {
                customs_district: input.into(),
                ..registration()
            };
            assert_eq!(
                only(&reg_errors(&form, Level::Draft), "customs_district"),
                message
            );
        }
        // Full-width digits read as what the clerk meant.
        let full_width = RegistrationForm {
            customs_district: "３７００".into(),
            ..registration()
        };
        assert!(reg_errors(&full_width, Level::Declare).is_empty());
        let other = RegistrationForm {
            customs_district: "5304".into(),
            ..registration()
        };
        let message = only(&reg_errors(&other, Level::Draft), "customs_district");
        assert!(
            message.starts_with(
                "主管海关应为本企业在海关登记的 3700 厦门关区（当前为 5304 蛇口海关）"
            ),
            "{message}"
        );
        assert!(
            message.contains("请重新打开本登记并暂存后再申报"),
            "{message}"
        );
        let blank = RegistrationForm {
            customs_district: String::new(),
            ..registration()
        };
        assert!(reg_errors(&blank, Level::Draft).is_empty());
        assert!(
            only(&reg_errors(&blank, Level::Declare), "customs_district").contains("（当前为 空）")
        );
        // Any office of the table, e.g. a subordinate customs.
        let shekou = Context {
            customs_district: "5304".into(),
            ..ctx()
        };
        assert!(validate_registration(&other, Level::Declare, &shekou).is_empty());
    }

    #[test]
    fn names_match_with_brackets_of_either_width() {
        let ctx = Context {
            ent_name: "厦门海外仓贸易（香港）有限公司".into(),
            ..ctx()
        };
        let form = RegistrationForm {
            ent_name: "厦门海外仓贸易(香港)有限公司".into(),
            ..registration()
        };
        assert!(validate_registration(&form, Level::Declare, &ctx).is_empty());
    }

    #[test]
    fn codes_are_read_upper_case_and_half_width() {
        let form = RegistrationForm {
            uscc: "91350100m000100y43".into(),
            contact_phone: "（0592）1234567".into(),
            ..registration()
        };
        assert!(reg_errors(&form, Level::Declare).is_empty());
    }

    #[test]
    fn registration_trade_modes() {
        let with = |modes: &[&str]| RegistrationForm {
            trade_modes: modes.iter().map(|m| m.to_string()).collect(),
            ..registration()
        };
        assert_eq!(
            only(&reg_errors(&with(&["9610"]), Level::Draft), "trade_modes"),
            "监管方式 9610（电子商务）不适用于海外仓备案，可选 9810、1210、0110"
        );
        assert_eq!(
            only(
                &reg_errors(&with(&["9810", "9810"]), Level::Draft),
                "trade_modes"
            ),
            "监管方式 9810 重复选择"
        );
        assert_eq!(
            only(&reg_errors(&with(&["1111"]), Level::Draft), "trade_modes"),
            "监管方式代码 1111 不在监管方式代码表中"
        );
        // In the customs table, but not a mode of overseas-warehouse filing.
        assert_eq!(
            only(&reg_errors(&with(&["0200"]), Level::Draft), "trade_modes"),
            "监管方式 0200（料件销毁）不适用于海外仓备案，可选 9810、1210、0110"
        );
        assert_eq!(
            only(&reg_errors(&with(&[]), Level::Declare), "trade_modes"),
            "请选择监管方式"
        );
        assert!(reg_errors(&with(&[]), Level::Draft).is_empty());
        assert!(reg_errors(&with(&["9810", " "]), Level::Declare).is_empty());
    }

    #[test]
    fn bonded_mode_needs_a_zone_enterprise_already_at_draft() {
        let form = RegistrationForm {
            trade_modes: vec!["0110".into(), "1210".into()],
            ems_no: "T3701W000001".into(),
            ..registration()
        };
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(
                only(&reg_errors(&form, level), "trade_modes"),
                "监管方式 1210 仅限区内企业选择；本企业不是区内企业"
            );
            assert!(validate_registration(&form, level, &zone_ctx()).is_empty());
        }
    }

    #[test]
    fn bonded_mode_needs_an_account_book_at_declare() {
        let form = RegistrationForm {
            trade_modes: vec!["1210".into()],
            ..registration()
        };
        assert!(validate_registration(&form, Level::Draft, &zone_ctx()).is_empty());
        assert_eq!(
            only(
                &validate_registration(&form, Level::Declare, &zone_ctx()),
                "ems_no"
            ),
            "选择监管方式 1210 时必须填写账册编号"
        );
        let too_long = RegistrationForm {
            ems_no: "T".repeat(31),
            ..form
        };
        assert_eq!(
            only(
                &validate_registration(&too_long, Level::Declare, &zone_ctx()),
                "ems_no"
            ),
            "账册编号最多 30 个字符（当前 31 个）"
        );
    }

    #[test]
    fn contact_phone_format() {
        let form = RegistrationForm {
            contact_phone: "0592-1234567 转 8".into(),
            ..registration()
        };
        assert!(reg_errors(&form, Level::Declare).is_empty());
        let letters = RegistrationForm {
            contact_phone: "0592-CALL-ME".into(),
            ..registration()
        };
        assert_eq!(
            only(&reg_errors(&letters, Level::Draft), "contact_phone"),
            "联系电话只能包含数字、+、-、括号和空格，长度 5–30 位；分机号可写在后面，例如 0755-88886666 转 8"
        );
    }

    #[test]
    fn free_text_refuses_control_characters_and_counts_emoji_as_one() {
        let form = RegistrationForm {
            note: format!("{}\u{8}", "😀".repeat(10)),
            ..registration()
        };
        assert_eq!(
            only(&reg_errors(&form, Level::Draft), "note"),
            "备注不能包含控制字符 U+0008"
        );
        let emoji = RegistrationForm {
            note: "😀".repeat(1000),
            legal_rep: "Ｌｅｇａｌ".repeat(10),
            ..registration()
        };
        assert!(reg_errors(&emoji, Level::Declare).is_empty());
    }

    #[test]
    fn names_refuse_invisible_direction_and_zero_width_characters() {
        let form = RegistrationForm {
            contact_name: "林\u{202E}晓".into(),
            ..registration()
        };
        assert_eq!(
            only(&reg_errors(&form, Level::Draft), "contact_name"),
            "联系人不能包含不可见的格式控制字符 U+202E（它会改变文字的显示方向或隐藏内容）"
        );
        let form = WarehouseForm {
            wh_name: "LA\u{200B} DC".into(),
            ..warehouse()
        };
        assert!(only(
            &wh_errors(&form, &[DocType::Ownership], Level::Draft),
            "wh_name"
        )
        .contains("U+200B"));
        let note = RegistrationForm {
            note: "备注\u{200D}可以".into(),
            ..registration()
        };
        assert!(reg_errors(&note, Level::Declare).is_empty(), "not a name");
    }

    #[test]
    fn commitment_is_needed_only_to_declare() {
        let form = RegistrationForm {
            commitment_ack: false,
            ..registration()
        };
        assert!(reg_errors(&form, Level::Draft).is_empty());
        assert_eq!(
            only(&reg_errors(&form, Level::Declare), "commitment_ack"),
            "请阅读并勾选承诺声明后再申报"
        );
    }

    #[test]
    fn discredited_enterprises_cannot_declare() {
        let ctx = Context {
            credit_level: CreditLevel::Discredited,
            ..ctx()
        };
        assert!(validate_registration(&registration(), Level::Draft, &ctx).is_empty());
        let message = only(
            &validate_registration(&registration(), Level::Declare, &ctx),
            FORM_KEY,
        );
        assert!(
            message.contains("失信企业，不能申报海外仓企业登记"),
            "{message}"
        );
        let message = only(
            &validate_warehouse(&warehouse(), &[DocType::Ownership], Level::Declare, &ctx),
            FORM_KEY,
        );
        assert!(message.contains("不能申报海外仓资料信息"), "{message}");
        let advanced = Context {
            credit_level: CreditLevel::Advanced,
            ..ctx
        };
        assert!(validate_registration(&registration(), Level::Declare, &advanced).is_empty());
    }

    #[test]
    fn warehouse_trade_mode_rules() {
        let with = |mode: &str| WarehouseForm {
            trade_mode: mode.into(),
            ..warehouse()
        };
        let docs = [DocType::Ownership];
        // 0110 is a filing mode and registered.
        assert!(wh_errors(&with("0110"), &docs, Level::Declare).is_empty());
        // 1210 for a non-zone enterprise: refused at both levels.
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(
                only(&wh_errors(&with("1210"), &docs, level), "trade_mode"),
                "监管方式 1210 仅限区内企业选择；本企业不是区内企业"
            );
        }
        // 9710 is not a filing mode.
        assert!(
            only(&wh_errors(&with("9710"), &docs, Level::Draft), "trade_mode")
                .contains("不适用于海外仓备案")
        );
        // Not registered: refused already at draft, so the form never offers it.
        let ctx = Context {
            registered_trade_modes: vec![TradeMode::General],
            ..ctx()
        };
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(
                only(
                    &validate_warehouse(&with("9810"), &docs, level, &ctx),
                    "trade_mode"
                ),
                "监管方式 9810 不在本企业海外仓企业登记的监管方式中（已登记：0110），请改选或先变更企业登记"
            );
        }
        let none = Context {
            registered_trade_modes: Vec::new(),
            ..ctx
        };
        assert!(only(
            &validate_warehouse(&with("9810"), &docs, Level::Declare, &none),
            "trade_mode"
        )
        .contains("（已登记：无）"));
        // A zone enterprise that registered 1210 may file a 1210 warehouse.
        assert!(validate_warehouse(&with("1210"), &docs, Level::Declare, &zone_ctx()).is_empty());
    }

    #[test]
    fn warehouse_country_must_be_overseas_and_in_the_customs_table() {
        let with = |code: &str| WarehouseForm {
            country_code: code.into(),
            ..warehouse()
        };
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(
                only(
                    &wh_errors(&with("142"), &[DocType::Ownership], level),
                    "country_code"
                ),
                "所在国家(地区)不能选择 142 中国：海外仓必须位于境外"
            );
        }
        assert!(wh_errors(&with("110"), &[], Level::Draft).is_empty());
        assert!(
            wh_errors(&with("321"), &[], Level::Draft).is_empty(),
            "匈牙利"
        );
        assert_eq!(
            only(&wh_errors(&with("999"), &[], Level::Draft), "country_code"),
            "所在国家(地区)不能选择 999 中性包装原产国别：它不是国家或地区，请选择仓库所在的国家(地区)"
        );
        // 840 is the ISO numeric code of the USA, not a customs code.
        assert_eq!(
            only(&wh_errors(&with("840"), &[], Level::Draft), "country_code"),
            "所在国家(地区)代码 840 不在国别（地区）代码表中"
        );
        assert_eq!(
            only(&wh_errors(&with("USA"), &[], Level::Draft), "country_code"),
            "所在国家(地区)应为 3 位数字代码"
        );
    }

    #[test]
    fn warehouse_area_is_exact_and_positive() {
        let with = |area: &str| WarehouseForm {
            area_sqm: area.into(),
            ..warehouse()
        };
        assert!(wh_errors(&with("1234.56789"), &[], Level::Draft).is_empty());
        assert!(wh_errors(&with("５２００"), &[], Level::Draft).is_empty());
        for (input, message) in [
            ("0", "仓库面积(平方米)必须大于 0"),
            ("-3", "仓库面积(平方米)必须大于 0"),
            ("1.123456", "仓库面积(平方米)最多 5 位小数（当前 6 位）"),
            (
                "5,200",
                "仓库面积(平方米)不能含逗号：小数点请用“.”，也不要写千位分隔符，例如 1234.5",
            ),
            ("52OO", "仓库面积(平方米)应为数字，例如 12 或 3.5"),
        ] {
            assert_eq!(
                only(&wh_errors(&with(input), &[], Level::Draft), "area_sqm"),
                message
            );
        }
    }

    #[test]
    fn ownership_must_be_a_code() {
        let form = WarehouseForm {
            ownership: "3".into(),
            ..warehouse()
        };
        assert_eq!(
            only(&wh_errors(&form, &[], Level::Declare), "ownership"),
            "仓库性质代码 3 不在仓库性质代码表中"
        );
    }

    #[test]
    fn lease_fields_are_required_when_leased() {
        let form = WarehouseForm {
            lease_start: String::new(),
            lease_end: String::new(),
            lessor_name: String::new(),
            ..leased()
        };
        assert!(wh_errors(&form, &[DocType::Lease], Level::Draft).is_empty());
        let errors = wh_errors(&form, &[DocType::Lease], Level::Declare);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(
            errors["lease_start"],
            "仓库性质为租赁时必须填写租赁起始日期"
        );
        assert_eq!(errors["lease_end"], "仓库性质为租赁时必须填写租赁截止日期");
        assert_eq!(
            errors["lessor_name"],
            "仓库性质为租赁时必须填写出租方/仓库运营方"
        );
        // An owned warehouse needs none of them.
        assert!(wh_errors(&warehouse(), &[DocType::Ownership], Level::Declare).is_empty());
    }

    #[test]
    fn lease_dates_are_dates_and_in_order() {
        let bad_date = WarehouseForm {
            lease_start: "20240101".into(),
            ..leased()
        };
        assert_eq!(
            only(
                &wh_errors(&bad_date, &[DocType::Lease], Level::Draft),
                "lease_start"
            ),
            "租赁起始日期应为 YYYY-MM-DD 格式的日期，例如 2025-03-12"
        );
        let no_such_day = WarehouseForm {
            lease_end: "2026-02-29".into(),
            ..leased()
        };
        assert!(
            only(&wh_errors(&no_such_day, &[], Level::Draft), "lease_end")
                .starts_with("租赁截止日期不是有效的日期")
        );
        let reversed = WarehouseForm {
            lease_start: "2026-01-01".into(),
            lease_end: "2025-12-31".into(),
            ..leased()
        };
        for level in [Level::Draft, Level::Declare] {
            assert_eq!(
                only(&wh_errors(&reversed, &[DocType::Lease], level), "lease_end"),
                "租赁截止日期不能早于租赁起始日期 2026-01-01"
            );
        }
        let same_day = WarehouseForm {
            lease_start: "2025-06-01".into(),
            lease_end: "2025-06-01".into(),
            ..leased()
        };
        assert!(wh_errors(&same_day, &[DocType::Lease], Level::Declare).is_empty());
    }

    #[test]
    fn expired_lease_blocks_only_declare() {
        let expired = WarehouseForm {
            lease_end: "2025-03-11".into(),
            ..leased()
        };
        assert!(wh_errors(&expired, &[DocType::Lease], Level::Draft).is_empty());
        assert_eq!(
            only(&wh_errors(&expired, &[DocType::Lease], Level::Declare), "lease_end"),
            "租赁已于 2025-03-11 到期：租赁截止日期不能早于申报日期 2025-03-12，请续租后更新租赁信息"
        );
        let ends_today = WarehouseForm {
            lease_end: "2025-03-12".into(),
            ..leased()
        };
        assert!(wh_errors(&ends_today, &[DocType::Lease], Level::Declare).is_empty());
    }

    #[test]
    fn proof_documents_match_ownership() {
        assert!(wh_errors(&warehouse(), &[], Level::Draft).is_empty());
        assert_eq!(
            only(
                &wh_errors(&warehouse(), &[DocType::Lease], Level::Declare),
                "attachments"
            ),
            "仓库性质为自有时须上传至少 1 份“01 所有权文件”"
        );
        assert_eq!(
            only(
                &wh_errors(
                    &leased(),
                    &[DocType::Ownership, DocType::UsageEvidence],
                    Level::Declare
                ),
                "attachments"
            ),
            "仓库性质为租赁时须上传至少 1 份“02 租赁协议”"
        );
        // Without a valid ownership only the ownership error shows.
        let unknown = WarehouseForm {
            ownership: String::new(),
            ..warehouse()
        };
        assert_eq!(
            only(&wh_errors(&unknown, &[], Level::Declare), "ownership"),
            "请选择仓库性质"
        );
    }

    #[test]
    fn warehouse_text_limits() {
        for (form, key, message) in [
            (
                WarehouseForm {
                    wh_address: "址".repeat(256),
                    ..warehouse()
                },
                "wh_address",
                "详细地址最多 255 个字符（当前 256 个）",
            ),
            (
                WarehouseForm {
                    sales_platforms: "🛒".repeat(501),
                    ..warehouse()
                },
                "sales_platforms",
                "关联境外销售平台/店铺最多 500 个字符（当前 501 个）",
            ),
            (
                WarehouseForm {
                    wh_phone: "12".into(),
                    ..warehouse()
                },
                "wh_phone",
                "仓库联系电话只能包含数字、+、-、括号和空格，长度 5–30 位；分机号可写在后面，例如 0755-88886666 转 8",
            ),
        ] {
            assert_eq!(only(&wh_errors(&form, &[], Level::Draft), key), message);
        }
    }
}
