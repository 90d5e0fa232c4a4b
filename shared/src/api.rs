//! Data-transfer types of the HTTP API, used by the frontend client and the backend handlers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::amendment::{
    may_open, reason_error, record_actions, removal, AppType, Pending, Removal,
};
use crate::codes::{Code, DocType};
use crate::enterprise::{CreditLevel, EnterpriseInfo};
use crate::field::{Field, FilingKind};
use crate::form::{RegistrationForm, WarehouseForm};
use crate::ids::Date;
use crate::lease::LeaseFilter;
use crate::status::{Action, Status};
use crate::validate::FieldErrors;

/// The one error body of every failed `/api` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `validation`, `unauthenticated`, `not_found`.
    pub code: String,
    /// Chinese message for the user.
    pub message: String,
    /// Field name → Chinese message, shown next to the field.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// Consecutive failed logins that lock a card.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a lock lasts, in minutes.
pub const LOCK_MINUTES: i64 = 15;

/// The lockout rule as the login page states it and the refusal repeats it.
pub fn lockout_rule() -> String {
    format!("同一IC卡连续 {MAX_FAILED_LOGINS} 次登录失败将锁定 {LOCK_MINUTES} 分钟")
}

/// 登录: IC卡号 + password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// IC卡号
    pub card_no: String,
    pub password: String,
}

/// `GET /api/session`: who am I.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// IC卡号
    pub card_no: String,
    /// 用户姓名
    pub user_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::enterprise::Enterprise<i64>))]
    pub enterprise: EnterpriseInfo,
    /// 登录到期时间（Unix 毫秒）：此后须重新登录，`POST /api/session/refresh` 可延长
    pub expires_at: i64,
}

impl LoginRequest {
    /// The field errors of a login that cannot be right: IC卡号 or 密码 left blank.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.card_no.trim().is_empty() {
            errors.insert("card_no".into(), "请输入IC卡号".into());
        }
        if self.password.is_empty() {
            errors.insert("password".into(), "请输入密码".into());
        }
        errors
    }
}

impl ApiError {
    /// The `validation` error (HTTP 422) carrying the field messages of [`crate::validate`].
    pub fn validation(fields: FieldErrors) -> Self {
        Self {
            code: "validation".to_owned(),
            message: "请按提示修改标红的内容".to_owned(),
            fields,
        }
    }
}

/// One step of a filing's timeline (状态变更及回执).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When, ISO-8601.
    pub at: String,
    /// Who: the operator's IC卡号, 系统 (the relay) or 海关.
    pub actor: String,
    /// The operator's name when `actor` is an IC卡号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// Status before; `None` for the creation, and `to` itself for a receipt that changed nothing.
    pub from: Option<Status>,
    pub to: Status,
    /// What happened in plain words, e.g. the receipt's text without its code tag.
    pub note: String,
    /// The technical side for the curious: message guid, receipt code, raw `returnInfo`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// On an approved filing's timeline, the record of the 变更 or 注销 the step belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment_id: Option<i64>,
}

impl HistoryEntry {
    /// Who, as a clerk reads it: 操作员 林晓（8944030000001）, 系统, 海关.
    pub fn actor_label(&self) -> String {
        match &self.actor_name {
            Some(name) => format!("操作员 {name}（{}）", self.actor),
            None => self.actor.clone(),
        }
    }
}

/// 状态/申报时间/回执 (A17, B19) and the bookkeeping every filing record has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lifecycle {
    /// 状态
    pub status: Status,
    /// Optimistic-lock version; send it back with every change.
    pub version: i64,
    /// 申报时间, ISO-8601; `None` until declared.
    pub decl_time: Option<String>,
    /// 最新回执时间, ISO-8601.
    pub last_return_time: Option<String>,
    /// 回执信息 (`returnInfo` of the latest receipt).
    pub last_return_info: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    /// 发送次数: delivery attempts of the latest declaration's message so far.
    #[serde(default)]
    pub send_attempts: u32,
    /// 下次发送时间, while a failed delivery waits to be retried.
    #[serde(default)]
    pub next_attempt_at: Option<String>,
    /// 发送失败原因 of the latest attempt, if it failed.
    #[serde(default)]
    pub last_error: Option<String>,
    /// The 变更 or 注销 under way on this approved filing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// Set when this record is itself a 变更 or 注销 of an approved filing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<AmendmentInfo>,
}

impl Lifecycle {
    /// The actions the record accepts now ([`record_actions`]).
    pub fn actions(&self) -> Vec<Action> {
        record_actions(self.amendment.as_ref().map(|a| a.app_type), self.status)
    }

    /// What 删除 of the record does ([`removal`]).
    pub fn removal(&self) -> Removal {
        removal(
            self.amendment.as_ref().map(|a| a.app_type),
            self.decl_time.is_some(),
        )
    }

    /// Whether a 变更 or 注销 may be opened on it: an approved filing of its own ([`may_open`]).
    pub fn amendable(&self) -> bool {
        self.amendment.is_none() && may_open(self.status, self.pending.as_ref()).is_ok()
    }

    /// Whether the record, or the amendment under way on it, is with the relay or customs.
    pub fn awaiting_customs(&self) -> bool {
        self.status.in_flight() || self.pending.is_some_and(|p| p.status.in_flight())
    }
}

/// What an amendment's record amends, and as which version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AmendmentInfo {
    /// 变更 or 注销
    pub app_type: AppType,
    /// The approved filing's id.
    pub amends_id: i64,
    /// The version it becomes once approved.
    pub version_no: i64,
    /// 注销原因
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Body of `POST …/{id}/cancel` (注销): the version the user saw and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelRequest {
    pub version: i64,
    /// 注销原因, required, at most 255 characters.
    pub reason: String,
}

impl CancelRequest {
    /// The field error of the reason, keyed `reason`.
    pub fn validate(&self) -> FieldErrors {
        reason_error(&self.reason)
            .map(|message| FieldErrors::from([("reason".to_owned(), message)]))
            .unwrap_or_default()
    }
}

/// `GET …/{id}/versions`: one approved version of a filing, with its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionEntry<F> {
    /// 版本 1, 2, …
    pub version_no: i64,
    /// 新增, 变更 or 注销
    pub app_type: AppType,
    /// When customs approved it.
    pub approved_at: String,
    /// The approving receipt's 回执信息.
    pub return_info: Option<String>,
    pub form: F,
    /// 证明材料 the approved declaration carried (warehouses; none for a 注销).
    pub documents: Vec<AttachmentInfo>,
}

/// `GET /api/registrations/{id}`: one 海外仓企业登记.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationDetail {
    pub id: i64,
    /// 企业申请编号 (A1)
    pub ent_apply_no: String,
    /// 海关编码 (A2)
    pub customs_code: String,
    /// 区内企业标识 (A7)
    pub in_zone: bool,
    /// 信用等级 (A9)
    pub credit_level: CreditLevel,
    /// 录入/申报人卡号 (A16)
    pub operator_card_no: String,
    /// The entered fields, 统一社会信用代码 and 企业名称 included.
    pub form: RegistrationForm,
    pub lifecycle: Lifecycle,
}

/// A stored proof document (证明材料, B17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub id: i64,
    /// 证明材料类型 code (`01` … `99`, see [`DocType`]).
    pub doc_type: String,
    pub file_name: String,
    /// Bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// MIME type recognised from the content (`application/pdf`, `image/jpeg`, `image/png`).
    #[serde(default)]
    pub content_type: String,
}

/// `GET /api/warehouses/{id}`: one 海外仓资料信息.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarehouseDetail {
    pub id: i64,
    /// 申请编号 (B1)
    pub wh_apply_no: String,
    /// 企业申请编号 of the enterprise's registration (B2)
    pub ent_apply_no: String,
    /// 海关编码 (B2)
    pub customs_code: String,
    /// 企业名称 (B2)
    pub ent_name: String,
    pub form: WarehouseForm,
    /// 证明材料 (B17)
    pub attachments: Vec<AttachmentInfo>,
    pub lifecycle: Lifecycle,
}

impl WarehouseDetail {
    /// The document types of the attachments, as [`crate::validate::validate_warehouse`] takes them.
    pub fn attachment_types(&self) -> Vec<DocType> {
        self.attachments
            .iter()
            .filter_map(|attachment| DocType::from_code(&attachment.doc_type))
            .collect()
    }
}

/// `GET /api/warehouses/eligibility`: whether the enterprise may file warehouses (rule R3 of the
/// manual: it must be in the filing table, i.e. hold a 企业登记 in any status, to enter and save
/// warehouse drafts; declaring needs that registration approved), and the facts the warehouse
/// form's validation needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarehouseEligibility {
    /// Warehouse drafts may be created, saved and edited.
    pub allowed: bool,
    /// Why not, in Chinese, when `allowed` is false.
    pub reason: Option<String>,
    /// 企业申请编号 of the registration.
    pub ent_apply_no: Option<String>,
    /// Status of the registration.
    pub registration_status: Option<Status>,
    /// Warehouses may be declared (申报): the registration is approved.
    pub declarable: bool,
    /// Why not, naming the registration, its status and what to do, when `declarable` is false.
    pub declare_reason: Option<String>,
    /// 监管方式 the registration holds (codes).
    pub trade_modes: Vec<String>,
}

/// `POST /api/registrations` or `/api/warehouses` (create: no version) and `PUT …/{id}` (update:
/// the version the user edited) — both 暂存 of a form `F` ([`RegistrationForm`] or
/// [`WarehouseForm`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveRequest<F> {
    #[serde(default)]
    pub version: Option<i64>,
    pub form: F,
}

/// Body of `POST …/{id}/declare` and `DELETE …/{id}`: the version the user saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionCheck {
    pub version: i64,
}

/// Conditions of the query screens (domain.md §2.4), paging and sorting. Every condition is
/// optional; the server always scopes to the login enterprise. Absent values are omitted
/// when serialised, so it also makes a tidy URL query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ListQuery {
    /// 申请编号 (企业申请编号 or 申请编号), exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply_no: Option<String>,
    /// 海关编码, exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customs_code: Option<String>,
    /// 企业名称, contains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ent_name: Option<String>,
    /// 海外仓名称, contains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wh_name: Option<String>,
    /// 所在国家(地区) code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// 监管方式 code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trade_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub status: Option<Status>,
    /// 申报日期起, `YYYY-MM-DD`, inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decl_from: Option<String>,
    /// 申报日期止, `YYYY-MM-DD`, inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decl_to: Option<String>,
    /// 租期将满 / 已过期 (leased warehouses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub lease: Option<LeaseFilter>,
    /// 1-based page; see [`ListQuery::page`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// See [`ListQuery::page_size`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Key of the column to sort by, one of [`ListQuery::SORTABLE`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Sort descending.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub desc: bool,
}

/// Rows per page of a list when the request names none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// Most rows per page of a list.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The page a list shows for the `page` asked for: at least 1.
pub fn page_number(page: Option<u32>) -> u32 {
    page.unwrap_or(1).max(1)
}

/// Rows per page for the `page_size` asked for: [`DEFAULT_PAGE_SIZE`] without one, between 1
/// and [`MAX_PAGE_SIZE`].
pub fn rows_per_page(page_size: Option<u32>) -> u32 {
    page_size
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE)
}

/// Rows a list skips for the `page` and `page_size` asked for.
pub fn offset(page: Option<u32>, page_size: Option<u32>) -> u64 {
    u64::from(page_number(page) - 1) * u64::from(rows_per_page(page_size))
}

/// Checks a list's date-range condition `label` (e.g. 申报日期) given under two keys: each date
/// that is there must be one, and the end must not come before the start.
pub fn check_date_range(
    errors: &mut FieldErrors,
    label: &str,
    (from_key, from): (&str, &Option<String>),
    (to_key, to): (&str, &Option<String>),
) {
    let mut date = |key: &str, value: &Option<String>| {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        match Date::parse(value) {
            Ok(date) => Some(date),
            Err(e) => {
                errors.insert(key.to_owned(), format!("{label}{e}"));
                None
            }
        }
    };
    let from = date(from_key, from);
    let to = date(to_key, to);
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            errors.insert(
                to_key.to_owned(),
                format!("{label}止不能早于{label}起 {from}"),
            );
        }
    }
}

impl ListQuery {
    /// The columns a list may be sorted by.
    pub const SORTABLE: &'static [Field] = &[
        Field::EntApplyNo,
        Field::WhApplyNo,
        Field::EntName,
        Field::CustomsCode,
        Field::TradeMode,
        Field::WhName,
        Field::CountryCode,
        Field::Status,
        Field::DeclTime,
        Field::LastReturnTime,
    ];

    /// The page to show, at least 1.
    pub fn page(&self) -> u32 {
        page_number(self.page)
    }

    /// Rows per page: 20 by default, between 1 and 100.
    pub fn page_size(&self) -> u32 {
        rows_per_page(self.page_size)
    }

    /// Rows to skip for [`ListQuery::page`].
    pub fn offset(&self) -> u64 {
        offset(self.page, self.page_size)
    }

    /// The sort column if it is one of [`ListQuery::SORTABLE`].
    pub fn sort_field(&self) -> Option<Field> {
        let field = Field::from_key(self.sort.as_deref()?)?;
        Self::SORTABLE.contains(&field).then_some(field)
    }

    /// Errors of the conditions that have a format: the dates, their order, the sort key.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_date_range(
            &mut errors,
            "申报日期",
            ("decl_from", &self.decl_from),
            ("decl_to", &self.decl_to),
        );
        if self.sort.is_some() && self.sort_field().is_none() {
            errors.insert("sort".to_owned(), "不支持按该列排序".to_owned());
        }
        errors
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Rows matching the conditions, over all pages.
    pub total: i64,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl<T> Page<T> {
    /// Number of pages (0 when nothing matches).
    pub fn pages(&self) -> i64 {
        let size = i64::from(self.page_size.max(1));
        (self.total.max(0) + size - 1) / size
    }
}

/// A row of the 海外仓企业登记申报 list (screen 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationRow {
    pub id: i64,
    /// 企业申请编号
    pub ent_apply_no: String,
    /// 企业名称
    pub ent_name: String,
    /// 海关编码
    pub customs_code: String,
    /// 监管方式 codes
    pub trade_modes: Vec<String>,
    pub status: Status,
    /// 申报时间
    pub decl_time: Option<String>,
    /// 最新回执时间
    pub last_return_time: Option<String>,
    /// 回执信息
    pub last_return_info: Option<String>,
    /// The 变更 or 注销 under way (shown as its mark beside the status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
}

/// A row of the 海外仓资料信息查询 list (screen 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarehouseRow {
    pub id: i64,
    /// 申请编号
    pub wh_apply_no: String,
    /// 企业名称
    pub ent_name: String,
    /// 海关编码
    pub customs_code: String,
    /// 监管方式 code
    pub trade_mode: String,
    /// 海外仓名称
    pub wh_name: String,
    /// 所在国家(地区) code
    pub country_code: String,
    /// 仓库性质 code
    pub ownership: String,
    /// 租赁截止日期 of a leased warehouse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_end: Option<String>,
    /// "租期将于 2027-01-15 到期" / "…已过期" ([`crate::lease::LeaseState::warning`]) on the
    /// server's day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_warning: Option<String>,
    pub status: Status,
    /// 申报时间
    pub decl_time: Option<String>,
    /// 最新回执时间
    pub last_return_time: Option<String>,
    /// 回执信息
    pub last_return_info: Option<String>,
    /// The 变更 or 注销 under way (shown as its mark beside the status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
}

/// A row of 海外仓备案查询 (screen 1), either filing. JSON: the row's fields plus
/// `"kind": "registration" | "warehouse"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FilingRow {
    Registration(RegistrationRow),
    Warehouse(WarehouseRow),
}

/// Read in one pass: serde's derived reader of an internally tagged enum first buffers each
/// row as untyped content, which costs the browser's WebAssembly more than both rows' readers.
impl<'de> Deserialize<'de> for FilingRow {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The fields of both rows; those of one kind only are optional here.
        #[derive(Deserialize)]
        struct Either {
            kind: FilingKind,
            id: i64,
            ent_name: String,
            customs_code: String,
            status: Status,
            decl_time: Option<String>,
            last_return_time: Option<String>,
            last_return_info: Option<String>,
            ent_apply_no: Option<String>,
            trade_modes: Option<Vec<String>>,
            wh_apply_no: Option<String>,
            trade_mode: Option<String>,
            wh_name: Option<String>,
            country_code: Option<String>,
            ownership: Option<String>,
            lease_end: Option<String>,
            lease_warning: Option<String>,
            #[serde(default)]
            pending: Option<Pending>,
        }
        fn given<T, E: serde::de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
            value.ok_or_else(|| E::missing_field(field))
        }
        let row = Either::deserialize(deserializer)?;
        Ok(match row.kind {
            FilingKind::Registration => Self::Registration(RegistrationRow {
                id: row.id,
                ent_apply_no: given(row.ent_apply_no, "ent_apply_no")?,
                ent_name: row.ent_name,
                customs_code: row.customs_code,
                trade_modes: given(row.trade_modes, "trade_modes")?,
                status: row.status,
                decl_time: row.decl_time,
                last_return_time: row.last_return_time,
                last_return_info: row.last_return_info,
                pending: row.pending,
            }),
            FilingKind::Warehouse => Self::Warehouse(WarehouseRow {
                id: row.id,
                wh_apply_no: given(row.wh_apply_no, "wh_apply_no")?,
                ent_name: row.ent_name,
                customs_code: row.customs_code,
                trade_mode: given(row.trade_mode, "trade_mode")?,
                wh_name: given(row.wh_name, "wh_name")?,
                country_code: given(row.country_code, "country_code")?,
                ownership: given(row.ownership, "ownership")?,
                lease_end: row.lease_end,
                lease_warning: row.lease_warning,
                status: row.status,
                decl_time: row.decl_time,
                last_return_time: row.last_return_time,
                last_return_info: row.last_return_info,
                pending: row.pending,
            }),
        })
    }
}

impl FilingRow {
    pub fn kind(&self) -> FilingKind {
        match self {
            Self::Registration(_) => FilingKind::Registration,
            Self::Warehouse(_) => FilingKind::Warehouse,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_actors_read_as_operator_with_name_or_as_system() {
        let step = |actor: &str, actor_name: Option<&str>| HistoryEntry {
            at: String::new(),
            actor: actor.to_owned(),
            actor_name: actor_name.map(str::to_owned),
            from: None,
            to: Status::Draft,
            note: String::new(),
            detail: String::new(),
            amendment_id: None,
        };
        assert_eq!(
            step("8944030000001", Some("林晓")).actor_label(),
            "操作员 林晓（8944030000001）"
        );
        assert_eq!(step("系统", None).actor_label(), "系统");
        assert_eq!(step("海关", None).actor_label(), "海关");
    }

    use serde_json::json;

    use crate::validate::FORM_KEY;

    fn lifecycle(status: Status) -> Lifecycle {
        Lifecycle {
            status,
            version: 3,
            decl_time: None,
            last_return_time: None,
            last_return_info: None,
            created_at: "2025-03-12T10:15:00Z".into(),
            updated_at: "2025-03-12T10:15:00Z".into(),
            history: vec![HistoryEntry {
                at: "2025-03-12T10:15:00Z".into(),
                actor: "8930000012345".into(),
                actor_name: Some("林晓".into()),
                from: None,
                to: status,
                note: "新增".into(),
                detail: String::new(),
                amendment_id: None,
            }],
            send_attempts: 0,
            next_attempt_at: None,
            last_error: None,
            pending: None,
            amendment: None,
        }
    }

    #[test]
    fn an_approved_filing_of_its_own_is_amendable_until_an_amendment_is_under_way() {
        let approved = lifecycle(Status::Approved);
        assert!(approved.amendable());
        assert!(!approved.awaiting_customs());
        let cancelling = Lifecycle {
            pending: Some(Pending {
                id: 9,
                app_type: AppType::Cancel,
                status: Status::Sent,
            }),
            ..approved.clone()
        };
        assert!(!cancelling.amendable());
        assert!(cancelling.awaiting_customs());
        let change = Lifecycle {
            amendment: Some(AmendmentInfo {
                app_type: AppType::Change,
                amends_id: 1,
                version_no: 2,
                reason: None,
            }),
            ..approved
        };
        assert!(
            !change.amendable(),
            "an approved change is no filing of its own"
        );
        let cancel = Lifecycle {
            status: Status::Rejected,
            amendment: Some(AmendmentInfo {
                app_type: AppType::Cancel,
                amends_id: 1,
                version_no: 2,
                reason: Some("仓库关闭".into()),
            }),
            ..lifecycle(Status::Rejected)
        };
        assert_eq!(cancel.actions(), [Action::Delete, Action::Declare]);
    }

    #[test]
    fn lifecycle_json_without_delivery_fields_still_parses() {
        let mut old = serde_json::to_value(lifecycle(Status::Declared)).unwrap();
        for key in ["send_attempts", "next_attempt_at", "last_error"] {
            old.as_object_mut().unwrap().remove(key);
        }
        let parsed: Lifecycle = serde_json::from_value(old).unwrap();
        assert_eq!(parsed, lifecycle(Status::Declared));
    }

    fn round_trip<T>(value: &T) -> serde_json::Value
    where
        T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
    {
        let json = serde_json::to_value(value).unwrap();
        let back: T = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(&back, value);
        json
    }

    #[test]
    fn details_round_trip_with_numeric_status() {
        let registration = RegistrationDetail {
            id: 7,
            ent_apply_no: "E20250312000000001".into(),
            customs_code: "4403960ABC".into(),
            in_zone: false,
            credit_level: CreditLevel::Registered,
            operator_card_no: "8930000012345".into(),
            form: RegistrationForm {
                trade_modes: vec!["9810".into()],
                ..RegistrationForm::default()
            },
            lifecycle: lifecycle(Status::Draft),
        };
        let json = round_trip(&registration);
        assert_eq!(json["lifecycle"]["status"], json!(1));
        assert_eq!(json["lifecycle"]["history"][0]["from"], json!(null));
        assert_eq!(json["credit_level"], json!("registered"));
        assert_eq!(json["form"]["trade_modes"], json!(["9810"]));

        let warehouse = WarehouseDetail {
            id: 8,
            wh_apply_no: "W20250312000000017".into(),
            ent_apply_no: "E20250312000000001".into(),
            customs_code: "4403960ABC".into(),
            ent_name: "深圳示例公司".into(),
            form: WarehouseForm::default(),
            attachments: vec![
                AttachmentInfo {
                    id: 1,
                    doc_type: "02".into(),
                    file_name: "lease.pdf".into(),
                    size: 1024,
                    sha256: "ab".repeat(32),
                    content_type: "application/pdf".into(),
                },
                AttachmentInfo {
                    id: 2,
                    doc_type: "xx".into(),
                    file_name: "junk.pdf".into(),
                    size: 1,
                    sha256: "cd".repeat(32),
                    content_type: "application/pdf".into(),
                },
            ],
            lifecycle: lifecycle(Status::Received),
        };
        let json = round_trip(&warehouse);
        assert_eq!(json["lifecycle"]["status"], json!(120));
        assert_eq!(warehouse.attachment_types(), [DocType::Lease]);
    }

    #[test]
    fn save_requests_version_is_optional_for_create() {
        let create: SaveRequest<WarehouseForm> =
            serde_json::from_value(json!({"form": {"wh_name": "仓"}})).unwrap();
        assert_eq!(create.version, None);
        assert_eq!(create.form.wh_name, "仓");
        let update: SaveRequest<RegistrationForm> =
            serde_json::from_value(json!({"version": 4, "form": {}})).unwrap();
        assert_eq!(update.version, Some(4));
        assert!(serde_json::from_value::<VersionCheck>(json!({})).is_err());
    }

    #[test]
    fn list_query_defaults_and_caps() {
        let empty: ListQuery = serde_json::from_value(json!({})).unwrap();
        assert_eq!(
            (empty.page(), empty.page_size(), empty.offset()),
            (1, 20, 0)
        );
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!({}));
        let big = ListQuery {
            page: Some(3),
            page_size: Some(1000),
            ..ListQuery::default()
        };
        assert_eq!((big.page(), big.page_size(), big.offset()), (3, 100, 200));
        let zero = ListQuery {
            page: Some(0),
            page_size: Some(0),
            ..ListQuery::default()
        };
        assert_eq!((zero.page(), zero.page_size()), (1, 1));
        let query: ListQuery =
            serde_json::from_value(json!({"status": 399, "ent_name": "海外", "desc": true}))
                .unwrap();
        assert_eq!(query.status, Some(Status::Approved));
        assert!(query.desc);
        assert!(serde_json::from_value::<ListQuery>(json!({"status": 7})).is_err());
    }

    #[test]
    fn list_query_sort_and_validation() {
        let query = ListQuery {
            sort: Some("decl_time".into()),
            decl_from: Some("2025-03-01".into()),
            decl_to: Some("2025-03-31".into()),
            ..ListQuery::default()
        };
        assert_eq!(query.sort_field(), Some(Field::DeclTime));
        assert!(query.validate().is_empty());
        let bad = ListQuery {
            sort: Some("note".into()),
            decl_from: Some("2025-03-31".into()),
            decl_to: Some("2025-03-01".into()),
            ..ListQuery::default()
        };
        assert_eq!(bad.sort_field(), None);
        let errors = bad.validate();
        assert_eq!(errors["decl_to"], "申报日期止不能早于申报日期起 2025-03-31");
        assert_eq!(errors["sort"], "不支持按该列排序");
        let malformed = ListQuery {
            decl_from: Some("2025/03/01".into()),
            decl_to: Some(" ".into()),
            ..ListQuery::default()
        };
        let errors = malformed.validate();
        assert_eq!(errors.len(), 1);
        assert!(errors["decl_from"].starts_with("申报日期应为 YYYY-MM-DD"));
    }

    #[test]
    fn page_count() {
        let page = |total| Page::<()> {
            items: vec![],
            total,
            page: 1,
            page_size: 20,
        };
        assert_eq!(page(0).pages(), 0);
        assert_eq!(page(20).pages(), 1);
        assert_eq!(page(21).pages(), 2);
    }

    #[test]
    fn filing_rows_carry_their_kind() {
        let row = FilingRow::Warehouse(WarehouseRow {
            id: 1,
            wh_apply_no: "W20250312000000017".into(),
            ent_name: "公司".into(),
            customs_code: "4403960ABC".into(),
            trade_mode: "9810".into(),
            wh_name: "LA".into(),
            country_code: "502".into(),
            ownership: "2".into(),
            lease_end: Some("2027-01-15".into()),
            lease_warning: Some("租期将于 2027-01-15 到期".into()),
            status: Status::Approved,
            decl_time: Some("2025-03-12T10:15:00Z".into()),
            last_return_time: None,
            last_return_info: None,
            pending: Some(Pending {
                id: 9,
                app_type: AppType::Change,
                status: Status::Draft,
            }),
        });
        let json = round_trip(&row);
        assert_eq!(json["kind"], json!("warehouse"));
        assert_eq!(json["status"], json!(399));
        assert_eq!(row.kind(), FilingKind::Warehouse);
        let registration = FilingRow::Registration(RegistrationRow {
            id: 2,
            ent_apply_no: "E20250312000000001".into(),
            ent_name: "公司".into(),
            customs_code: "4403960ABC".into(),
            trade_modes: vec!["9810".into(), "0110".into()],
            status: Status::Draft,
            decl_time: None,
            last_return_time: None,
            last_return_info: None,
            pending: None,
        });
        assert_eq!(round_trip(&registration)["kind"], json!("registration"));
        assert_eq!(
            json["pending"],
            json!({"id": 9, "app_type": 2, "status": 1})
        );
        let mut incomplete = serde_json::to_value(&row).unwrap();
        incomplete.as_object_mut().unwrap().remove("wh_name");
        let refused = serde_json::from_value::<FilingRow>(incomplete).unwrap_err();
        assert!(refused.to_string().contains("wh_name"), "{refused}");
    }

    #[test]
    fn validation_error_body() {
        let mut fields = FieldErrors::new();
        fields.insert(FORM_KEY.into(), "失信".into());
        let body = ApiError::validation(fields);
        let json = round_trip(&body);
        assert_eq!(json["code"], json!("validation"));
        assert_eq!(json["fields"]["_form"], json!("失信"));
    }

    #[test]
    fn error_body_without_fields_parses() {
        let e: ApiError = serde_json::from_str(r#"{"code":"x","message":"m"}"#).unwrap();
        assert!(e.fields.is_empty());
    }
}
