//! The one typed client of the owf API: JSON in and out, every failure as a readable message.
//!
//! The API base URL comes from `config.json` next to `index.html` (empty = same origin), so one
//! build serves every deployment. Cookies travel with every request (`credentials: include`,
//! `withCredentials` for uploads), which a frontend on another origin of the same site needs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::OnceLock;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, Request, RequestBuilder};
use leptos::prelude::*;
use owf_shared::api::{
    ApiError, AttachmentInfo, CancelRequest, FilingRow, ListQuery, LoginRequest, Page, SessionInfo,
    VersionCheck, WarehouseEligibility,
};
use owf_shared::booking::api::{BookingQuery, BookingRow, ImportPreview};
use owf_shared::codes::CodeTables;
use owf_shared::lease::LeaseFilter;
use owf_shared::status::Status;
use owf_shared::validate::FieldErrors;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ProgressEvent, RequestCredentials, UrlSearchParams, XmlHttpRequest};

/// Why a request failed, ready to show to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// HTTP status; 0 when the server could not be reached.
    pub status: u16,
    pub error: ApiError,
}

impl Failure {
    fn network() -> Self {
        Self {
            status: 0,
            error: ApiError {
                code: "network".into(),
                message: "无法连接服务器，请检查网络后重试；已填写的内容不会丢失".into(),
                fields: Default::default(),
            },
        }
    }

    pub fn message(&self) -> &str {
        &self.error.message
    }

    /// 409: somebody changed the record meanwhile, or its status no longer allows the action.
    pub fn is_conflict(&self) -> bool {
        self.status == 409
    }
}

/// `config.json`: where the API lives.
#[derive(Deserialize)]
struct RuntimeConfig {
    #[serde(default)]
    api_base: String,
}

static API_BASE: OnceLock<String> = OnceLock::new();

/// An answer as it came: status and body, `None` when the server was not reached.
type Reply = Option<(u16, String)>;

/// A reply on its way, which more than one waiter can await.
type SharedReply = Shared<LocalBoxFuture<'static, Reply>>;

/// How long an answer asked ahead waits for its screen (ms).
const AHEAD_KEPT_MS: f64 = 10_000.0;

/// What the page's head asked for before the app ran, when the browser holds a login
/// (`scripts/split.mjs`): a `Map` on `window` from absolute URL to the `fetch`'s promise.
const SENT_BY_PAGE: &str = "owfAhead";

thread_local! {
    static ON_UNAUTHENTICATED: RefCell<Option<Box<dyn Fn()>>> = RefCell::new(None);
    static PENDING: RwSignal<u32> = RwSignal::new(0);
    /// GETs sent ahead of the screen that will send them ([`ask_ahead`]), by URL, with when
    /// they were sent (ms).
    static AHEAD: RefCell<HashMap<String, (f64, SharedReply)>> = RefCell::new(HashMap::new());
}

/// Reads `/config.json`; without one (or an unreadable one) the API is on this origin.
pub async fn load_config() {
    let config = async {
        let response = Request::get("/config.json").send().await.ok()?;
        crate::json::from_str::<RuntimeConfig>(&response.text().await.ok()?).ok()
    }
    .await;
    let base = config.map_or_else(String::new, |c| c.api_base.trim_end_matches('/').to_owned());
    let _ = API_BASE.set(base);
}

/// What to do when the session has ended (HTTP 401 on any request but the login itself).
pub fn on_unauthenticated(hook: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|slot| *slot.borrow_mut() = Some(Box::new(hook)));
}

/// Number of requests under way, for the busy indicator.
pub fn pending() -> RwSignal<u32> {
    PENDING.with(|pending| *pending)
}

/// The absolute URL of an API path such as `/registrations/7`.
pub fn url(path: &str) -> String {
    let base = API_BASE.get().map_or("", String::as_str);
    format!("{base}/api{path}")
}

/// The conditions, paging and sorting of a list as they travel in a URL query string (the app's
/// address and the API's): `page`, `page_size`, `sort` and `desc` the same for every list.
pub trait UrlQuery: Clone + Default + PartialEq + Send + Sync + 'static {
    /// The query as `application/x-www-form-urlencoded`, absent conditions omitted.
    fn encode(&self) -> String;
    /// A URL query string as a query; an unreadable value gives the empty query.
    fn decode(search: &str) -> Self;
    /// Errors of the conditions that have a format (dates, their order, the sort key).
    fn validate(&self) -> FieldErrors;
    /// The page (from 1) and rows per page.
    fn paging(&mut self) -> (&mut Option<u32>, &mut Option<u32>);
    /// The key of the sort column and whether descending.
    fn sorting(&mut self) -> (&mut Option<String>, &mut bool);
}

/// `pairs` as a URL query string, absent values omitted, in their order.
fn encode_pairs(pairs: &[(&str, Option<String>)]) -> String {
    let Ok(params) = UrlSearchParams::new() else {
        return String::new();
    };
    for (key, value) in pairs {
        if let Some(value) = value {
            params.append(key, value);
        }
    }
    params.to_string().into()
}

/// The paging and sorting pairs of a URL query string.
fn paging_pairs(
    page: Option<u32>,
    page_size: Option<u32>,
    sort: &Option<String>,
    desc: bool,
) -> [(&'static str, Option<String>); 4] {
    [
        ("page", page.map(|n| n.to_string())),
        ("page_size", page_size.map(|n| n.to_string())),
        ("sort", sort.clone()),
        ("desc", desc.then(|| "true".to_owned())),
    ]
}

/// Reads the values of a URL query string; `None` from a reader means an unreadable value.
struct Params(UrlSearchParams);

impl Params {
    fn new(search: &str) -> Option<Self> {
        UrlSearchParams::new_with_str(search).ok().map(Self)
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0.get(key)
    }

    fn number(&self, key: &str) -> Option<Option<u32>> {
        match self.get(key) {
            None => Some(None),
            Some(value) => value.parse::<u32>().ok().map(Some),
        }
    }

    fn status(&self) -> Option<Option<Status>> {
        match self.get("status") {
            None => Some(None),
            Some(code) => Some(Some(code.parse().ok().and_then(Status::from_code)?)),
        }
    }

    fn desc(&self) -> Option<bool> {
        match self.get("desc").as_deref() {
            None | Some("false") => Some(false),
            Some("true") => Some(true),
            Some(_) => None,
        }
    }
}

impl UrlQuery for ListQuery {
    fn encode(&self) -> String {
        let status = self.status.map(|s| s.code().to_string());
        let lease = self.lease.map(|l| l.code().to_owned());
        let conditions = [
            ("apply_no", self.apply_no.clone()),
            ("customs_code", self.customs_code.clone()),
            ("ent_name", self.ent_name.clone()),
            ("wh_name", self.wh_name.clone()),
            ("country_code", self.country_code.clone()),
            ("trade_mode", self.trade_mode.clone()),
            ("status", status),
            ("decl_from", self.decl_from.clone()),
            ("decl_to", self.decl_to.clone()),
            ("lease", lease),
        ];
        let paging = paging_pairs(self.page, self.page_size, &self.sort, self.desc);
        encode_pairs(&[&conditions[..], &paging[..]].concat())
    }

    fn decode(search: &str) -> Self {
        let read = || {
            let params = Params::new(search)?;
            Some(ListQuery {
                apply_no: params.get("apply_no"),
                customs_code: params.get("customs_code"),
                ent_name: params.get("ent_name"),
                wh_name: params.get("wh_name"),
                country_code: params.get("country_code"),
                trade_mode: params.get("trade_mode"),
                status: params.status()?,
                decl_from: params.get("decl_from"),
                decl_to: params.get("decl_to"),
                lease: match params.get("lease") {
                    None => None,
                    Some(code) => Some(LeaseFilter::from_code(&code)?),
                },
                page: params.number("page")?,
                page_size: params.number("page_size")?,
                sort: params.get("sort"),
                desc: params.desc()?,
            })
        };
        read().unwrap_or_default()
    }

    fn validate(&self) -> FieldErrors {
        ListQuery::validate(self)
    }

    fn paging(&mut self) -> (&mut Option<u32>, &mut Option<u32>) {
        (&mut self.page, &mut self.page_size)
    }

    fn sorting(&mut self) -> (&mut Option<String>, &mut bool) {
        (&mut self.sort, &mut self.desc)
    }
}

impl UrlQuery for BookingQuery {
    fn encode(&self) -> String {
        let conditions = [
            ("order_no", self.order_no.clone()),
            ("status", self.status.map(|s| s.code().to_string())),
            ("created_from", self.created_from.clone()),
            ("created_to", self.created_to.clone()),
        ];
        let paging = paging_pairs(self.page, self.page_size, &self.sort, self.desc);
        encode_pairs(&[&conditions[..], &paging[..]].concat())
    }

    fn decode(search: &str) -> Self {
        let read = || {
            let params = Params::new(search)?;
            Some(BookingQuery {
                order_no: params.get("order_no"),
                status: params.status()?,
                created_from: params.get("created_from"),
                created_to: params.get("created_to"),
                page: params.number("page")?,
                page_size: params.number("page_size")?,
                sort: params.get("sort"),
                desc: params.desc()?,
            })
        };
        read().unwrap_or_default()
    }

    fn validate(&self) -> FieldErrors {
        BookingQuery::validate(self)
    }

    fn paging(&mut self) -> (&mut Option<u32>, &mut Option<u32>) {
        (&mut self.page, &mut self.page_size)
    }

    fn sorting(&mut self) -> (&mut Option<String>, &mut bool) {
        (&mut self.sort, &mut self.desc)
    }
}

fn request(method: Method, path: &str) -> RequestBuilder {
    RequestBuilder::new(&url(path))
        .method(method)
        .credentials(RequestCredentials::Include)
}

/// The failure an answer with an error `status` and `body` stands for; a 401 of an ended
/// session runs the hook.
fn failure(status: u16, body: &str) -> Failure {
    let error = crate::json::from_str::<ApiError>(body).unwrap_or_else(|_| ApiError {
        code: "http".into(),
        message: format!("服务器返回错误（HTTP {status}），请稍后重试"),
        fields: Default::default(),
    });
    if status == 401 && error.code == "unauthenticated" {
        ON_UNAUTHENTICATED.with(|hook| {
            if let Some(hook) = hook.borrow().as_ref() {
                hook();
            }
        });
    }
    Failure { status, error }
}

/// An answer — `None` when the server was not reached — as its body text or the failure;
/// the one mapping of every request, however it was sent.
fn answer(reply: Option<(u16, String)>) -> Result<String, Failure> {
    match reply {
        Some((status, body)) if (200..300).contains(&status) => Ok(body),
        Some((status, body)) => Err(failure(status, &body)),
        None => Err(Failure::network()),
    }
}

/// Waits for `exchange` with the request counted as under way.
async fn counted<T>(exchange: impl Future<Output = T>) -> T {
    let pending = pending();
    pending.update(|n| *n += 1);
    let result = exchange.await;
    pending.update(|n| *n = n.saturating_sub(1));
    result
}

pub fn json<T: DeserializeOwned>(body: &str) -> Result<T, Failure> {
    crate::json::from_str(body).map_err(|_| Failure::network())
}

async fn exchange(request: Result<Request, gloo_net::Error>) -> Result<String, Failure> {
    let request = request.map_err(|_| Failure::network())?;
    let reply = match taken_ahead(&request) {
        Some(reply) => reply.await,
        None => counted(reply(request)).await,
    };
    answer(reply)
}

async fn reply(request: Request) -> Reply {
    let response = request.send().await.ok()?;
    Some((response.status(), response.text().await.ok()?))
}

/// Sends the GET of `path` now, while the screen that will ask for it is still on its way (its
/// module arriving): the screen's own request for the same URL, if it comes within 10 s, takes
/// this answer instead of asking again.
pub fn ask_ahead(path: &str) {
    if let Ok(request) = request(Method::GET, path).build() {
        keep_ahead(request.url(), reply(request));
    }
}

/// Takes what the page's head asked for before the app ran (see [`SENT_BY_PAGE`]) as answers
/// asked ahead, from now.
pub fn take_over_page_requests() {
    let Ok(sent) = js_sys::Reflect::get(&window(), &SENT_BY_PAGE.into()) else {
        return;
    };
    let Ok(sent) = sent.dyn_into::<js_sys::Map>() else {
        return;
    };
    sent.for_each(&mut |promise, url| {
        if let (Some(url), Ok(promise)) = (url.as_string(), promise.dyn_into()) {
            keep_ahead(url, received(promise));
        }
    });
    sent.clear();
}

/// Keeps the answer `reply` to a GET of `url` for the request that will ask for it.
fn keep_ahead(url: String, reply: impl Future<Output = Reply> + 'static) {
    let reply = counted(reply).boxed_local().shared();
    // Not leptos' spawner: the page's requests are taken over before the app mounts it.
    wasm_bindgen_futures::spawn_local(reply.clone().map(drop));
    let now = js_sys::Date::now();
    AHEAD.with(|ahead| {
        let mut ahead = ahead.borrow_mut();
        ahead.retain(|_, (sent, _)| now - *sent < AHEAD_KEPT_MS);
        ahead.insert(url, (now, reply));
    });
}

/// The answer to a `fetch` the page's head sent.
async fn received(sent: js_sys::Promise) -> Reply {
    let response: web_sys::Response = JsFuture::from(sent).await.ok()?.dyn_into().ok()?;
    let response = gloo_net::http::Response::from(response);
    Some((response.status(), response.text().await.ok()?))
}

/// The answer asked ahead for `request`, if it is a GET of such a URL sent less than 10 s ago;
/// it is taken once.
fn taken_ahead(request: &Request) -> Option<SharedReply> {
    if request.method() != Method::GET {
        return None;
    }
    let (sent, reply) = AHEAD.with(|ahead| ahead.borrow_mut().remove(&request.url()))?;
    (js_sys::Date::now() - sent < AHEAD_KEPT_MS).then_some(reply)
}

async fn send<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, Failure> {
    json(&exchange(request).await?)
}

/// For answers without a body (204).
async fn send_empty(request: Result<Request, gloo_net::Error>) -> Result<(), Failure> {
    exchange(request).await.map(drop)
}

fn with_body(builder: RequestBuilder, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
    builder.json(body)
}

/// `body`, JSON already written (or the error writing it), as the body of a request.
fn with_json(
    builder: RequestBuilder,
    body: serde_json::Result<String>,
) -> Result<Request, gloo_net::Error> {
    let body = body.map_err(gloo_net::Error::from)?;
    builder
        .header("Content-Type", "application/json")
        .body(body)
}

pub async fn login(body: &LoginRequest) -> Result<SessionInfo, Failure> {
    send(with_body(request(Method::POST, "/session"), body)).await
}

pub async fn whoami() -> Result<SessionInfo, Failure> {
    send(request(Method::GET, "/session").build()).await
}

/// 延长登录: the session ends one session length from now.
pub async fn extend_session() -> Result<SessionInfo, Failure> {
    send(request(Method::POST, "/session/refresh").build()).await
}

pub async fn logout() -> Result<(), Failure> {
    send_empty(request(Method::DELETE, "/session").build()).await
}

/// 海外仓备案查询: both filings together.
pub async fn filings(query: ListQuery) -> Result<Page<FilingRow>, Failure> {
    list("/filings", query).await
}

/// A page of the collection `api` (e.g. `/registrations`).
pub async fn list<Q: UrlQuery, T: DeserializeOwned>(
    api: &str,
    query: Q,
) -> Result<Page<T>, Failure> {
    send(request(Method::GET, &list_path(api, &query)).build()).await
}

/// The path of a page of the collection `api`.
pub fn list_path(api: &str, query: &impl UrlQuery) -> String {
    format!("{api}?{}", query.encode())
}

/// Record `id` of the collection `api`.
pub async fn get<T: DeserializeOwned>(api: &str, id: i64) -> Result<T, Failure> {
    send(request(Method::GET, &format!("{api}/{id}")).build()).await
}

/// 暂存 in the collection `api` (e.g. `/registrations`): creates the record when `id` is
/// `None`, else saves over it. `body` is the JSON of the save request; the answer is the
/// stored record's JSON.
pub async fn save(
    api: &str,
    id: Option<i64>,
    body: serde_json::Result<String>,
) -> Result<String, Failure> {
    let builder = match id {
        None => request(Method::POST, api),
        Some(id) => request(Method::PUT, &format!("{api}/{id}")),
    };
    exchange(with_json(builder, body)).await
}

pub async fn delete(api: &str, id: i64, version: i64) -> Result<(), Failure> {
    let path = format!("{api}/{id}?version={version}");
    send_empty(request(Method::DELETE, &path).build()).await
}

/// 申报 of record `id` of the collection `api`; the answer is the record's JSON.
pub async fn declare(api: &str, id: i64, version: i64) -> Result<String, Failure> {
    let builder = request(Method::POST, &format!("{api}/{id}/declare"));
    exchange(with_body(builder, &VersionCheck { version })).await
}

/// 变更 of the approved record `id` of the collection `api`; the answer is the change draft's JSON.
pub async fn open_change(api: &str, id: i64, version: i64) -> Result<String, Failure> {
    let builder = request(Method::POST, &format!("{api}/{id}/change"));
    exchange(with_body(builder, &VersionCheck { version })).await
}

/// 注销 of the approved record `id` of the collection `api`; the answer is the record's JSON.
pub async fn cancel(api: &str, id: i64, body: &CancelRequest) -> Result<String, Failure> {
    let builder = request(Method::POST, &format!("{api}/{id}/cancel"));
    exchange(with_body(builder, body)).await
}

/// The JSON of the approved versions of record `id` of the collection `api`, oldest first.
pub async fn versions(api: &str, id: i64) -> Result<String, Failure> {
    exchange(request(Method::GET, &format!("{api}/{id}/versions")).build()).await
}

/// The customs master data (`/api/codes`, one CSV cached by the browser), which the `codes`
/// module keeps for every screen.
pub async fn code_tables() -> Result<CodeTables, Failure> {
    let csv = exchange(request(Method::GET, "/codes").build()).await?;
    CodeTables::from_combined_csv(&csv).map_err(|_| Failure::network())
}

pub async fn eligibility() -> Result<WarehouseEligibility, Failure> {
    send(request(Method::GET, "/warehouses/eligibility").build()).await
}

/// Sends `file` as the body of a POST to `path` with `XMLHttpRequest`, which — unlike
/// `fetch` — reports upload progress: `progress` gets the percentage sent.
async fn post_file(
    path: &str,
    file: &web_sys::File,
    progress: impl Fn(u32) + 'static,
) -> Result<String, Failure> {
    let xhr = XmlHttpRequest::new().map_err(|_| Failure::network())?;
    xhr.open("POST", &url(path))
        .and_then(|()| xhr.set_request_header("Content-Type", &file.type_()))
        .map_err(|_| Failure::network())?;
    xhr.set_with_credentials(true);
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress((event.loaded() * 100.0 / event.total()) as u32);
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    let reply = counted(async {
        xhr.send_with_opt_blob(Some(file)).ok()?;
        JsFuture::from(done).await.ok()?;
        let status = xhr.status().ok().filter(|&status| status != 0)?;
        Some((
            status,
            xhr.response_text().ok().flatten().unwrap_or_default(),
        ))
    })
    .await;
    answer(reply)
}

/// Uploads a proof document (证明材料) of warehouse `id` as the raw request body, reporting
/// the percentage sent to `progress`.
pub async fn upload_attachment(
    id: i64,
    doc_type: &str,
    file: &web_sys::File,
    progress: impl Fn(u32) + 'static,
) -> Result<AttachmentInfo, Failure> {
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let path = format!("/warehouses/{id}/attachments?doc_type={doc_type}&file_name={name}");
    json(&post_file(&path, file, progress).await?)
}

pub async fn delete_attachment(id: i64, attachment: i64) -> Result<(), Failure> {
    let path = format!("/warehouses/{id}/attachments/{attachment}");
    send_empty(request(Method::DELETE, &path).build()).await
}

/// Where the browser downloads a stored proof document.
pub fn attachment_url(id: i64, attachment: i64) -> String {
    url(&format!("/warehouses/{id}/attachments/{attachment}"))
}

/// The API collection of the 订仓单.
pub const BOOKING_ORDERS: &str = "/booking-orders";

/// 海外仓订仓单查询.
pub async fn booking_orders(query: BookingQuery) -> Result<Page<BookingRow>, Failure> {
    list(BOOKING_ORDERS, query).await
}

/// 变更 of the declared 订仓单 `id`: `body` is the JSON of the save request with the new
/// content, declared at once (appType 2); the answer is the order's JSON.
pub async fn change_booking(id: i64, body: serde_json::Result<String>) -> Result<String, Failure> {
    let builder = request(Method::POST, &format!("{BOOKING_ORDERS}/{id}/change"));
    exchange(with_json(builder, body)).await
}

/// 删除 of the declared 订仓单 `id`, asked of customs (appType 3); the answer is the order's JSON.
pub async fn request_booking_deletion(id: i64, version: i64) -> Result<String, Failure> {
    let builder = request(
        Method::POST,
        &format!("{BOOKING_ORDERS}/{id}/delete-request"),
    );
    exchange(with_body(builder, &VersionCheck { version })).await
}

/// The preview of the 订仓单 lines in `file` (CSV or `.xlsx`) named `file_name`; nothing is
/// stored.
pub async fn import_booking_lines(
    file: &web_sys::Blob,
    file_name: &str,
) -> Result<ImportPreview, Failure> {
    let form = web_sys::FormData::new().map_err(|_| Failure::network())?;
    form.append_with_blob_and_filename("file", file, file_name)
        .map_err(|_| Failure::network())?;
    let path = format!("{BOOKING_ORDERS}/import");
    send(request(Method::POST, &path).body(form)).await
}

/// Where the browser downloads the 订仓单 line template (模板下载).
pub fn booking_template_url() -> String {
    url(&format!("{BOOKING_ORDERS}/template.csv"))
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use owf_shared::lease::LeaseFilter;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn queries_round_trip_through_the_url() {
        let list = ListQuery {
            apply_no: Some("W1".into()),
            status: Some(Status::Draft),
            lease: Some(LeaseFilter::ALL[0]),
            page: Some(2),
            sort: Some("decl_time".into()),
            desc: true,
            ..ListQuery::default()
        };
        let lease = LeaseFilter::ALL[0].code();
        assert_eq!(
            list.encode(),
            format!("apply_no=W1&status=1&lease={lease}&page=2&sort=decl_time&desc=true")
        );
        assert_eq!(ListQuery::decode(&list.encode()), list);
        let booking = BookingQuery {
            order_no: Some("WO 1".into()),
            status: Some(Status::Received),
            created_from: Some("2026-12-01".into()),
            page_size: Some(50),
            ..BookingQuery::default()
        };
        assert_eq!(
            booking.encode(),
            "order_no=WO+1&status=120&created_from=2026-12-01&page_size=50"
        );
        assert_eq!(BookingQuery::decode(&booking.encode()), booking);
        assert_eq!(
            BookingQuery::decode("order_no=WO&status=7"),
            BookingQuery::default(),
            "an unreadable value gives the empty query"
        );
    }
}
