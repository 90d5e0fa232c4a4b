//! 海外仓备案查询: `/api/filings`, the enterprise's filing table — registrations and
//! warehouses together.

use axum::extract::State;
use axum::Json;
use owf_shared::api::{FilingRow, ListQuery, Page};
use owf_shared::field::FilingKind;
use owf_shared::form::{RegistrationForm, WarehouseForm};

use super::filings::{check, FilingForm};
use super::{AppError, AppQuery, AppState, CurrentUser};

/// 海外仓备案查询：企业登记与海外仓资料
#[utoipa::path(
    get,
    path = "/filings",
    tag = "海外仓备案查询",
    params(ListQuery),
    responses((status = OK, description = "一页记录", body = Page<FilingRow>))
)]
pub async fn filings(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<ListQuery>,
) -> Result<Json<Page<FilingRow>>, AppError> {
    check(q.validate())?;
    let (records, total) = state
        .store
        .list_filings(user.session.enterprise.id, None, &q)
        .await?;
    let items = records
        .into_iter()
        .map(|r| match r.kind {
            FilingKind::Registration => FilingRow::Registration(RegistrationForm::row(r)),
            FilingKind::Warehouse => FilingRow::Warehouse(WarehouseForm::row(r)),
        })
        .collect();
    Ok(Json(Page {
        items,
        total,
        page: q.page(),
        page_size: q.page_size(),
    }))
}
