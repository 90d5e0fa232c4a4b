//! 订仓单 declarations: `POST /api/booking-orders/{id}/declare` (申报: appType 1, or what a
//! 退单 变更 or 删除 asked again), `…/{id}/change` (变更, appType 2: the new content, declared at
//! once) and `…/{id}/delete-request` (删除, appType 3). Each is version-checked; 申报 and 变更
//! run the shared validation at declare level and check the 海外仓 record; then a signed
//! CEB303 (orderType W) goes into the outbox with the status change, and the relay carries it
//! like the filings' messages. 变更 and 删除 are open while customs has the order but has not
//! taken it in (`owf_shared::booking::amendment`); they change the order itself, whose
//! 订仓单编号 customs knows it by — there is no separate amendment record as for the filings.

use axum::extract::State;
use axum::Json;
use owf_shared::amendment::AppType;
use owf_shared::api::{SaveRequest, VersionCheck};
use owf_shared::booking::amendment::amendment_refusal;
use owf_shared::booking::api::BookingDetail;
use owf_shared::booking::{declared, validate_booking, BookingForm, HeaderField};
use owf_shared::codes::CodeTables;
use owf_shared::status::{Status, Subject};
use owf_shared::validate::{FieldErrors, Level};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::booking_orders::{draft, load, read_back, stale, MAX_ORDER_BYTES, TAG};
use super::filings::{check, warehouse_refusal, FilingId};
use super::{AppError, AppJson, AppState, CurrentUser};
use crate::customs::order::{order_declaration, OrderInput};
use crate::store::booking_declarations::BookingDeclaration;
use crate::store::booking_orders::{BookingRecord, BookingSave};
use crate::store::filings::OutboxMessage;
use crate::store::history::Transition;

/// The routes of the declarations, under `/api/booking-orders`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(declare))
        .routes(routes!(change).layer(axum::extract::DefaultBodyLimit::max(MAX_ORDER_BYTES)))
        .routes(routes!(delete_request))
}

/// `form` at declare level: the shared validation, then its 海外仓 — a warehouse record of the
/// enterprise that customs approved or that passes its own declare-level checks.
async fn declare_checks(
    state: &AppState,
    user: &CurrentUser,
    form: &BookingForm,
) -> Result<(), AppError> {
    check(validate_booking(
        form,
        Level::Declare,
        &CodeTables::embedded(),
    ))?;
    let warehouse = form.warehouse_id.ok_or(AppError::NotFound)?;
    match warehouse_refusal(state, &user.session.enterprise, warehouse).await? {
        None => Ok(()),
        Some(reason) => Err(AppError::Validation(FieldErrors::from([(
            HeaderField::Warehouse.key().to_owned(),
            reason,
        )]))),
    }
}

/// The signed CEB303 of `form` (as [`declared`] sends it) with `app_type`, for the outbox.
async fn message(
    state: &AppState,
    user: &CurrentUser,
    app_type: AppType,
    form: &BookingForm,
) -> Result<OutboxMessage, AppError> {
    let enterprise = &user.session.enterprise;
    let signer = state.keys.signer(enterprise.id).await?;
    let sent = declared(form);
    let goods_value = owf_shared::booking::goods_value(&sent.lines)
        .map(|total| total.with_places(2))
        .unwrap_or_default();
    Ok(OutboxMessage::from(order_declaration(
        OrderInput {
            app_type,
            enterprise,
            goods_value: &goods_value,
            form: &sent,
        },
        &signer,
    )))
}

/// Writes the declaration of `record` (to 申报中) and answers the order as it left it.
async fn submit(
    state: &AppState,
    user: &CurrentUser,
    record: &BookingRecord,
    (app_type, note): (AppType, &str),
    content: Option<BookingSave>,
    message: OutboxMessage,
) -> Result<Json<BookingDetail>, AppError> {
    let enterprise_id = user.session.enterprise.id;
    let declaration = BookingDeclaration {
        enterprise_id,
        transition: Transition {
            id: record.id,
            version: record.version,
            from: record.status,
            to: Status::Declared,
            actor: user.session.card_no.clone(),
            note: note.to_owned(),
            detail: String::new(),
        },
        app_type,
        content,
        message,
    };
    if !state.store.declare_booking(declaration).await? {
        let (now, _) = load(state, enterprise_id, record.id).await?;
        return Err(stale(&now));
    }
    Ok(Json(read_back(state, enterprise_id, record.id).await?))
}

/// 订仓单：申报
///
/// Declares the stored order (appType 1; after a 退单 of a 变更 or 删除, that again). Declaring
/// an order already with the relay or customs answers it as it is, with no second message.
#[utoipa::path(
    post,
    path = "/{id}/declare",
    tag = TAG,
    operation_id = "declare_booking_order",
    params(FilingId),
    request_body = VersionCheck,
    responses((status = OK, description = "已申报（申报中）", body = BookingDetail))
)]
async fn declare(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(VersionCheck { version }): AppJson<VersionCheck>,
) -> Result<Json<BookingDetail>, AppError> {
    let enterprise_id = user.session.enterprise.id;
    let (record, form) = load(&state, enterprise_id, id).await?;
    if Subject::BookingOrder.in_flight(record.status) {
        return Ok(Json(read_back(&state, enterprise_id, id).await?));
    }
    record
        .status
        .on_declare()
        .map_err(|refused| AppError::Conflict(refused.to_string()))?;
    if record.version != version {
        return Err(stale(&record));
    }
    if record.app_type != AppType::Cancel {
        declare_checks(&state, &user, &form).await?;
    }
    let message = message(&state, &user, record.app_type, &form).await?;
    let note = "申报，报文已进入发送队列";
    submit(
        &state,
        &user,
        &record,
        (record.app_type, note),
        None,
        message,
    )
    .await
}

/// The order `id`, if it may be amended with `app_type` at `version` now.
async fn amendable(
    state: &AppState,
    enterprise_id: i64,
    id: i64,
    version: i64,
    app_type: AppType,
) -> Result<(BookingRecord, BookingForm), AppError> {
    let (record, form) = load(state, enterprise_id, id).await?;
    if let Some(reason) = amendment_refusal(record.status, record.app_type, app_type) {
        return Err(AppError::Conflict(reason));
    }
    if record.version != version {
        return Err(stale(&record));
    }
    Ok((record, form))
}

/// 订仓单：变更
///
/// New content for an order customs has but has not taken in (发送海关成功), declared at once
/// with appType 2 under the same 订仓单编号.
#[utoipa::path(
    post,
    path = "/{id}/change",
    tag = TAG,
    operation_id = "change_booking_order",
    params(FilingId),
    request_body = SaveRequest<BookingForm>,
    responses((status = OK, description = "已申报变更（申报中）", body = BookingDetail))
)]
async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(SaveRequest { version, form }): AppJson<SaveRequest<BookingForm>>,
) -> Result<Json<BookingDetail>, AppError> {
    let version =
        version.ok_or_else(|| AppError::BadRequest("变更时必须带上订仓单的 version".into()))?;
    let enterprise_id = user.session.enterprise.id;
    let (record, _) = amendable(&state, enterprise_id, id, version, AppType::Change).await?;
    if form.order_no.trim() != record.order_no {
        return Err(AppError::Validation(FieldErrors::from([(
            HeaderField::OrderNo.key().to_owned(),
            format!(
                "变更不能修改订仓单编号（海关按编号 {} 识别该订仓单）",
                record.order_no
            ),
        )])));
    }
    let save = draft(&user, form)?;
    declare_checks(&state, &user, &save.form).await?;
    let message = message(&state, &user, AppType::Change, &save.form).await?;
    let note = "变更申报，报文已进入发送队列";
    submit(
        &state,
        &user,
        &record,
        (AppType::Change, note),
        Some(save),
        message,
    )
    .await
}

/// 订仓单：删除（向海关申请）
///
/// Asks customs to delete an order it has but has not taken in (发送海关成功): appType 3 with
/// the order as declared. Once customs takes the deletion in, the order is 已注销.
#[utoipa::path(
    post,
    path = "/{id}/delete-request",
    tag = TAG,
    operation_id = "request_booking_order_deletion",
    params(FilingId),
    request_body = VersionCheck,
    responses((status = OK, description = "已申报删除（申报中）", body = BookingDetail))
)]
async fn delete_request(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(VersionCheck { version }): AppJson<VersionCheck>,
) -> Result<Json<BookingDetail>, AppError> {
    let enterprise_id = user.session.enterprise.id;
    let (record, form) = amendable(&state, enterprise_id, id, version, AppType::Cancel).await?;
    let message = message(&state, &user, AppType::Cancel, &form).await?;
    let note = "删除申报，报文已进入发送队列";
    submit(
        &state,
        &user,
        &record,
        (AppType::Cancel, note),
        None,
        message,
    )
    .await
}
