//! 变更 and 注销 of approved filings: `POST …/{id}/change`, `POST …/{id}/cancel`,
//! `GET …/{id}/versions`, and the rules an amendment's record adds to 暂存, 申报 and 删除 (the
//! rules themselves are in [`owf_shared::amendment`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use owf_shared::amendment::{
    locked_field_errors, may_open, registration_cancel_refusal, trade_modes_change_refusal,
    AppType, WarehouseInForce,
};
use owf_shared::api::{CancelRequest, VersionCheck, VersionEntry};
use owf_shared::enterprise::EnterpriseInfo;
use owf_shared::field::{Field, FilingKind};

use super::filings::{
    check, declared_message, detail, duplicate_error, form_error, load, load_parts, stale,
    stored_form, FilingForm, FilingId,
};
use super::{AppError, AppJson, AppState, CurrentUser};
use crate::clock::display_time;
use crate::store::filings::FilingRecord;

/// The approved filing `id` of the enterprise, ready to be amended at `version`.
async fn approved_root<F: FilingForm>(
    state: &AppState,
    enterprise: &EnterpriseInfo,
    id: i64,
    version: i64,
) -> Result<FilingRecord, AppError> {
    let root = load::<F>(state, enterprise, id).await?;
    if root.amends_id.is_some() {
        return Err(AppError::Conflict(
            "这是一项变更或注销申报，请在它所属的备案上办理变更或注销".into(),
        ));
    }
    may_open(root.status, root.pending.as_ref())
        .map_err(|refused| AppError::Conflict(refused.to_string()))?;
    if root.version != version {
        return Err(stale(&root));
    }
    Ok(root)
}

/// `POST …/{id}/change`: 变更 — a draft of the approved content, to edit and declare like any
/// draft while the approved version stays in force.
pub async fn open_change<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(VersionCheck { version }): AppJson<VersionCheck>,
) -> Result<(StatusCode, Json<F::Detail>), AppError> {
    let enterprise = &user.session.enterprise;
    let root = approved_root::<F>(&state, enterprise, id, version).await?;
    let Some(created) = state
        .store
        .open_change(root.clone(), user.session.card_no.clone())
        .await
        .map_err(duplicate_error)?
    else {
        return Err(stale(&root));
    };
    let parts = load_parts::<F>(&state, enterprise, created.record.id).await?;
    Ok((StatusCode::CREATED, Json(detail::<F>(enterprise, parts)?)))
}

/// `POST …/{id}/cancel`: 注销 with its reason, declared at once (appType 3). A registration is
/// cancelled only when no warehouse filing relies on it.
pub async fn cancel<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(request): AppJson<CancelRequest>,
) -> Result<Json<F::Detail>, AppError> {
    let enterprise = &user.session.enterprise;
    check(request.validate())?;
    let root = approved_root::<F>(&state, enterprise, id, request.version).await?;
    if F::KIND == FilingKind::Registration {
        let warehouses = warehouses_in_force(&state, enterprise, root.id).await?;
        if let Some(refusal) = registration_cancel_refusal(&warehouses) {
            return Err(form_error(refusal));
        }
    }
    let reason = request.reason.trim().to_owned();
    let mut form: F = stored_form(&root)?;
    form.set_note(&reason);
    let message = declared_message(&state, &user, &root, AppType::Cancel, &form, &[]).await?;
    state
        .store
        .declare_cancel(root.clone(), user.session.card_no.clone(), reason, message)
        .await
        .map_err(duplicate_error)?
        .ok_or_else(|| stale(&root))?;
    let parts = load_parts::<F>(&state, enterprise, id).await?;
    Ok(Json(detail::<F>(enterprise, parts)?))
}

/// `GET …/{id}/versions`: every approved version, oldest first.
pub async fn versions<F: FilingForm>(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
) -> Result<Json<Vec<VersionEntry<F>>>, AppError> {
    let enterprise = &user.session.enterprise;
    load::<F>(&state, enterprise, id).await?;
    let versions = state.store.versions(enterprise.id, id).await?;
    let entries = versions
        .into_iter()
        .map(|v| {
            Ok(VersionEntry {
                version_no: v.version_no,
                app_type: v.app_type,
                approved_at: display_time(v.approved_at),
                return_info: v.return_info,
                documents: v.documents,
                form: serde_json::from_str(&v.form_json).map_err(|e| {
                    crate::store::StoreError::from(sqlx::Error::Decode(Box::new(e)))
                })?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Json(entries))
}

/// What an amendment's record adds to the checks of 暂存 and 申报 of `form` (that a 注销 has no
/// form to save is the shared rule of its actions): a 变更 keeps the master data of the approved filing, and a registration's 变更 keeps
/// the 监管方式 its warehouses use (checked at 申报, when it would take effect).
pub async fn amendment_errors<F: FilingForm>(
    state: &AppState,
    enterprise: &EnterpriseInfo,
    record: &FilingRecord,
    form: &F,
    declaring: bool,
) -> Result<(), AppError> {
    let Some(root_id) = record.amends_id else {
        return Ok(());
    };
    let root = load::<F>(state, enterprise, root_id).await?;
    let approved: F = stored_form(&root)?;
    let mut errors = locked_field_errors(&approved, form);
    if declaring && F::KIND == FilingKind::Registration {
        let warehouses = warehouses_in_force(state, enterprise, root_id).await?;
        if let Some(refusal) =
            trade_modes_change_refusal(&root.trade_modes, &form.index().trade_modes, &warehouses)
        {
            errors.insert(Field::TradeModes.key().to_owned(), refusal);
        }
    }
    check(errors)
}

/// The warehouse filings of the enterprise's registration `registration_id`, as the rules of its
/// amendments and its 删除 see them.
pub(super) async fn warehouses_in_force(
    state: &AppState,
    enterprise: &EnterpriseInfo,
    registration_id: i64,
) -> Result<Vec<WarehouseInForce>, AppError> {
    let records = state
        .store
        .warehouses_of(enterprise.id, registration_id)
        .await?;
    Ok(records
        .into_iter()
        .map(|w| WarehouseInForce {
            apply_no: w.apply_no,
            name: w.wh_name.unwrap_or_default(),
            trade_mode: w.trade_modes.into_iter().next().unwrap_or_default(),
            status: w.status,
            pending: w.pending,
        })
        .collect())
}
