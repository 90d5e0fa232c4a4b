//! 证明材料 of a warehouse filing: `/api/warehouses/{id}/attachments`. Files are checked by
//! the shared upload rules (content, name, size, count, the enterprise's quota), hashed with
//! SHA-256 and stored in the database; adding or removing one raises the filing's version. Only
//! the owning enterprise can read them, and they download as attachments, never shown in the
//! API's origin.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::{
    CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use owf_shared::amendment::FieldValues;
use owf_shared::api::AttachmentInfo;
use owf_shared::codes::{Code, DocType};
use owf_shared::form::WarehouseForm;
use owf_shared::proof::{check_upload, display_name, UploadError, MAX_FILE_BYTES};
use owf_shared::status::{Action, Status};
use owf_shared::validate::FieldErrors;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::filings::{id_parameter, FilingId};
use super::{AppError, AppQuery, AppState, CurrentUser};
use crate::store::attachments::{NewAttachment, Refused};

/// Field key of upload errors, where the form shows them.
const FIELD: &str = "attachments";

fn field_error(message: String) -> AppError {
    AppError::Validation(FieldErrors::from([(FIELD.to_owned(), message)]))
}

/// The answer to a refused upload or removal (`verb`: what could not be done).
fn refused(refusal: Refused, verb: &str) -> AppError {
    match refusal {
        Refused::NotFound => AppError::NotFound,
        Refused::NotEditable(status) => not_editable(status, verb),
        Refused::Cancellation => {
            AppError::Conflict(format!("注销申请不附证明材料，不能{verb}证明材料"))
        }
        Refused::TooMany => field_error(UploadError::TooMany.to_string()),
        Refused::OverQuota { used, size } => {
            AppError::PayloadTooLarge(UploadError::OverQuota { used, size }.to_string())
        }
    }
}

fn not_editable(status: Status, verb: &str) -> AppError {
    AppError::Conflict(format!(
        "当前状态为“{}”，不能{verb}证明材料",
        status.label()
    ))
}

/// The filing and proof document ids of a path; anything not a number does not exist.
pub struct AttachmentIds {
    id: i64,
    attachment_id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for AttachmentIds {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path((id, attachment_id)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        match (id.parse(), attachment_id.parse()) {
            (Ok(id), Ok(attachment_id)) => Ok(Self { id, attachment_id }),
            _ => Err(AppError::NotFound),
        }
    }
}

/// `{id}` and `{attachment_id}` as the description shows them.
impl IntoParams for AttachmentIds {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            id_parameter("id", "记录 id"),
            id_parameter("attachment_id", "证明材料 id"),
        ]
    }
}

/// `POST …/attachments?doc_type=02&file_name=…`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// 证明材料类型 code (`01` … `99`)
    pub doc_type: String,
    /// The file's name as the user chose it.
    pub file_name: String,
}

/// A proof document as it travels: the file itself, PDF, JPEG or PNG.
pub struct ProofFile;

impl PartialSchema for ProofFile {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for ProofFile {}

/// 上传证明材料
///
/// The request body is the file itself: PDF, JPEG or PNG, at most 10 MB; at most 200 MB per
/// enterprise in all. The filing's version goes up by one.
#[utoipa::path(
    post,
    path = "/{id}/attachments",
    tag = "海外仓资料信息",
    params(FilingId, UploadQuery),
    request_body(content(
        (inline(ProofFile) = "application/pdf"),
        (inline(ProofFile) = "image/jpeg"),
        (inline(ProofFile) = "image/png")
    )),
    responses((status = CREATED, description = "已上传", body = AttachmentInfo))
)]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    FilingId(id): FilingId,
    AppQuery(q): AppQuery<UploadQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, AppError> {
    let enterprise = &user.session.enterprise;
    let record = state
        .store
        .filing(enterprise.id, WarehouseForm::KIND, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            let size = headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse().ok())
                .unwrap_or(MAX_FILE_BYTES + 1);
            AppError::PayloadTooLarge(UploadError::TooLarge { size }.to_string())
        } else {
            AppError::BadRequest(rejection.body_text())
        }
    })?;
    if !record.status.allows(Action::Save) {
        return Err(not_editable(record.status, "再添加"));
    }
    let doc_type = DocType::parse(&q.doc_type).map_err(|e| {
        AppError::Validation(FieldErrors::from([("doc_type".to_owned(), e.to_string())]))
    })?;
    let existing = state.store.attachments(id).await?.len();
    let file_type =
        check_upload(&q.file_name, body.len(), &body, existing).map_err(|e| match e {
            UploadError::TooLarge { .. } => AppError::PayloadTooLarge(e.to_string()),
            other => field_error(other.to_string()),
        })?;
    let sha256: String = Sha256::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let new = NewAttachment {
        doc_type: doc_type.code().to_owned(),
        file_name: display_name(&q.file_name),
        content_type: file_type.content_type().to_owned(),
        sha256,
        content: body,
    };
    match state.store.add_attachment(enterprise.id, id, new).await? {
        Ok(info) => Ok((StatusCode::CREATED, Json(info))),
        Err(refusal) => Err(refused(refusal, "再添加")),
    }
}

/// 下载证明材料（Content-Disposition: attachment）
#[utoipa::path(
    get,
    path = "/{id}/attachments/{attachment_id}",
    tag = "海外仓资料信息",
    params(AttachmentIds),
    responses((
        status = OK,
        description = "文件本身",
        content(
            (inline(ProofFile) = "application/pdf"),
            (inline(ProofFile) = "image/jpeg"),
            (inline(ProofFile) = "image/png")
        )
    ))
)]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    AttachmentIds { id, attachment_id }: AttachmentIds,
) -> Result<impl IntoResponse, AppError> {
    let file = state
        .store
        .attachment_content(user.session.enterprise.id, id, attachment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, file.content_type),
            (CONTENT_DISPOSITION, attachment_disposition(&file.file_name)),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        file.content,
    ))
}

/// `Content-Disposition` of a download saved as `file_name` (RFC 6266, the name in UTF-8).
pub(super) fn attachment_disposition(file_name: &str) -> String {
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename*=UTF-8''{encoded}")
}

/// 删除证明材料（备案的 version 加 1）
#[utoipa::path(
    delete,
    path = "/{id}/attachments/{attachment_id}",
    tag = "海外仓资料信息",
    params(AttachmentIds),
    responses((status = NO_CONTENT, description = "已删除"))
)]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    AttachmentIds { id, attachment_id }: AttachmentIds,
) -> Result<StatusCode, AppError> {
    match state
        .store
        .delete_attachment(user.session.enterprise.id, id, attachment_id)
        .await?
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(refusal) => Err(refused(refusal, "删除")),
    }
}
