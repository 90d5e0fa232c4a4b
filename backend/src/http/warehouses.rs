//! 海外仓资料信息 (Form B): `/api/warehouses`, and whether the enterprise may file them.

use axum::extract::State;
use axum::Json;
use owf_shared::api::{AttachmentInfo, WarehouseDetail, WarehouseEligibility, WarehouseRow};
use owf_shared::codes::DocType;
use owf_shared::form::WarehouseForm;
use owf_shared::lease::LeaseState;
use owf_shared::status::warehouse_declare_refusal;
use owf_shared::validate::{validate_warehouse, Context, FieldErrors, Level};

use super::filings::{eligibility, filing_routes, Filing, FilingForm};
use super::{AppError, AppState, CurrentUser};
use crate::clock::{beijing_today, display_receipt_time, display_time};
use crate::customs::message::DeclaredForm;
use crate::store::filings::{FilingRecord, IndexColumns};

filing_routes!(
    WarehouseForm,
    WarehouseDetail,
    WarehouseRow,
    "海外仓资料信息",
    "warehouse"
);

impl FilingForm for WarehouseForm {
    type Detail = WarehouseDetail;
    type Row = WarehouseRow;

    fn normalized(self) -> Self {
        WarehouseForm::normalized(self)
    }

    fn index(&self) -> IndexColumns {
        IndexColumns::of_warehouse(self)
    }

    fn set_note(&mut self, note: &str) {
        self.note = note.to_owned();
    }

    fn validate(&self, attachments: &[DocType], level: Level, ctx: &Context) -> FieldErrors {
        validate_warehouse(self, attachments, level, ctx)
    }

    fn declared(&self, attachments: &[AttachmentInfo]) -> DeclaredForm {
        DeclaredForm::Warehouse(self.clone(), attachments.iter().map(Into::into).collect())
    }

    fn detail(f: Filing<Self>) -> WarehouseDetail {
        WarehouseDetail {
            id: f.record.id,
            wh_apply_no: f.record.customs_apply_no().to_owned(),
            ent_apply_no: f.record.registration_apply_no.unwrap_or_default(),
            customs_code: f.record.customs_code,
            ent_name: f.record.ent_name,
            form: f.form,
            attachments: f.attachments,
            lifecycle: f.lifecycle,
        }
    }

    fn row(r: FilingRecord) -> WarehouseRow {
        WarehouseRow {
            id: r.id,
            wh_apply_no: r.apply_no,
            ent_name: r.ent_name,
            customs_code: r.customs_code,
            trade_mode: r.trade_modes.into_iter().next().unwrap_or_default(),
            wh_name: r.wh_name.unwrap_or_default(),
            country_code: r.country_code.unwrap_or_default(),
            lease_warning: r.lease_end.as_deref().and_then(|end| {
                LeaseState::of_warehouse("2", end, beijing_today()).and_then(LeaseState::warning)
            }),
            lease_end: r.lease_end,
            ownership: r.ownership.unwrap_or_default(),
            status: r.status,
            decl_time: r.decl_time.map(display_time),
            last_return_time: r.last_return_time.as_deref().map(display_receipt_time),
            last_return_info: r.last_return_info,
            pending: r.pending,
        }
    }
}

/// 本企业能否报送海外仓资料（须有企业登记；申报须审核通过）
#[utoipa::path(
    get,
    path = "/eligibility",
    tag = "海外仓资料信息",
    responses((status = OK, description = "能否录入与申报，及其原因", body = WarehouseEligibility))
)]
pub async fn eligible(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<WarehouseEligibility>, AppError> {
    let enterprise = &user.session.enterprise;
    let answer = match eligibility(&state, enterprise).await? {
        Ok(registration) => {
            let declare_reason =
                warehouse_declare_refusal(registration.status, &registration.apply_no);
            WarehouseEligibility {
                allowed: true,
                reason: None,
                ent_apply_no: Some(registration.apply_no),
                registration_status: Some(registration.status),
                declarable: declare_reason.is_none(),
                declare_reason,
                trade_modes: registration.trade_modes,
            }
        }
        Err(reason) => WarehouseEligibility {
            allowed: false,
            reason: Some(reason),
            ent_apply_no: None,
            registration_status: None,
            declarable: false,
            declare_reason: None,
            trade_modes: Vec::new(),
        },
    };
    Ok(Json(answer))
}
