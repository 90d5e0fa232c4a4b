//! The filing endpoints, one implementation for both kinds: create (暂存 of a new draft), read,
//! update (暂存), delete (drafts), declare (申报) and list. What differs between 企业登记 and
//! 海外仓资料 is the [`FilingForm`] implementation in `registrations.rs` / `warehouses.rs`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use owf_shared::amendment::{registration_delete_refusal, removal, AppType, FieldValues, Removal};
use owf_shared::api::{
    AmendmentInfo, AttachmentInfo, HistoryEntry, Lifecycle, ListQuery, Page, SaveRequest,
    VersionCheck,
};
use owf_shared::codes::{Code, CodeTables, DocType};
use owf_shared::enterprise::EnterpriseInfo;
use owf_shared::field::FilingKind;
use owf_shared::form::WarehouseForm;
use owf_shared::status::{warehouse_declare_refusal, Action, ActionRefused, Status};
use owf_shared::validate::{describe, Context, FieldErrors, Level, FORM_KEY};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::Required;
use utoipa::{IntoParams, PartialSchema};

use super::amendments::{amendment_errors, warehouses_in_force};
use super::{AppError, AppJson, AppQuery, AppState, CurrentUser};
use crate::clock::{beijing_today, display_receipt_time, display_time};
use crate::customs::message::{self, DeclarationInput, DeclaredForm};
use crate::store::filings::{
    Duplicate, FilingParts, FilingRecord, IndexColumns, NewFiling, OutboxMessage, TimelineStep,
};
use crate::store::history::Transition;
use crate::store::StoreError;

/// What differs between the two filing kinds.
pub trait FilingForm:
    FieldValues + Serialize + DeserializeOwned + Clone + Send + Sync + 'static
{
    type Detail: Serialize;
    type Row: Serialize;

    fn normalized(self) -> Self;
    /// Sets the fields the system assigns from the enterprise's master data (主管海关 of a
    /// registration), whatever the request said.
    fn assign(&mut self, _enterprise: &EnterpriseInfo) {}
    /// The columns that queries and uniqueness guards use.
    fn index(&self) -> IndexColumns;
    /// Sets 备注, which a 注销's message carries its reason in.
    fn set_note(&mut self, note: &str);
    /// The shared validation of this form.
    fn validate(&self, attachments: &[DocType], level: Level, ctx: &Context) -> FieldErrors;
    /// The form as its declaration carries it, with the filing's proof documents.
    fn declared(&self, attachments: &[AttachmentInfo]) -> DeclaredForm;
    fn detail(filing: Filing<Self>) -> Self::Detail;
    fn row(record: FilingRecord) -> Self::Row;
}

/// A stored filing with its parsed form, timeline and documents.
pub struct Filing<F> {
    pub record: FilingRecord,
    pub form: F,
    pub enterprise: EnterpriseInfo,
    pub lifecycle: Lifecycle,
    pub attachments: Vec<AttachmentInfo>,
}

/// A path id; anything that is not a number is a record that does not exist.
#[derive(Debug, Clone, Copy)]
pub struct FilingId(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for FilingId {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        raw.parse().map(Self).map_err(|_| AppError::NotFound)
    }
}

/// `{id}` as the description shows it.
impl IntoParams for FilingId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![id_parameter("id", "记录 id")]
    }
}

/// A path parameter that holds a record's id, as the description shows it: an integer.
pub fn id_parameter(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(i64::schema()))
        .build()
}

/// `DELETE …?version=N`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// 用户看到的记录版本
    pub version: i64,
}

/// The routes of one filing kind — list/create, read/update/delete, declare — as a
/// `routes()` of the module that names the kind: `#[utoipa::path]` documents named handlers,
/// not generic ones, so each operation here is one that calls the generic handler above with
/// the kind's form. `$form`, `$detail`, `$row`: the kind's types (in scope where invoked);
/// `$label`: its Chinese name, which tags and names the operations; `$kind`: the prefix of
/// their operation ids.
macro_rules! filing_routes {
    ($form:ident, $detail:ident, $row:ident, $label:tt, $kind:tt) => {
        /// The routes of this filing kind.
        pub fn routes() -> ::utoipa_axum::router::OpenApiRouter<crate::http::AppState> {
            ::utoipa_axum::router::OpenApiRouter::new()
                .routes(::utoipa_axum::routes!(list, create))
                .routes(::utoipa_axum::routes!(read, update, delete))
                .routes(::utoipa_axum::routes!(declare))
                .routes(::utoipa_axum::routes!(change))
                .routes(::utoipa_axum::routes!(cancel))
                .routes(::utoipa_axum::routes!(versions))
        }

        #[::utoipa::path(
            get,
            path = "",
            tag = $label,
            operation_id = concat!("list_", $kind),
            summary = concat!($label, "：查询"),
            params(::owf_shared::api::ListQuery),
            responses((status = OK, description = "一页记录", body = ::owf_shared::api::Page<$row>))
        )]
        async fn list(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            query: crate::http::AppQuery<::owf_shared::api::ListQuery>,
        ) -> Result<::axum::Json<::owf_shared::api::Page<$row>>, crate::http::AppError> {
            crate::http::filings::list::<$form>(state, user, query).await
        }

        #[::utoipa::path(
            post,
            path = "",
            tag = $label,
            operation_id = concat!("create_", $kind),
            summary = concat!($label, "：新增暂存"),
            request_body = ::owf_shared::api::SaveRequest<$form>,
            responses((status = CREATED, description = "已暂存", body = $detail))
        )]
        async fn create(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            save: crate::http::AppJson<::owf_shared::api::SaveRequest<$form>>,
        ) -> Result<impl ::axum::response::IntoResponse, crate::http::AppError> {
            crate::http::filings::create::<$form>(state, user, save).await
        }

        #[::utoipa::path(
            get,
            path = "/{id}",
            tag = $label,
            operation_id = concat!("read_", $kind),
            summary = concat!($label, "：详情"),
            params(crate::http::filings::FilingId),
            responses((status = OK, description = "记录", body = $detail))
        )]
        async fn read(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            id: crate::http::filings::FilingId,
        ) -> Result<::axum::Json<$detail>, crate::http::AppError> {
            crate::http::filings::read::<$form>(state, user, id).await
        }

        #[::utoipa::path(
            put,
            path = "/{id}",
            tag = $label,
            operation_id = concat!("update_", $kind),
            summary = concat!($label, "：暂存（修改）"),
            params(crate::http::filings::FilingId),
            request_body = ::owf_shared::api::SaveRequest<$form>,
            responses((status = OK, description = "已暂存", body = $detail))
        )]
        async fn update(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            id: crate::http::filings::FilingId,
            save: crate::http::AppJson<::owf_shared::api::SaveRequest<$form>>,
        ) -> Result<::axum::Json<$detail>, crate::http::AppError> {
            crate::http::filings::update::<$form>(state, user, id, save).await
        }

        #[::utoipa::path(
            delete,
            path = "/{id}",
            tag = $label,
            operation_id = concat!("delete_", $kind),
            summary = concat!($label, "：删除暂存记录"),
            params(
                crate::http::filings::FilingId,
                crate::http::filings::VersionQuery
            ),
            responses((status = NO_CONTENT, description = "已删除"))
        )]
        async fn delete(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            id: crate::http::filings::FilingId,
            version: crate::http::AppQuery<crate::http::filings::VersionQuery>,
        ) -> Result<::axum::http::StatusCode, crate::http::AppError> {
            crate::http::filings::delete::<$form>(state, user, id, version).await
        }

        #[::utoipa::path(
            post,
            path = "/{id}/declare",
            tag = $label,
            operation_id = concat!("declare_", $kind),
            summary = concat!($label, "：申报"),
            params(crate::http::filings::FilingId),
            request_body = ::owf_shared::api::VersionCheck,
            responses((status = OK, description = "已申报，等待发送海关", body = $detail))
        )]
        async fn declare(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            id: crate::http::filings::FilingId,
            version: crate::http::AppJson<::owf_shared::api::VersionCheck>,
        ) -> Result<::axum::Json<$detail>, crate::http::AppError> {
            crate::http::filings::declare::<$form>(state, user, id, version).await
        }

        #[::utoipa::path(
            post,
            path = "/{id}/change",
            tag = $label,
            operation_id = concat!("change_", $kind),
            summary = concat!($label, "：变更（审核通过后，打开变更暂存）"),
            params(crate::http::filings::FilingId),
            request_body = ::owf_shared::api::VersionCheck,
            responses((status = CREATED, description = "变更暂存", body = $detail))
        )]
        async fn change(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            id: crate::http::filings::FilingId,
            version: crate::http::AppJson<::owf_shared::api::VersionCheck>,
        ) -> Result<(::axum::http::StatusCode, ::axum::Json<$detail>), crate::http::AppError> {
            crate::http::amendments::open_change::<$form>(state, user, id, version).await
        }

        #[::utoipa::path(
            post,
            path = "/{id}/cancel",
            tag = $label,
            operation_id = concat!("cancel_", $kind),
            summary = concat!($label, "：注销（审核通过后，填写原因后申报）"),
            params(crate::http::filings::FilingId),
            request_body = ::owf_shared::api::CancelRequest,
            responses((status = OK, description = "注销申报中", body = $detail))
        )]
        async fn cancel(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            id: crate::http::filings::FilingId,
            request: crate::http::AppJson<::owf_shared::api::CancelRequest>,
        ) -> Result<::axum::Json<$detail>, crate::http::AppError> {
            crate::http::amendments::cancel::<$form>(state, user, id, request).await
        }

        #[::utoipa::path(
            get,
            path = "/{id}/versions",
            tag = $label,
            operation_id = concat!("versions_", $kind),
            summary = concat!($label, "：历次审核通过的版本"),
            params(crate::http::filings::FilingId),
            responses((status = OK, description = "版本，从旧到新", body = [::owf_shared::api::VersionEntry<$form>]))
        )]
        async fn versions(
            state: ::axum::extract::State<crate::http::AppState>,
            user: crate::http::CurrentUser,
            id: crate::http::filings::FilingId,
        ) -> Result<::axum::Json<Vec<::owf_shared::api::VersionEntry<$form>>>, crate::http::AppError> {
            crate::http::amendments::versions::<$form>(state, user, id).await
        }
    };
}

pub(crate) use filing_routes;

/// Rule R3 for warehouses (资料信息报送): the enterprise must be in the filing table, i.e. hold a
/// 企业登记 in any status (a deleted draft is gone), to create, save and edit warehouse drafts —
/// returned for its 监管方式. Declaring needs it approved ([`warehouse_declare_refusal`]). Registrations need
/// nothing before them.
async fn registration_for<F: FilingForm>(
    state: &AppState,
    enterprise: &EnterpriseInfo,
) -> Result<Option<FilingRecord>, AppError> {
    if F::KIND == FilingKind::Registration {
        return Ok(None);
    }
    eligibility(state, enterprise)
        .await?
        .map(Some)
        .map_err(form_error)
}

/// A refusal of the whole form (`_form`), shown above it.
pub(super) fn form_error(message: String) -> AppError {
    AppError::Validation(FieldErrors::from([(FORM_KEY.to_owned(), message)]))
}

/// The enterprise's registration, or why there is none.
pub async fn eligibility(
    state: &AppState,
    enterprise: &EnterpriseInfo,
) -> Result<Result<FilingRecord, String>, AppError> {
    match state.store.registration_of(enterprise.id).await? {
        Some(registration) if registration.status == Status::Cancelled => Ok(Err(format!(
            "本企业的海外仓企业登记（企业申请编号 {}）已注销，请先在“海外仓企业登记录入”中重新办理企业登记，之后才能录入海外仓资料",
            registration.apply_no
        ))),
        Some(registration) => Ok(Ok(registration)),
        None => Ok(Err("本企业尚未办理海外仓企业登记，请先在“海外仓企业登记录入”中录入并暂存企业登记，之后即可录入海外仓资料；海外仓资料须在企业登记审核通过后才能申报".into())),
    }
}

/// The validation context of the enterprise's filings today; the 监管方式 are those of its
/// `registration`.
fn context(enterprise: &EnterpriseInfo, registration: Option<&FilingRecord>) -> Context {
    Context::new(
        enterprise,
        beijing_today(),
        registration.map_or(&[], |r| &r.trade_modes),
        CodeTables::embedded(),
    )
}

/// 422 with the field messages unless `errors` is empty.
pub fn check(errors: FieldErrors) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

pub(super) fn duplicate_error(e: StoreError) -> AppError {
    let StoreError::Duplicate(which) = e else {
        return e.into();
    };
    let (field, message) = match which {
        Duplicate::Registration => {
            return AppError::Conflict(
                "本企业已有海外仓企业登记，请在“海外仓企业登记申报”中查看或修改".into(),
            )
        }
        Duplicate::PendingAmendment => {
            return AppError::Conflict(
                "该备案已有一项变更或注销正在办理，请先在其中继续或删除后再操作".into(),
            )
        }
        Duplicate::WarehouseName => ("wh_name", "本企业已有同名的海外仓，海外仓名称不能重复"),
        Duplicate::WarehouseCode => ("wh_code", "本企业已有相同海外仓编号的仓库，请换一个编号"),
        Duplicate::WarehouseAddress => (
            "wh_address",
            "该国家(地区)的这个地址已有海外仓资料（一仓一表），请勿重复报送；如需修改请打开原记录",
        ),
    };
    AppError::Validation(FieldErrors::from([(field.to_owned(), message.to_owned())]))
}

pub(super) async fn load<F: FilingForm>(
    state: &AppState,
    enterprise: &EnterpriseInfo,
    id: i64,
) -> Result<FilingRecord, AppError> {
    state
        .store
        .filing(enterprise.id, F::KIND, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The form as stored with the record.
pub(super) fn stored_form<F: FilingForm>(record: &FilingRecord) -> Result<F, AppError> {
    serde_json::from_str(&record.form_json)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))).into())
}

/// The filing with everything its detail shows.
pub(super) async fn load_parts<F: FilingForm>(
    state: &AppState,
    enterprise: &EnterpriseInfo,
    id: i64,
) -> Result<FilingParts, AppError> {
    state
        .store
        .filing_parts(enterprise.id, F::KIND, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The detail of a filing as read.
pub(super) fn detail<F: FilingForm>(
    enterprise: &EnterpriseInfo,
    parts: FilingParts,
) -> Result<F::Detail, AppError> {
    let form = stored_form(&parts.record)?;
    Ok(compose::<F>(enterprise, form, parts))
}

/// A step of a timeline as the API answers it.
pub(super) fn history_entry(step: TimelineStep) -> HistoryEntry {
    let TimelineStep {
        entry: h,
        actor_name,
        amendment_id,
    } = step;
    HistoryEntry {
        at: display_time(h.at),
        actor: h.actor,
        actor_name,
        from: h.from,
        to: h.to,
        note: h.note,
        detail: h.detail,
        amendment_id,
    }
}

/// The detail of a filing from its parts: read by [`load_parts`], or known already after a
/// write.
fn compose<F: FilingForm>(enterprise: &EnterpriseInfo, form: F, parts: FilingParts) -> F::Detail {
    let FilingParts {
        record,
        history,
        attachments,
        outbox,
    } = parts;
    let lifecycle = Lifecycle {
        status: record.status,
        version: record.version,
        decl_time: record.decl_time.map(display_time),
        last_return_time: record.last_return_time.as_deref().map(display_receipt_time),
        last_return_info: record.last_return_info.clone(),
        created_at: display_time(record.created_at),
        updated_at: display_time(record.updated_at),
        history: history.into_iter().map(history_entry).collect(),
        send_attempts: outbox
            .as_ref()
            .map_or(0, |o| u32::try_from(o.attempts).unwrap_or(u32::MAX)),
        // A retry is scheduled only once an attempt has failed; while the first attempt is
        // under way there is no "next try" yet.
        next_attempt_at: outbox
            .as_ref()
            .filter(|o| o.state == "pending" && o.last_error.is_some())
            .map(|o| display_time(o.next_attempt_at)),
        last_error: outbox.and_then(|o| o.last_error),
        pending: record.pending,
        amendment: record.amends_id.map(|amends_id| AmendmentInfo {
            app_type: record.app_type,
            amends_id,
            version_no: record.amend_version.unwrap_or_default(),
            reason: record.amend_reason.clone(),
        }),
    };
    F::detail(Filing {
        record,
        form,
        enterprise: enterprise.clone(),
        lifecycle,
        attachments,
    })
}

/// 409 for an action the record does not accept now.
fn refused(record: &FilingRecord, action: Action) -> AppError {
    AppError::Conflict(
        ActionRefused {
            status: record.status,
            action,
        }
        .to_string(),
    )
}

pub(super) fn stale(record: &FilingRecord) -> AppError {
    AppError::Conflict(format!(
        "该记录已被修改（当前状态“{}”），请刷新后再操作",
        record.status.label()
    ))
}

pub async fn create<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(save): AppJson<SaveRequest<F>>,
) -> Result<impl IntoResponse, AppError> {
    let enterprise = &user.session.enterprise;
    let mut form = save.form.normalized();
    form.assign(enterprise);
    let registration = registration_for::<F>(&state, enterprise).await?;
    check(form.validate(
        &[],
        Level::Draft,
        &context(enterprise, registration.as_ref()),
    ))?;
    let new = NewFiling {
        kind: F::KIND,
        enterprise,
        registration: registration.as_ref(),
        operator_card_no: &user.session.card_no,
        form_json: serde_json::to_string(&form).expect("a form serialises"),
        index: form.index(),
    };
    let created = state
        .store
        .create_filing(&new)
        .await
        .map_err(duplicate_error)?;
    let parts = FilingParts {
        record: created.record,
        history: vec![TimelineStep {
            entry: created.entry,
            actor_name: Some(user.session.user_name.clone()),
            amendment_id: None,
        }],
        attachments: Vec::new(),
        outbox: None,
    };
    Ok((StatusCode::CREATED, Json(compose(enterprise, form, parts))))
}

pub async fn read<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
) -> Result<Json<F::Detail>, AppError> {
    let enterprise = &user.session.enterprise;
    let parts = load_parts::<F>(&state, enterprise, id).await?;
    Ok(Json(detail::<F>(enterprise, parts)?))
}

pub async fn update<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(SaveRequest { version, form }): AppJson<SaveRequest<F>>,
) -> Result<Json<F::Detail>, AppError> {
    let enterprise = &user.session.enterprise;
    let version =
        version.ok_or_else(|| AppError::BadRequest("修改时必须带上记录的 version".into()))?;
    let record = load::<F>(&state, enterprise, id).await?;
    if !record.allows(Action::Save) {
        return Err(refused(&record, Action::Save));
    }
    let to = record
        .status
        .on_save()
        .map_err(|refused| AppError::Conflict(refused.to_string()))?;
    if record.version != version {
        return Err(stale(&record));
    }
    let mut form = form.normalized();
    form.assign(enterprise);
    let registration = registration_for::<F>(&state, enterprise).await?;
    amendment_errors(&state, enterprise, &record, &form, false).await?;
    check(form.validate(
        &[],
        Level::Draft,
        &context(enterprise, registration.as_ref()),
    ))?;
    let transition = Transition {
        id,
        version,
        from: record.status,
        to,
        actor: user.session.card_no.clone(),
        note: "修改后暂存".into(),
        detail: String::new(),
    };
    let form_json = serde_json::to_string(&form).expect("a form serialises");
    if !state
        .store
        .save_filing(enterprise.id, transition, form_json, form.index())
        .await
        .map_err(duplicate_error)?
    {
        return Err(stale(&load::<F>(&state, enterprise, id).await?));
    }
    let parts = load_parts::<F>(&state, enterprise, id).await?;
    Ok(Json(detail::<F>(enterprise, parts)?))
}

pub async fn delete<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppQuery(VersionQuery { version }): AppQuery<VersionQuery>,
) -> Result<StatusCode, AppError> {
    let enterprise = &user.session.enterprise;
    let record = load::<F>(&state, enterprise, id).await?;
    if !record.allows(Action::Delete) {
        return Err(refused(&record, Action::Delete));
    }
    if record.version != version {
        return Err(stale(&record));
    }
    let amendment = record.amendment();
    if F::KIND == FilingKind::Registration && amendment.is_none() {
        let warehouses = warehouses_in_force(&state, enterprise, id).await?;
        if let Some(refusal) = registration_delete_refusal(&warehouses) {
            return Err(form_error(refusal));
        }
    }
    let done = match removal(amendment, record.decl_time.is_some()) {
        Removal::Deleted => {
            state
                .store
                .delete_draft(enterprise.id, F::KIND, id, version, record.status)
                .await?
        }
        Removal::Withdrawn => {
            let t = Transition {
                id,
                version,
                from: record.status,
                to: Status::Withdrawn,
                actor: user.session.card_no.clone(),
                note: format!("撤回{}申请", record.app_type.label()),
                detail: String::new(),
            };
            state.store.withdraw_amendment(enterprise.id, t).await?
        }
    };
    if !done {
        return Err(stale(&record));
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn declare<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(VersionCheck { version }): AppJson<VersionCheck>,
) -> Result<Json<F::Detail>, AppError> {
    let enterprise = &user.session.enterprise;
    // The filing and what R3 needs are independent reads; their errors count in this order.
    let (parts, registration) = tokio::join!(
        load_parts::<F>(&state, enterprise, id),
        registration_for::<F>(&state, enterprise)
    );
    let parts = parts?;
    let record = &parts.record;
    // Declaring twice is idempotent: the declaration already made stands, no second message.
    if record.status.in_flight() || record.status == Status::Approved {
        return Ok(Json(detail::<F>(enterprise, parts)?));
    }
    let to = record
        .status
        .on_declare()
        .map_err(|refused| AppError::Conflict(refused.to_string()))?;
    if record.version != version {
        return Err(stale(record));
    }
    let form: F = stored_form(record)?;
    let registration = registration?;
    let (sent, attachments) = if record.app_type == AppType::Cancel {
        // A 注销 declared again after a 退单 or failed delivery: its reason, no documents.
        let mut sent = form.clone();
        sent.set_note(record.amend_reason.as_deref().unwrap_or_default());
        (sent, Vec::new())
    } else {
        declare_checks(&state, enterprise, &parts, &form, registration.as_ref()).await?;
        (form.clone(), parts.attachments.clone())
    };
    let message =
        declared_message(&state, &user, record, record.app_type, &sent, &attachments).await?;
    let transition = Transition {
        id,
        version,
        from: record.status,
        to,
        actor: user.session.card_no.clone(),
        note: "申报，报文已进入发送队列".into(),
        detail: String::new(),
    };
    let FilingParts {
        record,
        mut history,
        attachments,
        ..
    } = parts;
    let Some(declared) = state
        .store
        .declare_filing(record, transition, message)
        .await?
    else {
        // Someone else changed it first: fine if that was the same declaration.
        let now = load_parts::<F>(&state, enterprise, id).await?;
        if !now.record.status.in_flight() {
            return Err(stale(&now.record));
        }
        return Ok(Json(detail::<F>(enterprise, now)?));
    };
    history.push(TimelineStep {
        entry: declared.entry,
        actor_name: Some(user.session.user_name.clone()),
        amendment_id: None,
    });
    let parts = FilingParts {
        record: declared.record,
        history,
        attachments,
        outbox: Some(declared.outbox),
    };
    Ok(Json(compose(enterprise, form, parts)))
}

/// The checks of 申报 beyond the status: rule R3 for warehouses, what an amendment adds, and
/// the shared validation at declare level.
async fn declare_checks<F: FilingForm>(
    state: &AppState,
    enterprise: &EnterpriseInfo,
    parts: &FilingParts,
    form: &F,
    registration: Option<&FilingRecord>,
) -> Result<(), AppError> {
    if let Some(reason) =
        registration.and_then(|r| warehouse_declare_refusal(r.status, &r.apply_no))
    {
        return Err(form_error(reason));
    }
    amendment_errors(state, enterprise, &parts.record, form, true).await?;
    let attachments: Vec<DocType> = parts
        .attachments
        .iter()
        .filter_map(|a| DocType::from_code(&a.doc_type))
        .collect();
    check(form.validate(
        &attachments,
        Level::Declare,
        &context(enterprise, registration),
    ))
}

/// Why the enterprise's warehouse record `id` may not be named by a declared 订仓单: it is
/// none of the enterprise's records, it is cancelled, or — short of customs' approval — it
/// fails the checks its own 申报 would make (since 公告2024年第167号 the filing itself is not
/// required, a complete record is).
pub(super) async fn warehouse_refusal(
    state: &AppState,
    enterprise: &EnterpriseInfo,
    id: i64,
) -> Result<Option<String>, AppError> {
    let parts = match load_parts::<WarehouseForm>(state, enterprise, id).await {
        Err(AppError::NotFound) => None,
        parts => Some(parts?).filter(|parts| parts.record.amends_id.is_none()),
    };
    let Some(parts) = parts else {
        return Ok(Some("所选海外仓不是本企业的海外仓资料，请重新选择".into()));
    };
    let record = &parts.record;
    match record.status {
        Status::Approved => return Ok(None),
        Status::Cancelled => return Ok(Some("所选海外仓资料已注销，请选择其他海外仓".into())),
        _ => {}
    }
    let form: WarehouseForm = stored_form(record)?;
    let checked = match registration_for::<WarehouseForm>(state, enterprise).await {
        Ok(registration) => {
            declare_checks(state, enterprise, &parts, &form, registration.as_ref()).await
        }
        Err(e) => Err(e),
    };
    match checked {
        Ok(()) => Ok(None),
        Err(AppError::Validation(errors)) => Ok(Some(format!(
            "所选海外仓资料“{}”尚不完整，补全后才能用于申报订仓单：{}",
            form.wh_name,
            describe(&errors)
        ))),
        Err(e) => Err(e),
    }
}

/// The signed message that declares `form` of `record` with `app_type`, for the outbox.
pub(super) async fn declared_message<F: FilingForm>(
    state: &AppState,
    user: &CurrentUser,
    record: &FilingRecord,
    app_type: AppType,
    form: &F,
    attachments: &[AttachmentInfo],
) -> Result<OutboxMessage, AppError> {
    let enterprise = &user.session.enterprise;
    let signer = state.keys.signer(enterprise.id).await?;
    let signed = message::declaration(
        DeclarationInput {
            app_type,
            apply_no: record.customs_apply_no(),
            ent_apply_no: record.registration_apply_no.as_deref().unwrap_or_default(),
            enterprise,
            card_no: &user.session.card_no,
            form: form.declared(attachments),
        },
        &signer,
    );
    Ok(OutboxMessage::from(signed))
}

pub async fn list<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<ListQuery>,
) -> Result<Json<Page<F::Row>>, AppError> {
    check(q.validate())?;
    let (records, total) = state
        .store
        .list_filings(user.session.enterprise.id, Some(F::KIND), &q)
        .await?;
    Ok(Json(Page {
        items: records.into_iter().map(F::row).collect(),
        total,
        page: q.page(),
        page_size: q.page_size(),
    }))
}
