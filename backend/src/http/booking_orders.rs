//! 订仓单: `/api/booking-orders` — create (暂存 of a new draft), list, read, update (暂存, also
//! of a 发送海关失败 or 退单 order, which makes it a draft again), delete (drafts), the preview
//! of an imported line file and the template to fill in; its declarations (申报, 变更, 删除) are
//! in `booking_declarations`. Validation is the shared one at 暂存 level; 电商企业 is
//! the session's enterprise.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use owf_shared::api::{Page, SaveRequest};
use owf_shared::booking::api::{
    BookingDetail, BookingQuery, BookingRow, ImportPreview, PreviewError, PreviewLine,
};
use owf_shared::booking::import::{import_lines, Import, ImportError, MAX_FILE_BYTES};
use owf_shared::booking::template::template_csv;
use owf_shared::booking::{goods_value, validate_booking, BookingForm, HeaderField};
use owf_shared::codes::CodeTables;
use owf_shared::status::{Action, ActionRefused, Status};
use owf_shared::validate::{FieldErrors, Level};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::attachments::attachment_disposition;
use super::filings::{check, history_entry, FilingId, VersionQuery};
use super::{AppError, AppJson, AppQuery, AppState, CurrentUser};
use crate::clock::{display_receipt_time, display_time};
use crate::store::booking_orders::{BookingRecord, BookingSave, Saved};
use crate::store::filings::TimelineStep;
use crate::store::history::Transition;
use crate::store::StoreError;

/// Largest 订仓单 body: 10,000 lines of a few hundred bytes of JSON each.
pub const MAX_ORDER_BYTES: usize = 16 << 20;

/// Room for the multipart framing around an imported file of [`MAX_FILE_BYTES`].
const MULTIPART_FRAMING: usize = 64 << 10;

/// Imported files read at once, each held in memory whole while it arrives and is read (at most
/// [`MAX_FILE_BYTES`], and the rows read from it): one more is refused (429), not queued.
pub const IMPORTS_AT_ONCE: usize = 2;

/// The multipart field that carries the imported file.
const FILE_FIELD: &str = "file";

pub(super) const TAG: &str = "海外仓订仓单";

/// The routes of `/api/booking-orders`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create).layer(DefaultBodyLimit::max(MAX_ORDER_BYTES)))
        .routes(routes!(read, update, delete).layer(DefaultBodyLimit::max(MAX_ORDER_BYTES)))
        .routes(routes!(import).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + MULTIPART_FRAMING)))
        .routes(routes!(template))
}

/// The detail of `record` with `form` and its timeline.
fn detail(record: BookingRecord, form: BookingForm, history: Vec<TimelineStep>) -> BookingDetail {
    BookingDetail {
        id: record.id,
        ebc_code: record.ebc_code,
        ebc_name: record.ebc_name,
        wh_name: record.wh_name,
        goods_value: record.goods_value,
        status: record.status,
        version: record.version,
        created_at: display_time(record.created_at),
        updated_at: display_time(record.updated_at),
        app_type: record.app_type,
        decl_time: record.decl_time.map(display_time),
        last_return_time: record.last_return_time.as_deref().map(display_receipt_time),
        last_return_info: record.last_return_info,
        history: history.into_iter().map(history_entry).collect(),
        form,
    }
}

fn row(record: BookingRecord) -> BookingRow {
    BookingRow {
        id: record.id,
        order_no: record.order_no,
        wh_name: record.wh_name,
        currency: record.currency,
        goods_value: record.goods_value,
        line_count: record.line_count,
        status: record.status,
        version: record.version,
        created_at: display_time(record.created_at),
    }
}

/// The order `id` of the enterprise with its lines, or 404.
pub(super) async fn load(
    state: &AppState,
    enterprise_id: i64,
    id: i64,
) -> Result<(BookingRecord, BookingForm), AppError> {
    state
        .store
        .booking(enterprise_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The order as read after a write, with its timeline.
pub(super) async fn read_back(
    state: &AppState,
    enterprise_id: i64,
    id: i64,
) -> Result<BookingDetail, AppError> {
    let (order, history) = tokio::join!(
        load(state, enterprise_id, id),
        state.store.booking_history(enterprise_id, id)
    );
    let (record, form) = order?;
    Ok(detail(record, form, history?))
}

/// `form` checked at 暂存 level, ready to store for the session's enterprise.
pub(super) fn draft(user: &CurrentUser, form: BookingForm) -> Result<BookingSave, AppError> {
    check(validate_booking(
        &form,
        Level::Draft,
        &CodeTables::embedded(),
    ))?;
    Ok(BookingSave {
        enterprise_id: user.session.enterprise.id,
        operator_card_no: user.session.card_no.clone(),
        goods_value: goods_value(&form.lines).map(|total| total.with_places(2)),
        form,
    })
}

/// The id a 暂存 wrote; `None` when its version was stale; the refusals as answers.
fn written(saved: Result<Saved, StoreError>) -> Result<Option<i64>, AppError> {
    match saved {
        Ok(Saved::Done(id)) => Ok(Some(id)),
        Ok(Saved::Stale) => Ok(None),
        Ok(Saved::NoWarehouse) => Err(AppError::Validation(FieldErrors::from([(
            HeaderField::Warehouse.key().to_owned(),
            "所选海外仓不是本企业的海外仓资料，请重新选择".to_owned(),
        )]))),
        // Told at the field, as the shared checks tell theirs.
        Err(e @ StoreError::OrderNoTaken(_)) => Err(AppError::Validation(FieldErrors::from([(
            HeaderField::OrderNo.key().to_owned(),
            e.to_string(),
        )]))),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn stale(record: &BookingRecord) -> AppError {
    AppError::Conflict(format!(
        "该订仓单已被修改（当前状态“{}”），请刷新后再操作",
        record.status.label()
    ))
}

/// 409 unless the order's status allows `action` (the filings' status machine).
fn allowed(record: &BookingRecord, action: Action) -> Result<(), AppError> {
    if record.status.allows(action) {
        return Ok(());
    }
    Err(AppError::Conflict(
        ActionRefused {
            status: record.status,
            action,
        }
        .to_string(),
    ))
}

/// 订仓单：查询
#[utoipa::path(
    get,
    path = "",
    tag = TAG,
    operation_id = "list_booking_orders",
    params(BookingQuery),
    responses((status = OK, description = "一页订仓单", body = Page<BookingRow>))
)]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<BookingQuery>,
) -> Result<Json<Page<BookingRow>>, AppError> {
    check(q.validate())?;
    let (records, total) = state
        .store
        .list_bookings(user.session.enterprise.id, &q)
        .await?;
    Ok(Json(Page {
        items: records.into_iter().map(row).collect(),
        total,
        page: q.page(),
        page_size: q.page_size(),
    }))
}

/// 订仓单：新增暂存
#[utoipa::path(
    post,
    path = "",
    tag = TAG,
    operation_id = "create_booking_order",
    request_body = SaveRequest<BookingForm>,
    responses((status = CREATED, description = "已暂存", body = BookingDetail))
)]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(save): AppJson<SaveRequest<BookingForm>>,
) -> Result<impl IntoResponse, AppError> {
    let save = draft(&user, save.form)?;
    let enterprise_id = save.enterprise_id;
    // A new order has no version to be stale at.
    let id = written(state.store.create_booking(save).await)?.ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(read_back(&state, enterprise_id, id).await?),
    ))
}

/// 订仓单：详情（含全部商品行）
#[utoipa::path(
    get,
    path = "/{id}",
    tag = TAG,
    operation_id = "read_booking_order",
    params(FilingId),
    responses((status = OK, description = "订仓单", body = BookingDetail))
)]
async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
) -> Result<Json<BookingDetail>, AppError> {
    Ok(Json(
        read_back(&state, user.session.enterprise.id, id).await?,
    ))
}

/// 订仓单：暂存（修改）
#[utoipa::path(
    put,
    path = "/{id}",
    tag = TAG,
    operation_id = "update_booking_order",
    params(FilingId),
    request_body = SaveRequest<BookingForm>,
    responses((status = OK, description = "已暂存", body = BookingDetail))
)]
async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppJson(SaveRequest { version, form }): AppJson<SaveRequest<BookingForm>>,
) -> Result<Json<BookingDetail>, AppError> {
    let enterprise_id = user.session.enterprise.id;
    let version =
        version.ok_or_else(|| AppError::BadRequest("修改时必须带上订仓单的 version".into()))?;
    let (record, _) = load(&state, enterprise_id, id).await?;
    allowed(&record, Action::Save)?;
    if record.version != version {
        return Err(stale(&record));
    }
    let save = draft(&user, form)?;
    let transition = Transition {
        id,
        version,
        from: record.status,
        to: Status::Draft,
        actor: user.session.card_no.clone(),
        note: "修改后暂存".into(),
        detail: String::new(),
    };
    if written(state.store.save_booking(transition, save).await)?.is_none() {
        let (now, _) = load(&state, enterprise_id, id).await?;
        return Err(stale(&now));
    }
    Ok(Json(read_back(&state, enterprise_id, id).await?))
}

/// 订仓单：删除暂存的订仓单
#[utoipa::path(
    delete,
    path = "/{id}",
    tag = TAG,
    operation_id = "delete_booking_order",
    params(FilingId, VersionQuery),
    responses((status = NO_CONTENT, description = "已删除"))
)]
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppQuery(VersionQuery { version }): AppQuery<VersionQuery>,
) -> Result<StatusCode, AppError> {
    let enterprise_id = user.session.enterprise.id;
    let (record, _) = load(&state, enterprise_id, id).await?;
    allowed(&record, Action::Delete)?;
    if record.version != version
        || !state
            .store
            .delete_booking(enterprise_id, id, version)
            .await?
    {
        return Err(stale(&record));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The body of an import: a form with the file in its `file` field.
pub struct ImportUpload;

impl PartialSchema for ImportUpload {
    fn schema() -> RefOr<Schema> {
        let file = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("CSV（UTF-8 或 GB18030）或 .xlsx 文件，最大 10 MB"));
        ObjectBuilder::new()
            .property(FILE_FIELD, file)
            .required(FILE_FIELD)
            .into()
    }
}

impl ToSchema for ImportUpload {}

/// 订仓单：导入商品行（预览，不保存）
///
/// The lines of a CSV or `.xlsx` file, each with its row, and the problems of each row in
/// Chinese; nothing is stored. A file that cannot be read at all is refused whole (422, its
/// reason under `file`).
#[utoipa::path(
    post,
    path = "/import",
    tag = TAG,
    operation_id = "import_booking_lines",
    request_body(content = inline(ImportUpload), content_type = "multipart/form-data"),
    responses((status = OK, description = "商品行与各行的问题", body = ImportPreview))
)]
async fn import(
    State(state): State<AppState>,
    _user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<ImportPreview>, AppError> {
    // Taken before the file is read: it holds the file until the preview is answered.
    let _slot = state
        .imports
        .clone()
        .try_acquire_owned()
        .map_err(|_| AppError::TooManyImports)?;
    let multipart = multipart.map_err(|rejection| {
        AppError::BadRequest(format!(
            "请以 multipart/form-data 上传文件（字段 {FILE_FIELD}）：{}",
            rejection.body_text()
        ))
    })?;
    let (file_name, bytes) = uploaded_file(multipart).await?;
    let read = tokio::task::spawn_blocking(move || {
        import_lines(&bytes, &file_name, &CodeTables::embedded())
    })
    .await
    .map_err(|e| AppError::BadRequest(format!("无法读取该文件：{e}")))?;
    match read {
        Ok(Import { lines, errors }) => Ok(Json(ImportPreview {
            lines: lines
                .into_iter()
                .map(|l| PreviewLine {
                    row: l.row,
                    line: l.line,
                })
                .collect(),
            errors: errors
                .into_iter()
                .map(|e| PreviewError {
                    row: e.row,
                    column: e.column.to_owned(),
                    message: e.to_string(),
                })
                .collect(),
        })),
        Err(e @ ImportError::TooLarge { .. }) => Err(AppError::PayloadTooLarge(e.to_string())),
        Err(e) => Err(AppError::Validation(FieldErrors::from([(
            FILE_FIELD.to_owned(),
            e.to_string(),
        )]))),
    }
}

/// The name and bytes of the `file` field.
async fn uploaded_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge("文件超过 10 MB 的上限：请分成几个文件导入".to_owned())
        } else {
            AppError::BadRequest(format!("上传内容不完整或格式错误：{}", e.body_text()))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(unreadable)?;
        return Ok((name, bytes.to_vec()));
    }
    Err(AppError::BadRequest(format!(
        "请选择要导入的文件（表单字段 {FILE_FIELD}）"
    )))
}

/// 订仓单：下载商品行模板（CSV）
///
/// UTF-8 with a byte-order mark, so that Excel opens it with its Chinese intact; the header row
/// and one example line.
#[utoipa::path(
    get,
    path = "/template.csv",
    tag = TAG,
    operation_id = "booking_lines_template",
    responses((status = OK, description = "模板", body = String, content_type = "text/csv"))
)]
async fn template(_user: CurrentUser) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                attachment_disposition("订仓单商品模板.csv"),
            ),
        ],
        template_csv(),
    )
}
