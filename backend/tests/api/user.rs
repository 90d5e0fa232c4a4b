//! A logged-in user's calls of the API, typed with the shared DTOs (`owf_shared::api`): each
//! answers the DTO of a success, or the [`Refusal`] — status and error body — of a failure.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use owf_shared::api::{
    ApiError, AttachmentInfo, CancelRequest, FilingRow, Lifecycle, Page, RegistrationDetail,
    RegistrationRow, SaveRequest, SessionInfo, VersionCheck, VersionEntry, WarehouseDetail,
    WarehouseEligibility, WarehouseRow,
};
use owf_shared::booking::api::{BookingDetail, BookingRow, ImportPreview};
use owf_shared::booking::BookingForm;
use owf_shared::form::{RegistrationForm, WarehouseForm};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::helpers::TestApp;

/// A request the API refused: its status and the error body every refusal carries.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub error: ApiError,
}

/// The DTO of a success, or the refusal.
pub type Answer<T> = Result<T, Refusal>;

/// A filing as the API answers it ([`RegistrationDetail`], [`WarehouseDetail`]).
pub trait Filing: DeserializeOwned {
    type Form: Serialize;
    /// Its collection under `/api`.
    const COLLECTION: &'static str;
    fn id(&self) -> i64;
    fn lifecycle(&self) -> &Lifecycle;

    fn path(&self) -> String {
        format!("/api/{}/{}", Self::COLLECTION, self.id())
    }
}

/// A form, and the filing saving it makes.
pub trait Form: Serialize {
    type Filing: Filing<Form = Self>;
}

impl Filing for RegistrationDetail {
    type Form = RegistrationForm;
    const COLLECTION: &'static str = "registrations";

    fn id(&self) -> i64 {
        self.id
    }

    fn lifecycle(&self) -> &Lifecycle {
        &self.lifecycle
    }
}

impl Filing for WarehouseDetail {
    type Form = WarehouseForm;
    const COLLECTION: &'static str = "warehouses";

    fn id(&self) -> i64 {
        self.id
    }

    fn lifecycle(&self) -> &Lifecycle {
        &self.lifecycle
    }
}

impl Form for RegistrationForm {
    type Filing = RegistrationDetail;
}

impl Form for WarehouseForm {
    type Filing = WarehouseDetail;
}

/// A session of the app: the token of a login.
pub struct User<'a> {
    app: &'a TestApp,
    pub token: String,
}

impl<'a> User<'a> {
    pub fn new(app: &'a TestApp, token: String) -> Self {
        Self { app, token }
    }

    /// A request as this user with `body` of `content_type`; status, headers and body.
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> (StatusCode, HeaderMap, Bytes) {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, format!("owf_session={}", self.token));
        let req = match body {
            Some((content_type, bytes)) => req
                .header(header::CONTENT_TYPE, content_type)
                .header(header::CONTENT_LENGTH, bytes.len())
                .body(Body::from(bytes)),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.app.answer(req).await
    }

    /// A call answered with `expected` and a `T`, or refused.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<(&'static str, Vec<u8>)>,
        expected: StatusCode,
    ) -> Answer<T> {
        let (status, _, bytes) = self.request(method.clone(), path, body).await;
        answer(status, &bytes, expected, &format!("{method} {path}"))?;
        Ok(serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}: {}", text(&bytes))))
    }

    /// A call whose success has no body.
    async fn call_empty(&self, method: Method, path: &str, expected: StatusCode) -> Answer<()> {
        let (status, _, bytes) = self.request(method.clone(), path, None).await;
        answer(status, &bytes, expected, &format!("{method} {path}"))
    }

    /// A request with a raw JSON `body` (or none), for the tests about the wire; status and JSON
    /// body (`Null` if none).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> (StatusCode, Value) {
        let body = body.map(|b| ("application/json", b.as_bytes().to_vec()));
        let (status, _, bytes) = self.request(method, path, body).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// `GET /api/session`: who am I.
    pub async fn me(&self) -> Answer<SessionInfo> {
        self.call(Method::GET, "/api/session", None, StatusCode::OK)
            .await
    }

    /// `POST /api/session/refresh`: 延长登录.
    pub async fn refresh(&self) -> Answer<SessionInfo> {
        self.call(Method::POST, "/api/session/refresh", None, StatusCode::OK)
            .await
    }

    /// `DELETE /api/session`: 退出.
    pub async fn logout(&self) -> Answer<Value> {
        self.call(Method::DELETE, "/api/session", None, StatusCode::OK)
            .await
    }

    /// 暂存 of a new filing.
    pub async fn create<F: Form>(&self, form: &F) -> Answer<F::Filing> {
        let path = format!("/api/{}", F::Filing::COLLECTION);
        let save = SaveRequest {
            version: None,
            form,
        };
        self.call(Method::POST, &path, json(&save), StatusCode::CREATED)
            .await
    }

    /// 暂存 of `filing` with `form`, at the version `filing` was read at.
    pub async fn save<D: Filing>(&self, filing: &D, form: &D::Form) -> Answer<D> {
        let save = SaveRequest {
            version: Some(filing.lifecycle().version),
            form,
        };
        self.call(Method::PUT, &filing.path(), json(&save), StatusCode::OK)
            .await
    }

    /// `filing` as it is now.
    pub async fn reload<D: Filing>(&self, filing: &D) -> Answer<D> {
        self.call(Method::GET, &filing.path(), None, StatusCode::OK)
            .await
    }

    /// 申报 of `filing`, at the version it was read at.
    pub async fn declare<D: Filing>(&self, filing: &D) -> Answer<D> {
        let path = format!("{}/declare", filing.path());
        let version = VersionCheck {
            version: filing.lifecycle().version,
        };
        self.call(Method::POST, &path, json(&version), StatusCode::OK)
            .await
    }

    /// 删除 of the draft `filing`, at the version it was read at.
    pub async fn delete<D: Filing>(&self, filing: &D) -> Answer<()> {
        let path = format!("{}?version={}", filing.path(), filing.lifecycle().version);
        self.call_empty(Method::DELETE, &path, StatusCode::NO_CONTENT)
            .await
    }

    /// The enterprise's filing `id` of `D`'s kind, as it is now.
    pub async fn open<D: Filing>(&self, id: i64) -> Answer<D> {
        let path = format!("/api/{}/{id}", D::COLLECTION);
        self.call(Method::GET, &path, None, StatusCode::OK).await
    }

    /// 变更 of the approved `filing`, at the version it was read at: the change draft.
    pub async fn change<D: Filing>(&self, filing: &D) -> Answer<D> {
        let path = format!("{}/change", filing.path());
        let version = VersionCheck {
            version: filing.lifecycle().version,
        };
        self.call(Method::POST, &path, json(&version), StatusCode::CREATED)
            .await
    }

    /// 注销 of the approved `filing` with `reason`, at the version it was read at: the filing
    /// with its cancellation under way.
    pub async fn cancel<D: Filing>(&self, filing: &D, reason: &str) -> Answer<D> {
        let path = format!("{}/cancel", filing.path());
        let request = CancelRequest {
            version: filing.lifecycle().version,
            reason: reason.to_owned(),
        };
        self.call(Method::POST, &path, json(&request), StatusCode::OK)
            .await
    }

    /// The approved versions of `filing`, oldest first.
    pub async fn versions<D: Filing>(&self, filing: &D) -> Answer<Vec<VersionEntry<D::Form>>>
    where
        D::Form: DeserializeOwned,
    {
        let path = format!("{}/versions", filing.path());
        self.call(Method::GET, &path, None, StatusCode::OK).await
    }

    /// Whether the enterprise may file warehouses.
    pub async fn eligibility(&self) -> Answer<WarehouseEligibility> {
        let path = "/api/warehouses/eligibility";
        self.call(Method::GET, path, None, StatusCode::OK).await
    }

    /// Uploads `bytes` as a proof document of `warehouse`; `file_name` goes into the query as
    /// given (percent-encoded where it must be).
    pub async fn upload(
        &self,
        warehouse: &WarehouseDetail,
        doc_type: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Answer<AttachmentInfo> {
        let path = format!(
            "{}/attachments?doc_type={doc_type}&file_name={file_name}",
            warehouse.path()
        );
        let body = Some(("application/octet-stream", bytes.to_vec()));
        self.call(Method::POST, &path, body, StatusCode::CREATED)
            .await
    }

    /// Removes a proof document of `warehouse`.
    pub async fn remove(
        &self,
        warehouse: &WarehouseDetail,
        attachment: &AttachmentInfo,
    ) -> Answer<()> {
        let path = format!("{}/attachments/{}", warehouse.path(), attachment.id);
        self.call_empty(Method::DELETE, &path, StatusCode::NO_CONTENT)
            .await
    }

    /// Status, headers and bytes of a proof document of `warehouse`.
    pub async fn download(
        &self,
        warehouse: &WarehouseDetail,
        attachment: &AttachmentInfo,
    ) -> (StatusCode, HeaderMap, Bytes) {
        let path = format!("{}/attachments/{}", warehouse.path(), attachment.id);
        self.request(Method::GET, &path, None).await
    }

    /// A page of 海外仓企业登记 by the URL `query` (without `?`).
    pub async fn registrations(&self, query: &str) -> Answer<Page<RegistrationRow>> {
        self.page("registrations", query).await
    }

    /// A page of 海外仓资料信息 by the URL `query`.
    pub async fn warehouses(&self, query: &str) -> Answer<Page<WarehouseRow>> {
        self.page("warehouses", query).await
    }

    /// A page of 海外仓备案查询 by the URL `query`.
    pub async fn filings(&self, query: &str) -> Answer<Page<FilingRow>> {
        self.page("filings", query).await
    }

    /// 暂存 of a new 订仓单.
    pub async fn create_booking(&self, form: &BookingForm) -> Answer<BookingDetail> {
        let save = SaveRequest {
            version: None,
            form,
        };
        self.call(Method::POST, BOOKINGS, json(&save), StatusCode::CREATED)
            .await
    }

    /// 暂存 of the 订仓单 `order` with `form`, at the version `order` was read at.
    pub async fn save_booking(
        &self,
        order: &BookingDetail,
        form: &BookingForm,
    ) -> Answer<BookingDetail> {
        let save = SaveRequest {
            version: Some(order.version),
            form,
        };
        let path = format!("{BOOKINGS}/{}", order.id);
        self.call(Method::PUT, &path, json(&save), StatusCode::OK)
            .await
    }

    /// The enterprise's 订仓单 `id` as it is now.
    pub async fn booking(&self, id: i64) -> Answer<BookingDetail> {
        let path = format!("{BOOKINGS}/{id}");
        self.call(Method::GET, &path, None, StatusCode::OK).await
    }

    /// 删除 of the draft `order`, at the version it was read at.
    pub async fn delete_booking(&self, order: &BookingDetail) -> Answer<()> {
        let path = format!("{BOOKINGS}/{}?version={}", order.id, order.version);
        self.call_empty(Method::DELETE, &path, StatusCode::NO_CONTENT)
            .await
    }

    /// `POST …/{id}/{action}` of `order` with `body`: 申报 (`declare`), 变更 (`change`) or 删除
    /// (`delete-request`).
    async fn booking_action(
        &self,
        order: &BookingDetail,
        action: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Answer<BookingDetail> {
        let path = format!("{BOOKINGS}/{}/{action}", order.id);
        self.call(Method::POST, &path, body, StatusCode::OK).await
    }

    /// 申报 of the 订仓单 `order`, at the version it was read at.
    pub async fn declare_booking(&self, order: &BookingDetail) -> Answer<BookingDetail> {
        let version = VersionCheck {
            version: order.version,
        };
        self.booking_action(order, "declare", json(&version)).await
    }

    /// 变更 of the declared 订仓单 `order` to `form`, at the version it was read at.
    pub async fn change_booking(
        &self,
        order: &BookingDetail,
        form: &BookingForm,
    ) -> Answer<BookingDetail> {
        let save = SaveRequest {
            version: Some(order.version),
            form,
        };
        self.booking_action(order, "change", json(&save)).await
    }

    /// 删除 of the declared 订仓单 `order` at customs, at the version it was read at.
    pub async fn delete_booking_at_customs(&self, order: &BookingDetail) -> Answer<BookingDetail> {
        let version = VersionCheck {
            version: order.version,
        };
        self.booking_action(order, "delete-request", json(&version))
            .await
    }

    /// A page of 订仓单 by the URL `query`.
    pub async fn bookings(&self, query: &str) -> Answer<Page<BookingRow>> {
        self.page("booking-orders", query).await
    }

    /// The preview of importing `bytes` as the file `file_name` (multipart field `file`).
    pub async fn import_lines(&self, file_name: &str, bytes: &[u8]) -> Answer<ImportPreview> {
        let boundary = "owf-test-boundary";
        let body = [
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
            bytes,
            format!("\r\n--{boundary}--\r\n").as_bytes(),
        ]
        .concat();
        let path = format!("{BOOKINGS}/import");
        let content_type = "multipart/form-data; boundary=owf-test-boundary";
        self.call(
            Method::POST,
            &path,
            Some((content_type, body)),
            StatusCode::OK,
        )
        .await
    }

    /// Status, headers and bytes of the line template.
    pub async fn booking_template(&self) -> (StatusCode, HeaderMap, Bytes) {
        let path = format!("{BOOKINGS}/template.csv");
        self.request(Method::GET, &path, None).await
    }

    async fn page<R: DeserializeOwned>(&self, collection: &str, query: &str) -> Answer<Page<R>> {
        let path = format!("/api/{collection}?{query}");
        self.call(Method::GET, &path, None, StatusCode::OK).await
    }
}

/// The 订仓单 collection.
const BOOKINGS: &str = "/api/booking-orders";

/// `body` as JSON.
fn json(body: &impl Serialize) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", serde_json::to_vec(body).unwrap()))
}

/// `Ok` for the `expected` status, the refusal for an error status; any other success fails the
/// test.
fn answer(status: StatusCode, body: &[u8], expected: StatusCode, what: &str) -> Answer<()> {
    if status == expected {
        return Ok(());
    }
    assert!(
        status.is_client_error() || status.is_server_error(),
        "{what}: {status}, expected {expected}: {}",
        text(body)
    );
    let error = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{what}: {status} without an error body ({e}): {}",
            text(body)
        )
    });
    Err(Refusal { status, error })
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}
