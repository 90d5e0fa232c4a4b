//! The two filings as one abstraction of data, so the screens and the editor are written once:
//! where each lives in the API and in the app, how to read its detail, which shared validation
//! applies and what that validation needs fetched. How a filing's form looks is its view half,
//! `FilingFields` of the components, implemented beside its screens.

use std::future::Future;
use std::sync::Arc;

use owf_shared::amendment::FieldValues;
use owf_shared::api::{
    Lifecycle, ListQuery, Page, RegistrationDetail, RegistrationRow, SaveRequest, SessionInfo,
    WarehouseDetail, WarehouseRow,
};
use owf_shared::codes::CodeTables;
use owf_shared::field::{Field, FilingKind};
use owf_shared::form::{RegistrationForm, WarehouseForm};
use owf_shared::ids::Date;
use owf_shared::validate::{Context, FieldErrors, Level};
use owf_shared::{validate_registration, validate_warehouse};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{self, Failure};

pub trait Filing: Copy + Send + Sync + 'static {
    const KIND: FilingKind;
    /// The field that numbers a record: 企业申请编号 or 申请编号.
    const APPLY_NO: Field;
    /// API collection, e.g. `/registrations`.
    const API: &'static str;
    /// The app's list route; `{ROUTE}/new` enters, `{ROUTE}/{id}` shows a record.
    const ROUTE: &'static str;
    /// Whether the detail of a draft opens editable (企业登记: 暂存/删除/申报 at once) or
    /// read-only with 修改 (资料信息).
    const EDIT_ON_OPEN: bool;

    type Form: Clone
        + Default
        + PartialEq
        + Serialize
        + DeserializeOwned
        + FieldValues
        + Send
        + Sync
        + 'static;
    type Detail: Clone + PartialEq + DeserializeOwned + Send + Sync + 'static;
    type Row: Clone + DeserializeOwned + Send + Sync + 'static;

    /// The body of 暂存: the form with the version it was edited at (`None` when new).
    fn save_body(version: Option<i64>, form: Self::Form) -> SaveRequest<Self::Form> {
        SaveRequest { version, form }
    }

    /// A page of the filing's list.
    fn list(query: ListQuery) -> impl Future<Output = Result<Page<Self::Row>, Failure>> {
        api::list(Self::API, query)
    }

    /// A stored record.
    fn get(id: i64) -> impl Future<Output = Result<Self::Detail, Failure>> {
        api::get(Self::API, id)
    }

    /// A new form, prefilled from what the system knows about the enterprise.
    fn new_form(session: &SessionInfo) -> Self::Form;
    fn id(detail: &Self::Detail) -> i64;
    fn apply_no(detail: &Self::Detail) -> &str;
    fn form(detail: &Self::Detail) -> &Self::Form;
    fn lifecycle(detail: &Self::Detail) -> &Lifecycle;
    fn validate(
        form: &Self::Form,
        detail: Option<&Self::Detail>,
        level: Level,
        ctx: &Context,
    ) -> FieldErrors;
    /// The 监管方式 codes of the enterprise's 企业登记, which Form B's validation needs.
    fn registered_trade_modes() -> impl Future<Output = Result<Vec<String>, Failure>>;
}

/// 海外仓企业登记 (Form A).
#[derive(Clone, Copy)]
pub struct Registration;

/// 海外仓资料信息 (Form B).
#[derive(Clone, Copy)]
pub struct Warehouse;

impl Filing for Registration {
    const KIND: FilingKind = FilingKind::Registration;
    const APPLY_NO: Field = Field::EntApplyNo;
    const API: &'static str = "/registrations";
    const ROUTE: &'static str = "/enterprise";
    const EDIT_ON_OPEN: bool = true;

    type Form = RegistrationForm;
    type Detail = RegistrationDetail;
    type Row = RegistrationRow;

    fn new_form(session: &SessionInfo) -> RegistrationForm {
        let enterprise = &session.enterprise;
        RegistrationForm {
            uscc: enterprise.uscc.clone(),
            ent_name: enterprise.name.clone(),
            customs_district: enterprise.customs_district.clone(),
            ..RegistrationForm::default()
        }
    }

    fn id(detail: &RegistrationDetail) -> i64 {
        detail.id
    }

    fn apply_no(detail: &RegistrationDetail) -> &str {
        &detail.ent_apply_no
    }

    fn form(detail: &RegistrationDetail) -> &RegistrationForm {
        &detail.form
    }

    fn lifecycle(detail: &RegistrationDetail) -> &Lifecycle {
        &detail.lifecycle
    }

    fn validate(
        form: &RegistrationForm,
        _: Option<&RegistrationDetail>,
        level: Level,
        ctx: &Context,
    ) -> FieldErrors {
        validate_registration(form, level, ctx)
    }

    async fn registered_trade_modes() -> Result<Vec<String>, Failure> {
        Ok(Vec::new())
    }
}

impl Filing for Warehouse {
    const KIND: FilingKind = FilingKind::Warehouse;
    const APPLY_NO: Field = Field::WhApplyNo;
    const API: &'static str = "/warehouses";
    const ROUTE: &'static str = "/warehouse";
    const EDIT_ON_OPEN: bool = false;

    type Form = WarehouseForm;
    type Detail = WarehouseDetail;
    type Row = WarehouseRow;

    fn new_form(_: &SessionInfo) -> WarehouseForm {
        WarehouseForm::default()
    }

    fn id(detail: &WarehouseDetail) -> i64 {
        detail.id
    }

    fn apply_no(detail: &WarehouseDetail) -> &str {
        &detail.wh_apply_no
    }

    fn form(detail: &WarehouseDetail) -> &WarehouseForm {
        &detail.form
    }

    fn lifecycle(detail: &WarehouseDetail) -> &Lifecycle {
        &detail.lifecycle
    }

    fn validate(
        form: &WarehouseForm,
        detail: Option<&WarehouseDetail>,
        level: Level,
        ctx: &Context,
    ) -> FieldErrors {
        let attachments = detail.map(WarehouseDetail::attachment_types);
        validate_warehouse(form, attachments.as_deref().unwrap_or_default(), level, ctx)
    }

    async fn registered_trade_modes() -> Result<Vec<String>, Failure> {
        api::eligibility().await.map(|e| e.trade_modes)
    }
}

/// The validation context of the logged-in enterprise; `trade_modes` are the codes its
/// 企业登记 holds (from the warehouse eligibility; empty for Form A).
pub fn context(session: &SessionInfo, trade_modes: &[String], tables: Arc<CodeTables>) -> Context {
    Context::new(&session.enterprise, today(), trade_modes, tables)
}

/// The browser's local date.
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    let small = |value: u32| u8::try_from(value).unwrap_or_default();
    let year = u16::try_from(now.get_full_year()).unwrap_or_default();
    Date::new(year, small(now.get_month() + 1), small(now.get_date()))
        .expect("the browser's clock gives a real date")
}
